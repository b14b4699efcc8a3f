"""The report as one structured document, rendered to HTML, Markdown and Word.

The text, tables and figures of a report are built once, as a :class:`Document` — a title
and a list of blocks (headings, paragraphs, tables, figures, bullet lists) — by
:mod:`relforecast.report.content`. Three small renderers turn it into ``report.html``,
``report.md`` and ``report.docx`` (:mod:`~relforecast.report.render_html`,
:mod:`~relforecast.report.render_markdown`, :mod:`~relforecast.report.render_word`), so the
three files cannot say different things. Tables hold display strings (numbers already
formatted in the report's language) and human column headers.

A Chinese document applies the house style's punctuation rule
(:func:`relforecast.editorial.fullwidth`) to its title and to every block added, so a sentence
written anywhere (the content modules, a verdict, a scenario's own Chinese name) reaches the
reader with full-width punctuation and Chinese months.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from relforecast.editorial import fullwidth

__all__ = ["Bullets", "Document", "Figure", "Heading", "Paragraph", "Table", "polish"]


@dataclass(frozen=True)
class Heading:
    """A section heading (``level`` 2 or 3; the title is level 1)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``role`` is ``"text"``, ``"headline"`` (highlighted), ``"meta"`` or
    ``"note"`` (smaller)."""

    text: str
    role: str = "text"


@dataclass(frozen=True)
class Table:
    """A table of display strings: ``columns`` (headers) and ``rows``; ``caption`` optional.

    The first column is left-aligned (row labels), the others right-aligned unless
    ``align`` says otherwise (one of ``"left"``, ``"right"`` per column). ``links``, when
    given, holds one relative address per row (``""`` for none): the row's first cell links
    there (e.g. a dyad's own report from the all-partners overview).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    align: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        columns = tuple(str(c) for c in self.columns)
        rows = tuple(tuple(str(v) for v in row) for row in self.rows)
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"table row {row!r} has {len(row)} cells, not {len(columns)}")
        align = tuple(self.align) or ("left",) + ("right",) * (len(columns) - 1)
        links = tuple(str(link) for link in self.links)
        if links and len(links) != len(rows):
            raise ValueError(f"table has {len(rows)} rows but {len(links)} links")
        object.__setattr__(self, "links", links)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "align", align)


@dataclass(frozen=True)
class Figure:
    """A figure: the PNG file name in the report folder, its title and alternative text."""

    file: str
    title: str
    alt: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bullet list."""

    items: tuple[str, ...]


Block = Heading | Paragraph | Table | Figure | Bullets


def polish(block: Block) -> Block:
    """``block`` with :func:`~relforecast.editorial.fullwidth` applied to every text in it
    (figure files and link addresses untouched)."""
    if isinstance(block, Heading | Paragraph):
        return replace(block, text=fullwidth(block.text))
    if isinstance(block, Table):
        return replace(
            block,
            columns=tuple(fullwidth(c) for c in block.columns),
            rows=tuple(tuple(fullwidth(c) for c in row) for row in block.rows),
            caption=fullwidth(block.caption),
        )
    if isinstance(block, Figure):
        return replace(block, title=fullwidth(block.title), alt=fullwidth(block.alt))
    if isinstance(block, Bullets):
        return replace(block, items=tuple(fullwidth(i) for i in block.items))
    return block


@dataclass
class Document:
    """A report: title, language (``"en"`` or ``"zh"``) and blocks in reading order."""

    title: str
    lang: str
    blocks: list[Block] = field(default_factory=list)
    font: str | None = None

    def __post_init__(self) -> None:
        if self.lang == "zh":
            self.title = fullwidth(self.title)

    def add(self, *blocks: Block) -> Document:
        """Append blocks (Chinese: with full-width punctuation, :func:`polish`); returns the
        document."""
        self.blocks.extend(polish(b) if self.lang == "zh" else b for b in blocks)
        return self

    def figures(self) -> list[Figure]:
        """The figures, in order."""
        return [b for b in self.blocks if isinstance(b, Figure)]

    def text(self) -> str:
        """All words of the document (title, headings, paragraphs, cells, captions, lists)."""
        parts = [self.title]
        for b in self.blocks:
            if isinstance(b, Heading | Paragraph):
                parts.append(b.text)
            elif isinstance(b, Table):
                parts += [b.caption, *b.columns, *(c for row in b.rows for c in row)]
            elif isinstance(b, Figure):
                parts += [b.title, b.alt]
            elif isinstance(b, Bullets):
                parts += list(b.items)
        return "\n".join(p for p in parts if p)
