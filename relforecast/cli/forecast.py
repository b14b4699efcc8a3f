"""``relforecast forecast``: simulate the months ahead of one dyad (or, with ``--dyad all`` /
``A,B,C``, of every dyad: :mod:`relforecast.cli.panel_forecast`) and print the table, as text,
JSON or CSV; ``--record`` keeps what was printed.
"""

from __future__ import annotations

import click

from relforecast._jsontext import json_text
from relforecast.cli.options import (
    data_options,
    engine_options,
    published_model_option,
    workers_option,
)
from relforecast.cli.panel_forecast import is_panel_request, panel_forecast_command
from relforecast.cli.record import (
    check_record_value,
    opened_record,
    record_forecast,
    record_option,
)
from relforecast.cli.source import load_series, model_for, option_given
from relforecast.exceptions import ForecastError
from relforecast.forecast import Forecast, check_threshold
from relforecast.models.registry import make_model
from relforecast.periods import MAX_HORIZON
from relforecast.scale import as_scale

__all__ = ["forecast"]


@click.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@data_options
@published_model_option
@click.option("--horizon", type=click.IntRange(1, MAX_HORIZON), default=12, show_default=True)
@click.option(
    "--paths",
    type=click.IntRange(100, 1_000_000),
    default=10_000,
    show_default=True,
    help="Number of simulated paths (at least 100, as for backtest and outlook: fewer give "
    "no Monte Carlo error worth printing).",
)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Random seed.")
@click.option(
    "--threshold",
    type=float,
    default=-6.0,
    show_default=True,
    help="Crossing threshold (strictly below counts).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@record_option
@workers_option("--dyad all / A,B,C")
@engine_options
def forecast(
    data: str | None,
    model: str,
    horizon: int,
    paths: int,
    seed: int,
    threshold: float,
    fmt: str,
    record_location: str | None,
    workers: int,
    engine: str | None,
    scheduler: str | None,
    **source: str | None,
) -> None:
    """Simulate HORIZON months ahead of DATA (default: the synthetic demo).

    With --dyad all or --dyad A,B,C every dyad is forecast (docs/panel.md)."""
    options = {k: v for k, v in locals().items() if k not in ("data", "source")}
    check_record_value(record_location, data)
    spec = make_model(model, scale=source["scale"])
    _check_threshold_option(threshold, spec)  # before the slow fit
    if is_panel_request(source["dyad"]):
        if record_location is not None:
            raise click.UsageError(
                "--record keeps one dyad's forecast; record the dyads one at a time"
            )
        options = {**options, "model": model_for(model, source)}
        click.echo(panel_forecast_command(data, source, options))
        return
    series, calendar = load_series(data, source)
    with opened_record(record_location) as rec:
        fit = spec.fit(series, shocks=calendar)
        fc = fit.forecast(horizon, n_paths=paths, rng=seed)
        click.echo(_render(fc, fit.name, threshold, seed, fmt))
        asked = source["shocks_file"] is not None or source["leaders_file"] is not None
        if asked and calendar is not None and len(calendar) and fit.shock_effects().empty:
            click.echo(
                f"relforecast: note: {fit.name} estimates no shock effects: the {len(calendar)} "
                "shock(s) of --shocks/--leaders change nothing in this forecast (--model arima, "
                "markov or auto estimate them)",
                err=True,
            )
        from relforecast.record.entry import EntryFacts  # the record is imported when used

        facts = EntryFacts(
            history=series,
            model=model,
            model_name=fit.name,
            model_params=fit.params,
            seed=seed,
            threshold=threshold,
            shocks=calendar,
            source="forecast",
        )
        record_forecast(rec, fc, facts)


def _check_threshold_option(threshold: float, spec: object) -> None:
    """``check_threshold`` on the model's scale; a --threshold left at its default (-6, the
    Tsinghua scale's critical point) that the scale cannot hold is asked for by name, not
    refused as a value the user gave."""
    scale = as_scale(getattr(spec, "scale", None))
    try:
        check_threshold(threshold, scale)
    except ForecastError:
        if option_given("threshold"):
            raise
        middle = (scale.lower + scale.upper) / 2
        raise click.UsageError(
            f"--threshold defaults to {threshold:g}, the Tsinghua scale's critical point, "
            f"outside this scale [{scale.lower:g}, {scale.upper:g}]; give one inside it, "
            f"e.g. --threshold {middle:g}"
        ) from None


def _render(fc: Forecast, model: str, threshold: float, seed: int, fmt: str) -> str:
    p, se = fc.prob_cross(threshold), fc.mc_se(threshold)
    table = fc.to_frame(threshold=threshold)
    if fmt == "csv":
        return table.to_csv(float_format="%.4f").rstrip("\n")
    name = str(fc.history.name) if fc.history is not None else ""
    if fmt == "json":
        doc = {
            "dyad": name,
            "model": model,
            "origin": str(fc.history.index[-1]),
            "horizon": fc.horizon,
            "n_paths": fc.n_paths,
            "seed": seed,
            "threshold": threshold,
            "prob_cross": p,
            "prob_cross_mc_se": se,
            "months": [
                {
                    "month": str(m),
                    **{k: (v if isinstance(v, str) else float(v)) for k, v in row.items()},
                }
                for m, row in table.iterrows()
            ],
        }
        return json_text(doc)
    head = (
        f"{name}: {model}, data to {fc.history.index[-1]}, {fc.n_paths} paths, seed {seed}\n"
        f"P(score < {threshold:g} within {fc.horizon} months) = {p:.3f} "
        f"(Monte Carlo s.e. {se:.3f})\n"
    )
    cols = [
        "mean",
        "q10",
        "q50",
        "q90",
        f"p_below_{threshold:g}",
        f"p_cross_{threshold:g}",
        "level",
    ]
    cols = [c for c in cols if c in table.columns]  # an unbounded scale has no levels
    return head + table[cols].to_string(float_format=lambda v: f"{v:6.2f}")
