"""Reading a file's bytes and refusing, with a reason, what cannot be analyzed."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Union


class SourceError(Exception):
    """A file that cannot be analyzed; the message is the one-line reason."""


def read_source(path: Path, max_size: int) -> bytes:
    try:
        if path.is_dir():
            os.listdir(path)  # an unreadable directory a walk could not enter says so here
            raise SourceError("is a directory")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise SourceError("not a regular file")
        size = info.st_size
        if size > max_size:
            raise SourceError(f"file is too large ({size} bytes, limit {max_size}; see max-file-size)")
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError("broken symbolic link" if path.is_symlink() else "no such file") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as error:
        raise SourceError(error.strerror or str(error)) from None


def check_text(data: Union[str, bytes]) -> None:
    """Reject what Python itself would not read as source."""
    if (b"\0" if isinstance(data, bytes) else "\0") in data:
        raise SourceError("contains NUL bytes")
