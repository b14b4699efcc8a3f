"""``report.html``: the document as one self-contained page (figures embedded, no network)."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table

__all__ = ["to_html"]

_CSS = """
body{font-family:%(font)s-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC',sans-serif;
max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
h3{font-size:1.05em;margin-top:1.2em}
figure{margin:1em 0}figcaption{color:#555;font-size:0.9em}
img{max-width:100%%;display:block}
table{border-collapse:collapse;font-size:0.88em;margin:0.6em 0}
td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top}
th{background:#f4f4f4;text-align:center}td.r{text-align:right}td.l{text-align:left}
caption{caption-side:bottom;color:#555;font-size:0.85em;text-align:left;padding-top:3px}
.headline{font-size:1.1em;background:#fdf1c7;padding:0.6em;border-left:4px solid #b2182b}
.meta{color:#666}.note{color:#555;font-size:0.9em}
"""
_LOADED_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images-loaded', ok + '/' + imgs.length);
});
"""


def _table(table: Table) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = []
    for i, row in enumerate(table.rows):
        shown = [esc(c) for c in row]
        if table.links and table.links[i]:
            shown[0] = f'<a href="{esc(table.links[i])}">{shown[0]}</a>'
        cells = "".join(
            f'<td class="{"r" if a == "right" else "l"}">{c}</td>'
            for c, a in zip(shown, table.align, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{esc(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(doc: Document, images: Mapping[str, bytes]) -> str:
    """The page of ``doc``; ``images`` maps each figure's file name to its PNG bytes."""
    esc = html.escape
    font = f"'{doc.font}'," if doc.font else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if doc.lang == "zh" else "en"}"><head>',
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(doc.title)}</title>",
        f"<style>{_CSS % {'font': font}}</style>",
        f"<script>{_LOADED_SCRIPT}</script>",
        "</head><body>",
        f"<h1>{esc(doc.title)}</h1>",
    ]
    for block in doc.blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            role = f' class="{block.role}"' if block.role != "text" else ""
            parts.append(f"<p{role}>{esc(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Figure):
            data = base64.b64encode(images[block.file]).decode("ascii")
            parts.append(
                f'<figure><img alt="{esc(block.alt or block.title)}" '
                f'src="data:image/png;base64,{data}">'
                f"<figcaption>{esc(block.title)}</figcaption></figure>"
            )
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
