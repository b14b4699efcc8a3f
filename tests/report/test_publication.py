"""Publication formats: human headers, pipe tables, a Word file holding the same
text, tables and figures — all rendered from one document."""

import io
import re

import docx
import pytest

from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table
from relforecast.report.render_html import to_html
from relforecast.report.render_markdown import to_markdown
from relforecast.report.render_word import to_docx

VARIABLE_NAMES = (
    "p_cross",
    "p_cross_se",
    "d_p_cross",
    "median_end",
    "q10_end",
    "level_end",
    "median_first_passage",
    "d_p_cross_se",
)


def pipe_tables(md: str) -> list[list[str]]:
    """Header rows of the Markdown pipe tables."""
    lines = md.splitlines()
    return [
        [c.strip() for c in lines[i].strip("|").split("|")]
        for i in range(len(lines) - 1)
        if lines[i].startswith("|") and re.fullmatch(r"\|[:\-| ]+\|", lines[i + 1].strip())
    ]


def test_markdown_tables_are_pipe_tables_with_human_headers(demo_report):
    """report.md holds pipe tables with human headers, not DataFrame.to_string() text with
    variable names."""
    out, result, _ = demo_report
    md = (out / "report.md").read_text(encoding="utf-8")
    headers = pipe_tables(md)
    tables = [b for b in result.document.blocks if isinstance(b, Table)]
    assert len(headers) == len(tables)
    assert [list(t.columns) for t in tables] == headers
    for name in VARIABLE_NAMES:
        assert name not in md
    assert "Assumed chance of its shocks" in md


def test_word_document_holds_the_same_content(demo_report):
    out, result, _ = demo_report
    word = docx.Document(str(out / "report.docx"))
    doc = result.document
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(word.tables) == len(tables)
    for wt, t in zip(word.tables, tables, strict=True):
        cells = [[c.text for c in row.cells] for row in wt.rows]
        assert cells[0] == list(t.columns)
        assert cells[1:] == [list(r) for r in t.rows]
    assert len(word.inline_shapes) == len(doc.figures()) == 6
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [b.text for b in doc.blocks if isinstance(b, Heading)]
    paragraphs = {p.text for p in word.paragraphs}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert block.text in paragraphs
    assert word.paragraphs[0].text == doc.title
    assert word.core_properties.title == doc.title


def test_renderers_escape_and_agree_on_a_small_document():
    doc = Document("T <&> | x", "en").add(
        Heading("H"),
        Paragraph("a | b", "headline"),
        Table(("A", "B|C"), (("1 <", "2"),), caption="cap"),
        Bullets(("one", "two")),
        Figure("f.png", "F"),
    )
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    html = to_html(doc, {"f.png": png})
    assert "T &lt;&amp;&gt; | x" in html and "1 &lt;" in html and "<li>two</li>" in html
    md = to_markdown(doc)
    assert "| A   |   B\\|C |" in md and "![F](f.png)" in md and "**a | b**" in md
    from datetime import UTC, datetime

    when = datetime(2025, 7, 1, tzinfo=UTC)
    first, again = to_docx(doc, {"f.png": png}, when), to_docx(doc, {"f.png": png}, when)
    assert first == again  # reproducible bytes
    word = docx.Document(io.BytesIO(first))
    assert word.tables[0].rows[1].cells[0].text == "1 <"
    with pytest.raises(ValueError, match="has 1 cells, not 2"):
        Table(("A", "B"), (("1",),))
