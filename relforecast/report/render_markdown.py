"""``report.md``: the document as Markdown with pipe tables (tabulate) and linked figures."""

from __future__ import annotations

from tabulate import tabulate

from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table

__all__ = ["to_markdown"]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> str:
    rows = [[_escape(c) for c in row] for row in table.rows]
    for row, link in zip(rows, table.links, strict=False):
        if link:
            row[0] = f"[{row[0]}]({link.replace(' ', '%20')})"
    text = tabulate(
        rows,
        headers=[_escape(c) for c in table.columns],
        tablefmt="pipe",
        colalign=table.align,
        disable_numparse=True,
    )
    return f"{text}\n\n*{table.caption}*" if table.caption else text


def to_markdown(doc: Document) -> str:
    """Markdown text of ``doc`` (figures as links to the PNG files beside it)."""
    lines = [f"# {doc.title}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            text = f"**{block.text}**" if block.role == "headline" else block.text
            lines += [f"*{text}*" if block.role in ("meta", "note") else text, ""]
        elif isinstance(block, Table):
            lines += [_table(block), ""]
        elif isinstance(block, Figure):
            lines += [f"![{block.alt or block.title}]({block.file})", "", f"*{block.title}*", ""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
