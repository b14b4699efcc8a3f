"""The "changes since the edition of …" section of an edition's report.

Built from :class:`relforecast.report.edition.Changes`: the months newly observed, the
headline answer then and now with the split of the change (new data, re-estimation, revisions
— :func:`relforecast.report.edition.changes_since`), a table of every scenario's answers and
what became of scenario shocks whose start had passed. Every word comes from the label tables
of the report's language (:mod:`relforecast.graphics.labels`).
"""

from __future__ import annotations

from typing import Any

from relforecast.graphics.labels import fmt_month, fmt_num, fmt_pct_se, shock_kind
from relforecast.report.document import Bullets, Heading, Paragraph, Table

__all__ = ["changes_blocks"]


def _points(d: float) -> str:
    """A signed change of a probability in percentage points (``+11.1``, ``−0.3``)."""
    text = f"{100 * d:+.1f}"
    return text.replace("-", "−") if text not in ("-0.0", "+0.0") else "0.0"


def _fate_text(fate: Any, words: dict[str, str], lang: str, as_of: str) -> str:
    name = fate.scenario_zh if lang == "zh" and fate.scenario_zh else fate.scenario
    key = {"dropped": "changes_dropped", "moved": "changes_moved"}.get(
        fate.fate, "changes_scenario_dropped"
    )
    return words[key].format(
        scenario=name,
        kind=shock_kind(fate.kind, lang),
        start=fmt_month(fate.start, lang),
        to=fmt_month(fate.to, lang) if fate.to else "",
        as_of=as_of,
    )


def changes_blocks(
    changes: Any, words: dict[str, str], lang: str, question: str, names: dict[str, str]
) -> list:
    """The section's blocks (none without a previous edition).

    Parameters
    ----------
    changes : Changes or None
    words : dict
        The report language's labels.
    lang : {"en", "zh"}
    question : str
        The compared question in words.
    names : dict of str to str
        Display name of each scenario key (the baseline's included).
    """
    if changes is None:
        return []
    before, now = fmt_month(changes.previous_as_of, lang), fmt_month(changes.as_of, lang)
    sep = "、" if lang == "zh" else ", "
    months = sep.join(
        f"{fmt_month(m, lang)}（{fmt_num(v)}）" if lang == "zh" else f"{m} ({fmt_num(v)})"
        for m, v in changes.new_months.items()
    )
    blocks: list = [
        Heading(words["changes"].format(month=before)),
        Paragraph(words["changes_intro"].format(before=before, now=now, months=months)),
    ]
    rows = changes.rows
    if "baseline" in rows.index:
        base = rows.loc["baseline"]
        revisions = ""
        if changes.revised or abs(base["revisions"]) > 0:
            revisions = words["changes_revisions"].format(rev=_points(base["revisions"]))
        blocks.append(
            Paragraph(
                words["changes_headline"].format(
                    question=question,
                    before=before,
                    then=fmt_pct_se(base["then"], base["then_se"]),
                    now=fmt_pct_se(base["now"], base["now_se"]),
                    change=_points(base["change"]),
                    data=_points(base["new_data"]),
                    reest=_points(base["reestimation"]),
                    as_of=now,
                    revisions=revisions,
                )
            )
        )
    table_rows = tuple(
        (
            names.get(str(key), str(key)),
            fmt_pct_se(r["then"], r["then_se"]),
            fmt_pct_se(r["now"], r["now_se"]),
            _points(r["change"]),
            _points(r["new_data"]),
            _points(r["reestimation"]),
            _points(r["revisions"]),
        )
        for key, r in rows.iterrows()
    )
    columns = tuple(
        words[f"changes_col_{c}"]
        for c in ("scenario", "then", "now", "change", "data", "reest", "rev")
    )
    blocks.append(
        Table(
            columns,
            table_rows,
            caption=words["changes_caption"].format(question=question),
            align=("left",) + ("right",) * 6,
        )
    )
    fates = [_fate_text(f, words, lang, now) for f in changes.fates]
    if fates:
        blocks.append(Bullets(tuple(fates)))
    return blocks
