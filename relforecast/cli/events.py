"""``relforecast events``: the event tables and figures of one dyad.

::

    relforecast events EVENTS.csv --dyad NAME --by month|year|term [--leaders FILE] --out DIR
        [--terms NAME=START:END,...] [--office NAME] [--venues FILE] [--venue-col COL]
        [--score-col COL] [--topic-col COL] [--topic-zh-col COL] [--lang en|zh]
        [--since YYYY-MM] [--until YYYY-MM]
        [--chart monthly|shares|window ...] [--scores SCORES.csv] [--window START:END]
        [--months 12]

All files are first written to a temporary folder beside ``--out`` and moved into it only
when every one of them was written: the folder gets the whole set or nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from relforecast.data import load_scores
from relforecast.events.charts import monthly_chart, shares_chart, terms_chart, window_chart
from relforecast.events.labels import event_words
from relforecast.events.log import EventLog, load_events
from relforecast.events.movement import recent_movement
from relforecast.events.shares import SIGNS
from relforecast.events.spec import BY, CHARTS, EventsSpec
from relforecast.events.terms import Terms
from relforecast.events.venues import VenueClasses
from relforecast.exceptions import SpecError
from relforecast.graphics.fonts import cjk_font
from relforecast.periods import to_month
from relforecast.report.writer import OutputFolder

__all__ = ["events", "run_events"]

def _terms(log: EventLog, spec: EventsSpec) -> Terms:
    """The leader terms of ``--by term`` (the spec has checked that they are given once)."""
    if spec.terms is not None:
        return Terms.from_spans(spec.terms)
    months = log.for_dyad(spec.dyad)["month"]
    terms = Terms.from_leaders(spec.leaders, spec.dyad, office=spec.office, until=spec.until)
    return terms.overlapping(months.min(), months.max())


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _write_all(out: Path, writers: dict[str, Callable[[Path], None]]) -> None:
    """Write every file, then swap the folder in whole (the output-folder rule of
    :class:`~relforecast.report.writer.OutputFolder`)."""
    with OutputFolder(out, kind="events") as folder:
        for name, write in writers.items():
            write(folder.path(name))
        folder.commit()


def _percent(table: pd.DataFrame) -> str:
    return (table * 100).round(1).to_string(float_format=lambda v: f"{v:5.1f}")


@click.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--dyad", required=True, help="Dyad (partner country) of the events, e.g. Japan.")
@click.option(
    "--by",
    type=click.Choice(BY),
    default="year",
    show_default=True,
    help="Periods of the share tables; 'term' = leader terms (--leaders or --terms).",
)
@click.option(
    "--leaders",
    type=click.Path(dir_okay=False),
    help="Leaders table (like leaders.csv) giving the terms for --by term.",
)
@click.option("--office", help="Office whose terms to use when the table lists several.")
@click.option("--terms", help="Terms by hand: NAME=START:END,... (instead of --leaders).")
@click.option(
    "--venues",
    type=click.Path(dir_okay=False),
    help="Venue-class mapping (YAML, see docs/events.md and examples/venues_japan.yaml).",
)
@click.option("--venue-col", help="A column of venues to use as they are (without --venues).")
@click.option(
    "--score-col",
    help="Numeric event-score column; without it the impact column (positive/neutral/negative) "
    "gives +1/0/-1.",
)
@click.option("--impact-col", default="impact", show_default=True, help="Impact sign column.")
@click.option(
    "--topic-col",
    default="event_category_en",
    show_default=True,
    help="Topic column (any language).",
)
@click.option(
    "--topic-zh-col",
    default="event_category",
    show_default=True,
    help="Chinese topic column, used with --lang zh (ignored when the file lacks the default).",
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--since", help="First month of the tables (default: the dyad's first event).")
@click.option("--until", help="As-of month: no event (or score) after it is used, e.g. 2025-06.")
@click.option(
    "--chart",
    "charts",
    type=click.Choice(CHARTS),
    multiple=True,
    help="Figures to draw (repeatable). Default: monthly and shares, plus window with --scores.",
)
@click.option(
    "--scores",
    type=click.Path(dir_okay=False),
    help="Score CSV (long layout, like tsinghua_relations_long.csv) for --chart window.",
)
@click.option("--window", help="Window of the window chart, e.g. 2024-09:2025-08.")
@click.option(
    "--months",
    type=click.IntRange(2, 600),
    default=12,
    show_default=True,
    help="Window length when --window is not given (ending at --until or the last score).",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
def events(**options: Any) -> None:
    """Event tables and figures of one dyad: monthly event scores, topic and venue shares by
    month, year or leader term, and the window chart of scores with events beneath."""
    try:
        spec = EventsSpec(**options)  # the options are named as the spec's fields
    except SpecError as exc:  # contradicting options: a usage error, as click's own
        raise click.UsageError(str(exc)) from exc
    run_events(spec)


def run_events(spec: EventsSpec) -> None:
    """Write the tables and figures ``spec`` asks for into ``spec.out`` (whole or not at all)
    and print what was counted."""
    import matplotlib

    matplotlib.use("Agg")

    dyad, by, lang, since, until = spec.dyad, spec.by, spec.lang, spec.since, spec.until
    charts, venue_col = spec.charts, spec.venue_col
    if lang == "zh" and cjk_font() is None:
        click.echo(
            "relforecast: warning: no CJK font installed, Chinese labels will not render "
            "(install one, e.g. Debian's fonts-noto-cjk)",
            err=True,
        )
    words = event_words(lang)
    log = load_events(
        spec.data,
        score_col=spec.score_col,
        impact_col=spec.impact_col,
        topic_col=spec.topic_col,
        topic_zh_col=spec.topic_zh_col,
        venue_col=venue_col,
    )
    first_event = log.for_dyad(dyad)["month"].min()  # also checks the dyad
    if until is not None:
        if to_month(until, "--until") < first_event:
            raise click.UsageError(
                f"--until {until} is before the first {dyad} event ({first_event})"
            )
        log = log.until(until)
    name = log.dyad_label(dyad, lang)
    terms = _terms(log, spec) if by == "term" else None
    venues = VenueClasses.from_yaml(spec.venues) if spec.venues else None
    options = {"terms": terms, "lang": lang, "start": since, "until": until}
    writers: dict[str, Callable[[Path], None]] = {}

    monthly = log.monthly_scores(dyad)
    if since is not None:
        monthly = monthly.loc[to_month(since, "--since") :]
    writers["monthly_scores.csv"] = lambda p: monthly.to_csv(p)
    counts = log.period_counts(dyad, by, **options)
    writers[f"counts_by_{by}.csv"] = lambda p: counts.to_csv(p)
    if terms is not None:
        writers["terms.csv"] = lambda p: terms.to_frame(lang).to_csv(p, index=False)
    if "monthly" in charts:
        writers["monthly_scores.png"] = lambda p: _save(
            monthly_chart(
                monthly, title=words["monthly_title"].format(dyad=name), lang=lang
            ).figure,
            p,
        )

    kinds = ["topic"] + (["venue"] if venues is not None or venue_col else [])
    shares: dict[tuple[str, str], pd.DataFrame] = {}
    for what in kinds:
        for sign in SIGNS:
            table = log.shares(dyad, what, sign, by, venues=venues, **options)
            number = log.counts(dyad, what, sign, by, venues=venues, **options)
            shares[what, sign] = table
            stem = f"{what}_shares_{sign}"
            writers[f"{stem}.csv"] = lambda p, t=table: t.to_csv(p, float_format="%.4f")
            writers[f"{what}_counts_{sign}.csv"] = lambda p, t=number: t.to_csv(p)
            if "shares" in charts:
                title = words["shares_title"].format(
                    dyad=name, what=words[what], sign=words[sign], by=words[by]
                )
                writers[f"{stem}.png"] = lambda p, t=table, s=sign, ti=title: _save(
                    shares_chart(t, title=ti, lang=lang, counts=counts[s]).figure, p
                )
    if venues is not None:
        explained = venues.classify(log.for_dyad(dyad), explain=True)
        audit = pd.concat(
            [log.for_dyad(dyad)[["month", "description", "score"]], explained], axis=1
        )
        writers["venue_classes.csv"] = lambda p: audit.to_csv(p, index=False)
    if by == "term" and "shares" in charts:
        colon = "：" if lang == "zh" else ": "
        panels = {
            f"{words[what]}{colon}{words[sign]}": shares[what, sign]
            for what in kinds
            for sign in SIGNS
            if not (what == "venue" and sign == "positive")
        }
        panel_counts = {
            f"{words[what]}{colon}{words[sign]}": counts[sign] for what in kinds for sign in SIGNS
        }
        writers["terms_comparison.png"] = lambda p: _save(
            terms_chart(
                panels,
                title=words["terms_title"].format(dyad=name),
                lang=lang,
                counts=panel_counts,
            ),
            p,
        )

    if "window" in charts:
        series = load_scores(Path(spec.scores), dyad)
        if until is not None:
            series = series.loc[: to_month(until, "--until")]
        series.name = name
        events_monthly = log.monthly_scores(dyad, series.index)
        drawn = window_chart(
            series,
            events_monthly,
            window=spec.window,
            months=spec.months,
            lang=lang,
            until=until,
        )
        movement = recent_movement(series.loc[: drawn.table.index[-1]], len(drawn.table), lang=lang)
        writers["window.csv"] = lambda p: drawn.table.to_csv(p, float_format="%.4g")
        writers["window.png"] = lambda p: _save(drawn.score_ax.figure, p)
        writers["movement.json"] = lambda p: p.write_text(
            json.dumps(movement.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )

    _write_all(Path(spec.out), writers)
    total = counts[["positive", "neutral", "negative"]].sum()
    click.echo(
        f"{dyad}: {int(total.sum())} events ({int(total['positive'])} positive, "
        f"{int(total['neutral'])} neutral, {int(total['negative'])} negative) by {by}"
        + (f" up to {until}" if until else "")
    )
    if counts.attrs.get("outside"):
        click.echo(f"  {counts.attrs['outside']} event(s) fall outside every term: not counted")
    if by == "term":
        click.echo(counts.to_string())
        for (what, sign), table in shares.items():
            click.echo(f"\n{what} shares of {sign} events, % (by term):")
            click.echo(_percent(table))
    elif ("venue", "negative") in shares:
        unclassified = (
            venues.unclassified_label(lang) if venues is not None else words["unclassified"]
        )
        n = log.counts(dyad, "venue", "negative", by, venues=venues, **options)
        if unclassified in n.columns and n.to_numpy().sum():
            click.echo(
                f"  unclassified venue: {int(n[unclassified].sum())} of {int(n.to_numpy().sum())} "
                "negative events"
            )
    if "window" in charts:
        click.echo(movement.text)
    click.echo(f"wrote {', '.join(writers)} to {spec.out}")
