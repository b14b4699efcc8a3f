"""The forecast record on the real data: backfill speed, scoring speed, and agreement with
``relforecast backtest`` + ``evaluate``.

1. Backfill: ``relforecast record backfill DATA --dyad all --origins 1995-06:2024-06 --every 12``
   with the default model and 10,000 paths (the outlook's default), 2 workers — wall time
   (target <= 5 minutes on 2 cores).
2. Scoring: the record copied to 1,050 forecasts (each backfilled forecast five times under
   other seeds), then ``relforecast record score DATA`` — wall time of the command and of
   ``Record.score`` alone (target <= 10 s).
3. Agreement: the backfilled record's per-dyad Brier of P(cross -6) (origins at or above -6),
   50/80 % coverage at h = 12 and CRPS at h = 12, next to ``relforecast backtest`` (same origins,
   model, paths, refitting at every origin) scored by ``relforecast evaluate``, for two backtest
   seeds: the seed-to-seed difference of the backtest is the Monte Carlo error the
   record-vs-backtest difference is compared with.

Run:  python benchmarks/record_benchmark.py [--out bench_record] [--paths 10000] [--workers 2]
Writes the tables (CSV and Markdown) to --out.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import require_shared_data

import relforecast as rf
from relforecast.record import Record, schema

ORIGINS = "1995-06:2024-06"
LOG: list[dict] = []  # wall and CPU time of every command run, with the machine's load


def run(argv: list[str]) -> float:
    """Run a relforecast command; its wall time in seconds (CPU time and load in ``LOG``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    command = str(Path(sys.executable).with_name("relforecast"))
    done = subprocess.run([command, *argv], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"relforecast {' '.join(argv)} failed: {done.stderr.strip()}")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    LOG.append(
        {
            "command": " ".join(argv[:2]),
            "wall_s": wall,
            "cpu_s": cpu,
            "load_before": load,
            "load_after": os.getloadavg()[0],
        }
    )
    return wall


def copy_record(source: Path, target: Path, copies: int) -> None:
    """A record holding every forecast of ``source`` ``copies`` times (seeds relabelled)."""
    target.unlink(missing_ok=True)
    with Record(source) as src, Record(target) as dst:
        meta = src.forecasts().reset_index()
        children = {name: src.table(name) for name in ("months", "crossings", "questions")}
        engine = dst._engine
        with schema.write_transaction(engine) as conn:
            next_id = 1
            for k in range(copies):
                ids = {}
                rows = []
                for row in meta.to_dict("records"):
                    ids[row["id"]] = next_id
                    rows.append(
                        row
                        | {
                            "id": next_id,
                            "key": f"{row['key']}-{k}",
                            "seed": f"{row['seed']}-copy{k}",
                        }
                    )
                    next_id += 1
                conn.execute(schema.forecasts.insert(), rows)
                tables = {
                    "months": schema.months,
                    "crossings": schema.crossings,
                    "questions": schema.questions,
                }
                for name, table in tables.items():
                    part = children[name].assign(forecast_id=children[name]["forecast_id"].map(ids))
                    conn.execute(table.insert(), part.to_dict("records"))


def backtest_scores(csv: Path, panel: pd.DataFrame) -> pd.DataFrame:
    table = pd.read_csv(csv, dtype={"origin": str, "target": str})
    ev = rf.evaluate(table, panel)
    at = ev.scores[ev.scores["h"] == 12].groupby("dyad")
    brier = ev.brier_cases
    brier = brier[(brier["threshold"] == -6) & (brier["h"] == 12)].groupby("dyad")
    return pd.DataFrame(
        {
            "brier_cross-6": brier["sq_error"].mean(),
            "n_cross-6": brier.size(),
            "cov50@12": at["in50"].mean(),
            "cov80@12": at["in80"].mean(),
            "crps@12": at["crps"].mean(),
        }
    )


def pooled(table: pd.DataFrame, weights: pd.Series) -> pd.Series:
    out = {}
    for col in table.columns:
        if col == "n_cross-6":
            out[col] = table[col].sum()
        elif col == "brier_cross-6":
            out[col] = np.average(table[col].fillna(0), weights=table["n_cross-6"].fillna(0))
        else:
            out[col] = np.average(table[col], weights=weights)
    return pd.Series(out, name="all seven")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench_record")
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--origins", default=ORIGINS)
    parser.add_argument("--skip-backtest", action="store_true")
    parser.add_argument("--only-speed", action="store_true", help="Skip the agreement table.")
    args = parser.parse_args()
    data = require_shared_data() / "tsinghua_relations_long.csv"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    record = out / "backfill.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{record}{suffix}").unlink(missing_ok=True)
    common = ["--paths", str(args.paths), "--workers", str(args.workers)]

    backfill_s = run(
        [
            "record",
            "backfill",
            str(data),
            "--dyad",
            "all",
            "--origins",
            args.origins,
            "--every",
            "12",
            "--seed",
            "0",
            "--record",
            str(record),
            *common,
        ]
    )
    with Record(record) as rec:
        n_backfilled = len(rec)
    print(f"backfill: {n_backfilled} forecasts in {backfill_s:.1f} s ({args.workers} workers)")

    big = out / "score1000.sqlite"
    copy_record(record, big, 5)
    panel = rf.load_panel(data)
    with Record(big) as rec:
        n_big = len(rec)
        t0 = time.perf_counter()
        rec.score(panel)
        score_inproc = time.perf_counter() - t0
    score_cli = run(
        ["record", "score", str(data), "--record", str(big), "--out", str(out / "score1000")]
    )
    print(
        f"record score: {n_big} forecasts, command {score_cli:.1f} s, "
        f"Record.score {score_inproc:.1f} s"
    )

    if args.only_speed:
        args.skip_backtest = True
    with Record(record) as rec:
        mine = rec.score(panel).summary()
    mine = mine.xs("auto", level="model")[
        ["brier_cross-6", "n_cross-6", "cov50@12", "cov80@12", "crps@12"]
    ]
    weights = pd.Series(1.0, index=mine.index)  # pooled row: mean of the dyads
    rows = {"record": pd.concat([mine, pooled(mine, weights).to_frame().T])}
    if not args.skip_backtest:
        for seed in (0, 1):
            csv = out / f"backtest_seed{seed}.csv"
            seconds = run(
                [
                    "backtest",
                    str(data),
                    "--dyad",
                    ",".join(panel.columns),
                    "--origins",
                    args.origins,
                    "--every",
                    "12",
                    "--model",
                    "auto",
                    "--seed",
                    str(seed),
                    "--refit-every",
                    "1",
                    "--out",
                    str(csv),
                    *common,
                ]
            )
            print(f"backtest seed {seed}: {seconds:.1f} s")
            bt = backtest_scores(csv, panel)
            rows[f"backtest seed {seed}"] = pd.concat([bt, pooled(bt, weights).to_frame().T])
    table = pd.concat(rows, names=["source", "dyad"])
    if "backtest seed 0" in rows:
        rec_diff = rows["record"] - rows["backtest seed 0"]
        mc_diff = rows["backtest seed 1"] - rows["backtest seed 0"]
        table = pd.concat(
            [
                table,
                pd.concat(
                    {"record - backtest 0": rec_diff, "backtest 1 - backtest 0": mc_diff},
                    names=["source", "dyad"],
                ),
            ]
        )
    table.to_csv(out / "agreement.csv", float_format="%.5g")
    speed = pd.DataFrame(
        {
            "what": [
                f"backfill {n_backfilled} forecasts ({args.workers} workers, {args.paths} paths)",
                f"relforecast record score, {n_big} forecasts (command)",
                f"Record.score, {n_big} forecasts (in process)",
            ],
            "seconds": [backfill_s, score_cli, score_inproc],
        }
    )
    speed.to_csv(out / "speed.csv", index=False, float_format="%.2f")
    pd.DataFrame(LOG).to_csv(out / "commands.csv", index=False, float_format="%.2f")
    text = [
        "## Speed",
        "",
        speed.to_markdown(index=False, floatfmt=".1f"),
        "",
        "## Agreement",
        "",
        table.to_markdown(floatfmt=".4f"),
        "",
    ]
    (out / "record_benchmark.md").write_text("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main()
