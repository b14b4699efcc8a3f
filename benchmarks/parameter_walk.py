"""Follow one parameter through an outlook: which modules it visits, in which order.

Traces the demo outlook (``rf.outlook`` on the embedded series, few paths, no track record)
and records every call of a relforecast function that takes the parameter by name (default
``n_paths``). Consecutive calls in the same module are one *stay*; a *return to the report
layer* is a stay in ``relforecast.report`` after a stay elsewhere. Fewer stays and returns mean
the computation no longer passes back and forth through the report code::

    python benchmarks/parameter_walk.py              # n_paths
    python benchmarks/parameter_walk.py --name rng
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import sys
import tempfile
from pathlib import Path


def walk(name: str) -> list[str]:
    """Modules of the calls that take ``name``, in call order (one entry per call)."""
    import relforecast as rf

    series = rf.datasets.demo()
    visited: list[str] = []

    def tracer(frame, event, arg):
        if event != "call":
            return None
        module = frame.f_globals.get("__name__", "")
        if not module.startswith("relforecast"):
            return None
        code = frame.f_code
        n_args = code.co_argcount + code.co_kwonlyargcount
        if name in code.co_varnames[:n_args]:
            visited.append(module)
        return None

    with tempfile.TemporaryDirectory() as tmp:
        kwargs = {"out": Path(tmp) / "out", "n_paths": 500, "rng": 0}
        if "track_record" in inspect.signature(rf.outlook).parameters:
            kwargs["track_record"] = None
        sys.setprofile(None)
        sys.settrace(tracer)
        try:
            rf.outlook(series, **kwargs)
        finally:
            sys.settrace(None)
    return visited


def stays(visited: list[str]) -> list[str]:
    """Consecutive calls in one module merged into one stay."""
    out: list[str] = []
    for module in visited:
        if not out or out[-1] != module:
            out.append(module)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="n_paths", help="the parameter to follow")
    args = parser.parse_args()
    path = stays(walk(args.name))
    report = [m.startswith("relforecast.report") for m in path]
    returns = sum(1 for before, now in itertools.pairwise(report) if now and not before)
    print(" -> ".join(m.removeprefix("relforecast.") for m in path))
    print(
        f"{args.name}: {len(set(path))} modules, {len(path)} stays, "
        f"{returns} returns to the report layer"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
