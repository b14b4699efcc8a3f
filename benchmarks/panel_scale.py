"""Many dyads in one run: panel-forecast speed, parallel efficiency, Dask overhead, memory.

On a synthetic panel from the package's generator (``rf.datasets.demo_panel``: 1,000 dyads x
240 months by default), in one run:

1. **Two-process ceiling** of this machine: a pure-Python CPU task (no I/O, no memory
   traffic) run in one process, then split over two worker processes; ceiling = t1 / t2. On a
   shared or throttled machine it is well under 2, so the panel speed-up is reported as a
   share of it.
2. **Speed-up of 2 workers over 1**: the `auto` panel forecast (2,000 paths, h = 12) of a
   subset of dyads in this process, then on two loky workers (pool already started); share of
   the ceiling (target >= 85 %).
3. **Dask overhead**: the same subset on a ``dask.distributed.LocalCluster`` of two
   single-threaded workers (started beforehand; its start-up time is reported apart), against
   loky: t_dask / t_loky - 1 (target <= 25 %).
4. **The full panel**: `auto`, 2,000 paths, on `--workers` loky workers: wall time, dyads per
   core-minute, peak memory of this process and its workers together (resident set size,
   sampled every 0.1 s) — targets <= 10 minutes on 2 cores, <= 2 GB.
5. **Backtest memory per row**: a backtest of a cheap model (``rw-gauss``) over many dyads and
   monthly origins, traced with tracemalloc: peak bytes allocated during the run per row, and
   the bytes the returned table holds per row (target <= 0.5 KB).

BLAS/OpenMP pools are capped at one thread here and in every worker, so one process is one
core's worth of work. Timings on a busy machine are noisy: the steps 1-3 keep the best of
``--repeats`` alternated runs, the script prints the load average before and after, and each
step can be rerun alone (``--only``).

Run:  python benchmarks/panel_scale.py                 # full size (about 20 minutes on 2 cores)
      python benchmarks/panel_scale.py --quick         # 40 dyads, a few minutes
      python benchmarks/panel_scale.py --only ceiling,scaling --subset 24
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402

import relforecast as rf  # noqa: E402
from relforecast.panel.parallel import run_tasks  # noqa: E402

STEPS = ("ceiling", "scaling", "dask", "full", "memory")


def spin(n: int) -> int:
    """Pure-Python CPU work: no allocation to speak of, no I/O."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def timed(func: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = func()
    return time.perf_counter() - t0, out


class PeakMemory:
    """Peak resident memory of this process and all its children, sampled in a thread."""

    def __init__(self, every: float = 0.1) -> None:
        import psutil

        self.process = psutil.Process()
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        import psutil

        total = 0
        for p in [self.process, *self.process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def ceiling(workers: int, chunks: int, size: int, repeats: int) -> dict[str, float]:
    tasks = [size] * chunks
    list(run_tasks(spin, tasks[:workers], workers=workers))  # start the worker pool
    t1 = t2 = float("inf")
    for _ in range(repeats):  # alternate, so that a busy spell hits both
        t1 = min(t1, timed(lambda: list(run_tasks(spin, tasks, workers=1)))[0])
        t2 = min(t2, timed(lambda: list(run_tasks(spin, tasks, workers=workers)))[0])
    return {"spin_1": t1, "spin_n": t2, "ceiling": t1 / t2}


def forecast(panel, workers: int | None, paths: int, **engine) -> float:
    t, table = timed(
        lambda: rf.forecast_panel(panel, "auto", 12, paths, rng=0, workers=workers, **engine)
    )
    if table.attrs["notes"]:
        print(f"  notes: {table.attrs['notes'][:3]}")
    return t


def scaling(panel, workers: int, paths: int, repeats: int) -> dict[str, float]:
    forecast(panel.iloc[:, :workers], workers, 200)  # start the pool, import in the workers
    t1 = tn = float("inf")
    for _ in range(repeats):
        t1 = min(t1, forecast(panel, 1, paths))
        tn = min(tn, forecast(panel, workers, paths))
    return {"forecast_1": t1, "forecast_n": tn, "speedup": t1 / tn}


def dask(panel, workers: int, paths: int, repeats: int) -> dict[str, float]:
    from distributed import LocalCluster

    t_start, cluster = timed(
        lambda: LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    )
    with cluster:
        address = cluster.scheduler_address
        forecast(panel.iloc[:, :workers], None, 200, scheduler=address)  # warm the workers
        forecast(panel.iloc[:, :workers], workers, 200)
        t_dask = t_loky = float("inf")
        for _ in range(repeats):  # alternate loky and Dask on the same dyads
            t_loky = min(t_loky, forecast(panel, workers, paths))
            t_dask = min(t_dask, forecast(panel, None, paths, scheduler=address))
    return {
        "cluster_start": t_start,
        "forecast_dask": t_dask,
        "forecast_loky": t_loky,
        "dask_overhead": t_dask / t_loky - 1,
    }


def full(panel, workers: int, paths: int) -> dict[str, float]:
    forecast(panel.iloc[:, :workers], workers, 200)
    with PeakMemory() as memory:
        wall = forecast(panel, workers, paths)
    n = panel.shape[1]
    return {
        "dyads": n,
        "wall_s": wall,
        "dyads_per_core_minute": n / (wall / 60 * workers),
        "peak_gb": memory.peak / 1e9,
    }


def memory_per_row(dyads: int, origins: str) -> dict[str, float]:
    panel = rf.datasets.demo_panel(dyads, 480, seed=3)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t, table = timed(
        lambda: rf.backtest(panel, "rw-gauss", origins, 12, every=1, n_paths=200, workers=1)
    )
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    rows = len(table)
    return {
        "rows": rows,
        "peak_bytes_per_row": peak / rows,
        "held_bytes_per_row": table.memory_usage(deep=True).sum() / rows,
        "backtest_s": t,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyads", type=int, default=1000)
    parser.add_argument("--months", type=int, default=240)
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subset", type=int, default=48, help="dyads of the scaling runs")
    parser.add_argument("--spin", type=int, default=6_000_000, help="size of a ceiling chunk")
    parser.add_argument("--memory-dyads", type=int, default=100)
    parser.add_argument("--memory-origins", default="2010-07:2024-06")
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="timings of the ceiling, scaling and Dask steps: best of this many, alternated",
    )
    parser.add_argument("--quick", action="store_true", help="40 dyads, small subsets")
    parser.add_argument("--only", default=",".join(STEPS), help=f"any of {', '.join(STEPS)}")
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args()
    if args.quick:  # smaller defaults; options given explicitly still win
        quick = {"dyads": 40, "subset": 12, "memory_dyads": 40, "spin": 2_000_000}
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    steps = args.only.split(",")
    if unknown := [s for s in steps if s not in STEPS]:
        parser.error(f"unknown step(s) {unknown}; choose from {STEPS}")
    panel = rf.datasets.demo_panel(args.dyads, args.months)
    subset = panel.iloc[:, : args.subset]
    load_before = os.getloadavg()
    out: dict[str, object] = {"cores": os.cpu_count(), "workers": args.workers}
    out.update(vars(args))
    print(
        f"{args.dyads} dyads x {args.months} months, {args.paths} paths, {args.workers} "
        f"workers on {os.cpu_count()} cores; load average {load_before[0]:.1f}",
        flush=True,
    )
    if "ceiling" in steps:
        out.update(ceiling(args.workers, 4 * args.workers, args.spin, args.repeats))
        print(
            f"ceiling: {out['ceiling']:.2f}x ({out['spin_1']:.1f} s vs {out['spin_n']:.1f} s)",
            flush=True,
        )
    if "scaling" in steps:
        out.update(scaling(subset, args.workers, args.paths, args.repeats))
        share = out["speedup"] / out["ceiling"] if "ceiling" in out else float("nan")
        out["share_of_ceiling"] = share
        print(
            f"scaling ({args.subset} dyads): {out['forecast_1']:.1f} s on 1, "
            f"{out['forecast_n']:.1f} s on {args.workers}: {out['speedup']:.2f}x, "
            f"{100 * share:.0f} % of the ceiling",
            flush=True,
        )
    if "dask" in steps:
        out.update(dask(subset, args.workers, args.paths, args.repeats))
        print(
            f"dask ({args.subset} dyads): {out['forecast_dask']:.1f} s vs loky "
            f"{out['forecast_loky']:.1f} s: overhead {100 * out['dask_overhead']:+.0f} % "
            f"(cluster start {out['cluster_start']:.1f} s)",
            flush=True,
        )
    if "full" in steps:
        out.update(full(panel, args.workers, args.paths))
        print(
            f"full: {args.dyads} dyads in {out['wall_s']:.0f} s "
            f"({out['dyads_per_core_minute']:.1f} dyads per core-minute), peak memory "
            f"{out['peak_gb']:.2f} GB",
            flush=True,
        )
    if "memory" in steps:
        out.update(memory_per_row(args.memory_dyads, args.memory_origins))
        print(
            f"backtest memory: {out['rows']} rows, peak {out['peak_bytes_per_row']:.0f} B "
            f"a row while running, {out['held_bytes_per_row']:.0f} B a row held",
            flush=True,
        )
    out["load_before"], out["load_after"] = load_before[0], os.getloadavg()[0]
    print(f"load average after: {out['load_after']:.1f}")
    print(table(out))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(out, handle, indent=2, default=float)


def table(out: dict) -> str:
    rows = [("measure", "result", "target")]
    if "ceiling" in out:
        rows.append(("two-process ceiling (pure-Python CPU task)", f"{out['ceiling']:.2f}x", "—"))
    if "speedup" in out:
        rows.append(
            (
                f"`auto` panel forecast, {out['subset']} dyads: 1 → {out['workers']} workers",
                f"{out['speedup']:.2f}x ({out['forecast_1']:.0f} s → {out['forecast_n']:.0f} s), "
                f"{100 * out.get('share_of_ceiling', float('nan')):.0f} % of the ceiling",
                "≥ 85 % of the ceiling",
            )
        )
    if "dask_overhead" in out:
        rows.append(
            (
                f"Dask LocalCluster ({out['workers']} workers) vs loky, {out['subset']} dyads",
                f"{100 * out['dask_overhead']:+.0f} % ({out['forecast_dask']:.0f} s vs "
                f"{out['forecast_loky']:.0f} s; cluster start {out['cluster_start']:.1f} s)",
                "≤ 25 %",
            )
        )
    if "wall_s" in out:
        rows += [
            (
                f"`auto` panel forecast, {out['dyads']} dyads × {out['months']} months, "
                f"{out['paths']} paths, {out['workers']} workers",
                f"{out['wall_s']:.0f} s ({out['wall_s'] / 60:.1f} min)",
                "≤ 10 min",
            ),
            ("dyads per core-minute", f"{out['dyads_per_core_minute']:.1f}", "—"),
            ("peak memory (process + workers)", f"{out['peak_gb']:.2f} GB", "≤ 2 GB"),
        ]
    if "rows" in out:
        rows.append(
            (
                f"backtest memory per row ({out['rows']:,} rows, rw-gauss)",
                f"{out['peak_bytes_per_row']:.0f} B at the peak, "
                f"{out['held_bytes_per_row']:.0f} B held",
                "≤ 512 B",
            )
        )
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "| --- | --- | --- |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
