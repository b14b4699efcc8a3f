"""Run a call as a user whom file permissions bind.

Permissions do not bind the superuser, so a test of a read-only file or folder that runs as
root would pass without testing anything. :func:`as_another_user` runs the call here when this
process is not root, else in a forked child that becomes ``nobody``: the child has every module
the parent imported (the interpreter's own files may be private to root, so a call should not
need a module nothing imported before). Its folders must be reachable by ``nobody`` (pytest's
``tmp_path`` is private to its user: use the ``shared_dir`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

__all__ = ["NOBODY", "as_another_user"]

NOBODY = 65534
T = TypeVar("T")


def as_another_user(func: Callable[[], T]) -> T:
    """``func()`` run by a user other than root; its exception is raised here again (as a
    ``RuntimeError`` naming it when it cannot be pickled)."""
    if os.geteuid() != 0:
        return func()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            payload: tuple = ("value", func())
        except BaseException as exc:  # handed to the parent
            payload = ("error", exc)
        try:
            data = pickle.dumps(payload)
        except Exception:
            data = pickle.dumps(("error", RuntimeError(f"{type(payload[1]).__name__}: ...")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"the call run as user {NOBODY} ended without an answer")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return value
