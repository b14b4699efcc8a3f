"""Files written whole or not at all: into a hidden temporary name beside the target, then
renamed onto it (``os.replace`` is atomic on one file system).

Temporary files and folders are created private (mode 0600 / 0700); before they are renamed
into place they get the mode the target had, or, for a new one, the mode an ordinary ``open``
or ``mkdir`` would give under the process's umask — so teammates and servers can read what
relforecast writes exactly as they could read any other file there."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["check_parent", "published_mode", "replacing"]


def published_mode(target: Path, *, directory: bool = False) -> int:
    """The permission bits for a file or folder about to be renamed onto ``target``: those of
    ``target`` when it exists, else 0666 (files) or 0777 (folders) less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        pass
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def check_parent(path: str | os.PathLike) -> Path:
    """``path`` as a Path when the folder it would be written into exists, else
    FileNotFoundError naming both (checked before a long job, so it does not fail at the end)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not exist; "
            "create it first"
        )
    return target


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on any error
    (or interruption) it is removed and ``path`` is left as it was."""
    target = check_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{target.name}.", dir=target.parent)
    except OSError as exc:
        raise type(exc)(
            f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not accept "
            f"new files ({exc.strerror or exc}); choose a folder you can write to"
        ) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, published_mode(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
