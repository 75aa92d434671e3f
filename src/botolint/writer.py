"""Replacing a file's contents atomically: the one helper that ``fix`` (and
``--add-noqa``) use for source files and the cache uses for its entries.

A write must never leave a half-written file behind (an interrupted run, a
full disk, two processes at once): the new bytes go to a temporary file in the
same directory, which then replaces the original with ``os.replace`` (atomic
on POSIX and Windows). The original's permission bits are kept, a file without
write permission is refused, and a symlink is followed so that the file it
points to is rewritten rather than the link replaced. ``durable`` (the
default) also syncs the bytes to disk before the rename: source files need
it, cache entries (which a miss simply recomputes) do not.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Union


def write_atomic(path: Union[str, Path], data: Union[bytes, str], *, durable: bool = True) -> None:
    """Replace the contents of ``path`` with ``data`` (text is written as
    UTF-8); on any error the original file is untouched and the temporary
    file is removed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = Path(os.path.realpath(path))
    mode = _permission_bits(target)
    if mode is not None and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # os.replace would swap a read-only file's contents without a word
        # (and root may write anything): its mode says to leave it alone.
        raise PermissionError(errno.EACCES, "read-only file", str(path))
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        _remove_quietly(temporary)
        raise


def _permission_bits(path: Path):
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
