"""The July–June outlook: forecast, scenarios, figures and tables written to one folder.

``rf.outlook(series, window="2025-07:2026-06", scenarios=[...], out="outlook/")`` writes

* ``report.html`` — self-contained (figures embedded), opens offline;
* ``report.md`` — the same text, figures linked;
* ``history.png``, ``fan.png``, ``crossing.png``, ``levels.png``, ``analogues.png``;
* ``forecast.csv`` — every scenario's forecast by month (long layout);
* ``scenarios.csv`` — the scenario comparison;
* ``summary.json`` — window, model and parameters, data fingerprint, seed, versions: enough
  to reproduce every number.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import platform
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast.analogues import analogues
from relforecast.exceptions import RelforecastWarning
from relforecast.forecast import Forecast
from relforecast.report.fonts import cjk_font, figure_style
from relforecast.report.labels import labels
from relforecast.report.plots import (
    analogue_chart,
    crossing_chart,
    fan_chart,
    history_chart,
    level_chart,
)
from relforecast.scenarios import Scenario, compare_scenarios, window_horizon
from relforecast.shocks import ShockCalendar

__all__ = ["Outlook", "RelforecastWarning", "default_window", "outlook"]

FIGURES = ("history", "fan", "crossing", "levels", "analogues")


@dataclass
class Outlook:
    """What :func:`outlook` produced: the folder, its files and the key tables."""

    out: Path
    files: dict[str, Path]
    comparison: pd.DataFrame
    forecast: Forecast
    fit: Any
    summary: dict[str, Any] = field(repr=False)


def default_window(last: pd.Period) -> str:
    """The first July–June window that starts after the month ``last``."""
    year = last.year if last.month < 7 else last.year + 1
    return f"{year}-07:{year + 1}-06"


def fingerprint(series: pd.Series) -> str:
    """SHA-256 of the series' months and values (identifies the data a report used)."""
    text = "\n".join(f"{m},{v:.6f}" for m, v in series.items())
    return hashlib.sha256(text.encode()).hexdigest()


def _model_spec(model: Any) -> Any:
    if not isinstance(model, str):
        return model
    from relforecast.backtest import make_model

    return make_model(model)


def _default_anchors(series: pd.Series, shocks: ShockCalendar | None, window: int) -> list[str]:
    if shocks is None:
        return [str(series.index[-1] - 12 * k) for k in (10, 5)]
    inside = [s.start for s in shocks if series.index[0] + 12 <= s.start <= series.index[-1]]
    return [str(m) for m in sorted(set(inside))[-window:]]


def outlook(
    series: pd.Series,
    window: str | None = None,
    scenarios: Sequence[Scenario] = (),
    out: str | Path = "outlook",
    *,
    model: Any = "auto",
    shocks: ShockCalendar | None = None,
    threshold: float | None = None,
    n_paths: int = 10_000,
    rng: int = 0,
    lang: str = "en",
    anchors: Sequence[str] | None = None,
    events: pd.Series | None = None,
    progress: Callable[[str], None] | None = None,
) -> Outlook:
    """Produce the outlook report for one dyad.

    Parameters
    ----------
    series : pd.Series
        Monthly scores (``rf.load_scores``).
    window : str, optional
        ``"2025-07:2026-06"``; default the first July–June window after the data. It may
        start after the last observed month: the forecast runs through the gap.
    scenarios : sequence of Scenario
        Compared with the baseline.
    out : str or Path
        Output folder (created).
    model : {"auto", "arima", "markov"} or a model specification
    shocks : ShockCalendar, optional
        Shocks the model is fitted with (and whose kinds scenarios can reuse).
    threshold : float, optional
        Default: the scale's critical point (-6).
    n_paths : int, default 10_000
    rng : int, default 0
        Seed (recorded in ``summary.json``).
    lang : {"en", "zh"}
        Language of the report; figures are in Chinese when a CJK font is installed,
        otherwise in English with a warning.
    anchors : sequence of str, optional
        Anchor months of the analogue figure; default the last three shocks (or fixed lags).
    events : pd.Series, optional
        Monthly event scores drawn as bars under the history.
    progress : callable, optional
        Called with a short message before each step.

    Returns
    -------
    Outlook
    """
    text = labels(lang)
    say = progress or (lambda _msg: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    window = window or default_window(series.index[-1])
    window_horizon(series.index[-1], window)  # a bad window fails before the slow steps
    spec = _model_spec(model)

    say(f"fitting {getattr(spec, 'name', type(spec).__name__)} to {series.name}")
    fit = spec.fit(series, shocks=shocks)
    say(f"simulating {n_paths} paths for {len(scenarios) + 1} scenarios")
    table = compare_scenarios(
        fit, scenarios, window=window, threshold=threshold, n_paths=n_paths, rng=rng, lang=lang
    )
    t = table.attrs["threshold"]
    forecasts: dict[str, Forecast] = table.attrs["forecasts"]
    base = forecasts["baseline"]

    say("drawing figures")
    fig_lang, fig_text = lang, text
    if lang == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "no CJK font installed: figure labels stay in English (install one, e.g. "
                "Debian's fonts-noto-cjk, for Chinese figures)",
                RelforecastWarning,
                stacklevel=2,
            )
            fig_lang, fig_text = "en", labels("en")
    anchor_list = list(anchors) if anchors else _default_anchors(series, shocks, 3)
    files = _figures(
        series, fit, base, table, t, shocks, events, anchor_list, fig_text, fig_lang, out
    )

    say("writing tables and report")
    long = pd.concat(
        {name: fc.to_frame(threshold=t) for name, fc in forecasts.items()}, names=["scenario"]
    ).reset_index()
    long["month"] = long["month"].astype(str)
    files["forecast.csv"] = out / "forecast.csv"
    long.to_csv(files["forecast.csv"], index=False, float_format="%.4f")
    files["scenarios.csv"] = out / "scenarios.csv"
    table.to_csv(files["scenarios.csv"], float_format="%.4f")
    summary = _summary(series, fit, window, t, n_paths, rng, lang, table, scenarios)
    files["summary.json"] = out / "summary.json"
    files["summary.json"].write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    headline = _headline(base, t, text, lang)
    files["report.md"] = out / "report.md"
    files["report.md"].write_text(
        _markdown(series, fit, window, headline, table, base, text, summary), encoding="utf-8"
    )
    files["report.html"] = out / "report.html"
    files["report.html"].write_text(
        _html(series, fit, window, headline, table, base, text, summary, files, lang),
        encoding="utf-8",
    )
    say(f"wrote {len(files)} files to {out}")
    return Outlook(out=out, files=files, comparison=table, forecast=base, fit=fit, summary=summary)


def _figures(series, fit, base, table, t, shocks, events, anchors, text, lang, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files: dict[str, Path] = {}
    with figure_style(lang):
        drawings = {
            "history": lambda ax: history_chart(
                series, fit.spec.scale, shocks=shocks, events=events, text=text, lang=lang, ax=ax
            ),
            "fan": lambda ax: fan_chart(
                base,
                ax=ax,
                history_months=36,
                threshold=t,
                lang=lang,
                text=text,
                title=f"{series.name}: {text['fan']} {base.index[0]}..{base.index[-1]}",
            ),
            "crossing": lambda ax: crossing_chart(table, t, text=text, ax=ax),
            "levels": lambda ax: level_chart(base, text=text, lang=lang, ax=ax),
            "analogues": lambda ax: analogue_chart(
                analogues(series, anchors, before=12, after=24), text=text, ax=ax
            ),
        }
        sizes = {
            "history": (10, 4.2),
            "fan": (9, 4.5),
            "crossing": (8, 0.6 * len(table) + 1.8),
            "levels": (9, 4),
            "analogues": (8, 4),
        }
        for name in FIGURES:
            fig, ax = plt.subplots(figsize=sizes[name])
            drawings[name](ax)
            path = out / f"{name}.png"
            fig.savefig(path, dpi=110, bbox_inches="tight")
            plt.close(fig)
            files[f"{name}.png"] = path
    return files


def _headline(base: Forecast, t: float, text: dict[str, str], lang: str) -> str:
    end = base.paths[:, -1]
    lo, med, hi = np.quantile(end, [0.1, 0.5, 0.9])
    level = base.level_probabilities(lang).iloc[-1].idxmax() if base.scale is not None else "-"
    return text["headline"].format(
        t=t,
        first=base.index[0],
        last=base.index[-1],
        p=base.prob_cross(t),
        se=base.mc_se(t),
        med=med,
        lo=lo,
        hi=hi,
        level=level,
    )


def _summary(series, fit, window, t, n_paths, rng, lang, table, scenarios):
    import scipy
    import statsmodels

    from relforecast import __version__

    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "dyad": str(series.name),
        "data": {
            "first": str(series.index[0]),
            "last": str(series.index[-1]),
            "months": len(series),
            "sha256": fingerprint(series),
            "synthetic": bool(series.attrs.get("synthetic", False)),
        },
        "window": window,
        "threshold": t,
        "model": {
            "name": fit.name,
            "params": {k: float(v) for k, v in fit.params.items()},
            "diagnostics": list(fit.diagnostics),
        },
        "n_paths": n_paths,
        "seed": rng,
        "lang": lang,
        "scenarios": [s.to_dict() for s in scenarios],
        "results": {
            name: {
                "p_cross": float(row["p_cross"]),
                "p_cross_se": float(row["p_cross_se"]),
                "median_end": float(row["median_end"]),
            }
            for name, row in table.iterrows()
        },
        "versions": {
            "relforecast": __version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
        },
    }


def _tables(table: pd.DataFrame, base: Forecast, t: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = [
        "probability",
        "median_end",
        "q10_end",
        "q90_end",
        "p_cross",
        "p_cross_se",
        "d_p_cross",
        "d_p_cross_se",
        "level_end",
        "median_first_passage",
    ]
    scen = table[[c for c in cols if c in table.columns]]
    month = base.to_frame(quantiles=(0.1, 0.5, 0.9), threshold=t)
    month.index = month.index.astype(str)
    return scen, month


def _notes(series: pd.Series, fit: Any, text: dict[str, str]) -> list[str]:
    notes = [text["synthetic"]] if series.attrs.get("synthetic") else []
    return notes + list(fit.diagnostics)


def _markdown(series, fit, window, headline, table, base, text, summary) -> str:
    scen, month = _tables(table, base, summary["threshold"])
    lines = [
        f"# {series.name}: {text['title']} {window}",
        "",
        f"{text['model']}: {fit.name} · {text['data_to']}: {series.index[-1]} · "
        f"{summary['n_paths']} paths, seed {summary['seed']}",
        "",
        f"## {text['summary']}",
        "",
        headline,
        "",
    ]
    titles = _figure_titles(text, summary["threshold"])
    for name in FIGURES:
        lines += [f"![{titles[name]}]({name}.png)", ""]
    lines += [
        f"## {text['scenarios']}",
        "",
        scen.to_markdown(floatfmt=".3f") if _has_tabulate() else scen.round(3).to_string(),
        "",
    ]
    lines += [
        f"## {text['forecast_table']}",
        "",
        month.to_markdown(floatfmt=".2f") if _has_tabulate() else month.round(2).to_string(),
        "",
    ]
    lines += [f"## {text['notes']}", ""] + [f"- {n}" for n in _notes(series, fit, text)] + [""]
    lines += [
        f"## {text['reproduce']}",
        "",
        "```json",
        json.dumps(
            {k: summary[k] for k in ("data", "window", "seed", "n_paths", "versions")}, indent=2
        ),
        "```",
        "",
    ]
    return "\n".join(lines)


def _figure_titles(text: dict[str, str], threshold: float) -> dict[str, str]:
    """Section title of each figure, in the report's language."""
    titles = {name: text[name] for name in FIGURES}
    titles["crossing"] = text["crossing"].format(t=threshold)
    return titles


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


_CSS = """
body{font-family:-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC',sans-serif;
max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
img{max-width:100%;display:block;margin:0.5em 0}
table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:3px 6px;
text-align:right}th{background:#f4f4f4}.headline{font-size:1.1em;background:#fdf1c7;
padding:0.6em;border-left:4px solid #b2182b}.meta{color:#666}
"""
_LOADED_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images-loaded', ok + '/' + imgs.length);
});
"""


def _html(series, fit, window, headline, table, base, text, summary, files, lang) -> str:
    esc = html.escape
    scen, month = _tables(table, base, summary["threshold"])
    titles = _figure_titles(text, summary["threshold"])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>',
        '<meta charset="utf-8">',
        f"<title>{esc(str(series.name))}: {esc(text['title'])} {esc(window)}</title>",
        f"<style>{_CSS}</style>",
        f"<script>{_LOADED_SCRIPT}</script>",
        "</head><body>",
        f"<h1>{esc(str(series.name))}: {esc(text['title'])} {esc(window)}</h1>",
        f'<p class="meta">{esc(text["model"])}: {esc(fit.name)} · {esc(text["data_to"])}: '
        f"{series.index[-1]} · {summary['n_paths']} paths, seed {summary['seed']}</p>",
        f"<h2>{esc(text['summary'])}</h2>",
        f'<p class="headline">{esc(headline)}</p>',
    ]
    for name in FIGURES:
        data = base64.b64encode(files[f"{name}.png"].read_bytes()).decode("ascii")
        parts += [
            f"<h2>{esc(titles[name])}</h2>",
            f'<img alt="{esc(titles[name])}" src="data:image/png;base64,{data}">',
        ]
    parts += [
        f"<h2>{esc(text['scenarios'])}</h2>",
        scen.to_html(float_format=lambda v: f"{v:.3f}", border=0),
        f"<h2>{esc(text['forecast_table'])}</h2>",
        month.to_html(float_format=lambda v: f"{v:.2f}", border=0),
        f"<h2>{esc(text['notes'])}</h2><ul>",
    ]
    parts += [f"<li>{esc(n)}</li>" for n in _notes(series, fit, text)]
    repro = {k: summary[k] for k in ("data", "window", "seed", "n_paths", "versions")}
    parts += [
        "</ul>",
        f"<h2>{esc(text['reproduce'])}</h2>",
        f"<pre>{esc(json.dumps(repro, indent=2))}</pre>",
        "</body></html>",
    ]
    return "\n".join(parts)
