"""The index of a series of editions: ``index.html`` and ``index.md`` in a folder of its own.

``relforecast update PREVIOUS DATA --out NEW --index editions/`` (or
:func:`write_index`) adds NEW — and PREVIOUS, when the index does not list it yet — to the
list the folder keeps (``editions.json``: the editions' folders, relative to the index folder)
and rewrites the page whole: one row per edition and dyad with its as-of month, window,
headline question and every scenario's answer (± Monte Carlo error). Once the data given
to the update cover the whole window, the row is **scored**: did the event happen (from the
scores observed in the window) and the Brier score ``(p − outcome)²`` of the baseline's
answer. Each row links to its report.

Only the data available at update time are used: an edition whose window has not ended in
them is shown as open.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast._files import replacing
from relforecast.exceptions import SpecError
from relforecast.graphics.labels import dyad_label, fmt_month, fmt_pct_se, labels
from relforecast.questions import parse_question
from relforecast.report.content import question_text
from relforecast.report.document import Document, Paragraph, Table
from relforecast.report.render_html import to_html
from relforecast.report.render_markdown import to_markdown

__all__ = ["INDEX_LIST", "outcome", "write_index"]

#: The list of editions an index folder keeps.
INDEX_LIST = "editions.json"


def outcome(code: str, observed: pd.Series) -> bool:
    """Whether the event of question ``code`` happened in the fully observed window."""
    q = parse_question(code)
    values = observed.to_numpy(dtype=float)
    if q.direction == "below":
        return bool((values < q.threshold).any())
    if q.direction == "at_or_above":
        return bool((values >= q.threshold).any())
    return bool(values[-1] < q.threshold if q.kind == "end-below" else values[-1] > q.threshold)


def _reports(edition: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The single-dyad reports of an edition: itself, or each dyad of an all-partners one."""
    summary = json.loads((edition / "summary.json").read_text(encoding="utf-8"))
    if "dyads" not in summary:
        return [(edition, summary)]
    out = []
    for info in summary["dyads"].values():
        sub = edition / info["folder"]
        out.append((sub, json.loads((sub / "summary.json").read_text(encoding="utf-8"))))
    return out


def _row(report: Path, summary: dict[str, Any], data: pd.DataFrame | None, lang: str, home):
    words = labels(lang)
    code = summary["questions"][0]
    first, _, end = summary["window"].partition(":")
    zh_names = {s["name"]: s.get("name_zh") for s in summary.get("scenarios", [])}
    answers = []
    for key, result in summary["results"].items():
        a = result["questions"][0]
        name = words["baseline"] if key == "baseline" else key
        if lang == "zh" and zh_names.get(key):
            name = zh_names[key]
        answers.append(f"{name} {fmt_pct_se(a['p'], a['se'])}")
    dyad = summary["dyad"]
    happened, brier = words["index_open"], ""
    if data is not None and dyad in data.columns:
        scores = data[dyad].dropna()
        window = scores.loc[pd.Period(first, "M") : pd.Period(end, "M")]
        n_months = (pd.Period(end, "M") - pd.Period(first, "M")).n + 1
        if len(window) == n_months:
            hit = outcome(code, window)
            p = float(summary["results"]["baseline"]["questions"][0]["p"])
            happened = words["index_yes"] if hit else words["index_no"]
            brier = f"{(p - float(hit)) ** 2:.3f}"
    return (
        (
            fmt_month(summary["as_of"], lang),
            dyad_label(dyad, lang, short=True),
            f"{fmt_month(first, lang)} … {fmt_month(end, lang)}",
            question_text(parse_question(code), words, fmt_month(end, lang), False),
            ("；" if lang == "zh" else "; ").join(answers),
            happened,
            brier,
        ),
        os.path.relpath(report / "report.html", home),
    )


def write_index(
    folder: str | Path,
    editions: Sequence[str | Path],
    *,
    data: pd.DataFrame | None = None,
    lang: str = "en",
) -> list[Path]:
    """Add ``editions`` to the index in ``folder`` and rewrite its pages.

    Parameters
    ----------
    folder : str or Path
        The index folder (created when missing); it keeps ``editions.json``, ``index.md`` and
        ``index.html``.
    editions : sequence of str or Path
        Edition folders to list (those already listed stay; order: by as-of month).
    data : pd.DataFrame, optional
        Scores (months x dyads) available now, to score the editions whose window they cover.
    lang : {"en", "zh"}

    Returns
    -------
    list of Path
        The editions listed.
    """
    home = Path(folder)
    home.mkdir(parents=True, exist_ok=True)
    listing = home / INDEX_LIST
    known: list[str] = []
    if listing.is_file():
        try:
            known = list(json.loads(listing.read_text(encoding="utf-8"))["editions"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise SpecError(f"{str(listing)!r} is not an editions list: {exc}") from exc
    for edition in editions:
        if not (Path(edition) / "summary.json").is_file():
            raise SpecError(f"{str(edition)!r} is not an edition (no summary.json)")
        rel = os.path.relpath(Path(edition), home)
        if rel not in known:
            known.append(rel)
    paths = [home / rel for rel in known]
    rows, links = [], []
    for path in paths:
        if not (path / "summary.json").is_file():
            continue  # an edition removed since: left out of the page, kept in the list
        for report, summary in _reports(path):
            row, link = _row(report, summary, data, lang, home)
            rows.append(row)
            links.append(link)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1]))
    words = labels(lang)
    columns = tuple(
        words[f"index_col_{c}"]
        for c in ("as_of", "dyad", "window", "question", "answers", "happened", "brier")
    )
    doc = Document(words["index_title"], lang)
    doc.add(Paragraph(words["index_intro"]))
    doc.add(
        Table(
            columns,
            tuple(rows[i] for i in order),
            caption=words["index_caption"],
            align=("left",) * 5 + ("left", "right"),
            links=tuple(links[i] for i in order),
        )
    )
    mean = [float(r[-1]) for r in rows if r[-1]]
    if mean:
        doc.add(Paragraph(words["index_mean_brier"].format(n=len(mean), brier=_mean(mean))))
    for name, text in (("index.md", to_markdown(doc)), ("index.html", to_html(doc, {}))):
        with replacing(home / name) as tmp:
            tmp.write_text(text, encoding="utf-8")
    with replacing(listing) as tmp:
        tmp.write_text(json.dumps({"editions": known}, indent=2) + "\n", encoding="utf-8")
    return paths


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.3f}"

