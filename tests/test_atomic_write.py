"""``botolint fix`` writes atomically and keeps what it does not mean to change.

A crash at any point of a write leaves the original file whole (never half
written) and no temporary file behind, except for a hard kill, which can only
leave a hidden ``.tmp`` file next to an intact original. A rewritten file keeps
its permission bits, its encoding and its line endings.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from botolint.cli import main

SOURCE = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
FIXED = 'import boto3\n\n\ndef f(*, session=None):\n    return (session or boto3).client("s3")\n'


def _project(tmp_path: Path, data: bytes = SOURCE.encode(), name: str = "app.py") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _leftovers(directory: Path, *expected: str):
    return sorted(path.name for path in directory.iterdir() if path.name not in expected)


class Crash(BaseException):
    """Not an Exception: nothing on the way may swallow it."""


def _half_writing_fdopen(real_fdopen):
    """os.fdopen whose stream writes half the bytes, then dies."""

    def fdopen(fd, *args, **kwargs):
        stream = real_fdopen(fd, *args, **kwargs)

        class HalfWriter:
            def __enter__(self):
                return self

            def __exit__(self, *exc_info):
                stream.close()

            def write(self, data):
                stream.write(data[: len(data) // 2])
                stream.flush()
                raise Crash("write")

        return HalfWriter()

    return fdopen


@pytest.mark.parametrize("step", ["write", "fsync", "chmod", "replace"])
def test_a_crash_at_any_step_of_the_write_keeps_the_original(tmp_path, monkeypatch, step):
    path = _project(tmp_path)

    def crash(*args, **kwargs):
        raise Crash(step)

    if step == "write":
        monkeypatch.setattr(os, "fdopen", _half_writing_fdopen(os.fdopen))
    else:
        monkeypatch.setattr(os, step, crash)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Crash):
        main(["fix", "app.py"])
    assert path.read_bytes() == SOURCE.encode()
    assert _leftovers(tmp_path, "app.py") == []


def test_keyboard_interrupt_during_the_write_keeps_the_original(tmp_path, monkeypatch):
    path = _project(tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "app.py"]) == 130
    assert path.read_bytes() == SOURCE.encode()
    assert _leftovers(tmp_path, "app.py") == []


def test_a_hard_kill_before_the_rename_leaves_the_original_whole(tmp_path):
    """os._exit skips every cleanup, as SIGKILL or a power cut would."""
    path = _project(tmp_path)
    script = textwrap.dedent(
        """
        import os, sys
        from botolint.cli import main
        os.replace = lambda *args, **kwargs: os._exit(9)
        sys.exit(main(["fix", "app.py"]))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 9
    assert path.read_bytes() == SOURCE.encode()
    # At most a hidden temporary file, which no later run takes for Python source.
    assert all(name.startswith(".app.py.") and name.endswith(".tmp") for name in _leftovers(tmp_path, "app.py"))


def test_fix_keeps_the_permission_bits(tmp_path, monkeypatch):
    path = _project(tmp_path)
    path.chmod(0o751)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "app.py"]) == 1
    assert path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_fix_keeps_a_latin1_file_latin1(tmp_path, monkeypatch):
    source = "# -*- coding: latin-1 -*-\n" + SOURCE.replace("import boto3\n", "import boto3\nNAME = 'caf\u00e9'\n")
    path = _project(tmp_path, source.encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "app.py"]) == 1
    expected = "# -*- coding: latin-1 -*-\n" + FIXED.replace("import boto3\n", "import boto3\nNAME = 'caf\u00e9'\n")
    assert path.read_bytes() == expected.encode("latin-1")


def test_fix_keeps_crlf_line_endings(tmp_path, monkeypatch):
    path = _project(tmp_path, SOURCE.replace("\n", "\r\n").encode())
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "app.py"]) == 1
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode()


def test_fix_keeps_a_byte_order_mark(tmp_path, monkeypatch):
    path = _project(tmp_path, b"\xef\xbb\xbf" + SOURCE.encode())
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "app.py"]) == 1
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_fix_rewrites_the_target_of_a_symlink_and_keeps_the_link(tmp_path, monkeypatch):
    real = _project(tmp_path, name="real_module.py")
    (tmp_path / "link.py").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    main(["fix", "link.py"])
    assert (tmp_path / "link.py").is_symlink()
    assert real.read_text() == FIXED
