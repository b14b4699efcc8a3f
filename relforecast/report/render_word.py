"""``report.docx``: the document as a Word file (python-docx), for the group's publication.

The page is A4 (210 × 297 mm) with 25 mm margins, as the group prints; headings use Word's
heading styles, tables the "Table Grid" style with a bold header row, and every figure is
embedded at most as wide as the text (page width minus margins, read from the section) and
never wider than it was drawn (:func:`figure_width`). In a Chinese report the East Asian font
of every run is the report's CJK font. The file is reproducible: its core properties carry the
report's creation time and the zip entries a fixed timestamp, so the same report gives the same
bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import datetime

from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table

__all__ = ["A4_MM", "MARGIN_MM", "figure_width", "to_docx"]

A4_MM = (210.0, 297.0)
MARGIN_MM = 25.0
_DPI = 110  # the outlook's figures are saved at this resolution


def figure_width(png: bytes, text_width: int, dpi: float = _DPI) -> int:
    """The width (EMU) to embed a PNG at: its drawn width at ``dpi``, at most ``text_width``."""
    import struct

    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return text_width
    pixels = struct.unpack(">I", png[16:20])[0]
    return min(text_width, int(pixels / dpi * 914_400))


def _a4(section) -> int:
    """Make ``section`` A4 portrait with the house margins; returns the text width (EMU)."""
    from docx.shared import Mm

    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    return section.page_width - section.left_margin - section.right_margin


def _east_asian(run, font: str | None) -> None:
    """Set the East Asian font of a run (Word keeps it apart from the Latin font)."""
    if not font:
        return
    from docx.oxml.ns import qn

    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def _hyperlink(paragraph, run, address: str) -> None:
    """Wrap ``run`` (the paragraph's last) in a hyperlink to a relative ``address``."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run.font.underline = True
    link.append(run._element)  # moves the run into the link
    paragraph._p.append(link)


def _normalise_zip(data: bytes, when: datetime) -> bytes:
    """The same archive with every entry stamped ``when`` (zip times are local, no zone)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def to_docx(doc: Document, images: Mapping[str, bytes], created: datetime) -> bytes:
    """The Word file of ``doc`` as bytes; ``images`` maps figure file names to PNG bytes."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    word = docx.Document()
    text_width = _a4(word.sections[0])
    font = doc.font if doc.lang == "zh" else None
    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        style = word.styles[name]
        _east_asian(style, font)
    props = word.core_properties
    props.title = doc.title
    props.language = "zh-CN" if doc.lang == "zh" else "en"
    props.author = "relforecast"
    props.last_modified_by = "relforecast"
    props.created = created
    props.modified = created
    props.revision = 1

    def runs(
        paragraph, text: str, *, bold: bool = False, italic: bool = False, size=None, colour=None
    ):
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = RGBColor.from_string(colour)
        _east_asian(run, font)
        return run

    runs(word.add_heading(level=0), doc.title)
    for block in doc.blocks:
        if isinstance(block, Heading):
            runs(word.add_heading(level=min(block.level, 3)), block.text)
        elif isinstance(block, Paragraph):
            para = word.add_paragraph()
            if block.role == "headline":
                runs(para, block.text, bold=True)
            elif block.role in ("meta", "note"):
                runs(para, block.text, size=9, colour="555555")
            else:
                runs(para, block.text)
        elif isinstance(block, Table):
            table = word.add_table(rows=1, cols=len(block.columns))
            table.style = word.styles["Table Grid"]
            for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = ""
                runs(cell.paragraphs[0], text, bold=True, size=9)
            links = block.links or ("",) * len(block.rows)
            for row, link in zip(block.rows, links, strict=True):
                cells = table.add_row().cells
                for cell, text, align in zip(cells, row, block.align, strict=True):
                    cell.text = ""
                    para = cell.paragraphs[0]
                    if align == "right":
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = runs(para, text, size=9)
                    if link:
                        _hyperlink(para, run, link)
                        link = ""  # the row's first cell only
            # the caption, or an empty line: two tables in a row would otherwise touch
            runs(word.add_paragraph(), block.caption, italic=True, size=9, colour="555555")
        elif isinstance(block, Figure):
            png = images[block.file]
            word.add_picture(io.BytesIO(png), width=figure_width(png, text_width))
            runs(word.add_paragraph(), block.title, italic=True, size=9, colour="555555")
        elif isinstance(block, Bullets):
            for item in block.items:
                runs(word.add_paragraph(style="List Bullet"), item)
    buffer = io.BytesIO()
    word.save(buffer)
    return _normalise_zip(buffer.getvalue(), created)
