"""Memory asked for before it is allocated: a request larger than the machine can give is
refused up front, naming its size, instead of ending in a ``MemoryError`` (or the system's
out-of-memory killer) part-way through.

The budget is the smaller of the memory the system reports available (``/proc/meminfo``'s
``MemAvailable``, else the physical memory) and, under an address-space limit
(``ulimit -v``, ``RLIMIT_AS``), the room left below it. The estimate of a request is the caller's
(the arrays it will hold at once); a request is refused when it exceeds the budget.
"""

from __future__ import annotations

import os
import resource

from relforecast.exceptions import ForecastError

__all__ = ["check_request", "memory_budget"]


def _available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _address_space_left() -> int | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 0
    return max(soft - used, 0)


def memory_budget() -> int | None:
    """Bytes a request may take now (``None`` when the system does not say)."""
    limits = [b for b in (_available(), _address_space_left()) if b is not None]
    return min(limits) if limits else None


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def check_request(nbytes: float, what: str, fix: str, *, error: type = ForecastError) -> None:
    """Refuse a request of ``nbytes`` bytes that the budget cannot hold.

    Parameters
    ----------
    nbytes : float
        Estimated peak memory of the request.
    what : str
        The request, for the message ("10000000 paths x 120 months").
    fix : str
        How to ask for less ("use fewer paths or a shorter horizon").
    """
    budget = memory_budget()
    if budget is not None and nbytes > budget:
        raise error(
            f"{what} needs about {_size(nbytes)} of memory, more than the {_size(budget)} "
            f"available; {fix}"
        )
