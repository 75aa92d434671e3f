"""``--add-to-callers`` stops at an override of the project's own base-class
method, and says so: the run's notes name the method and the reason."""

from __future__ import annotations

import shutil

from botolint.config import Config
from botolint.fix.options import FixOptions
from botolint.fix.run import fix_paths
from botolint.rule import all_rules
from fixture_support import ROOT


def test_an_override_left_without_a_session_is_reported(tmp_path, monkeypatch):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "fixtures" / "fix" / "overrides" / "before", work)
    monkeypatch.chdir(work)
    results = fix_paths([work], Config(), all_rules(), FixOptions(add_to_callers=True))
    (s3,) = [result for result in results if result.path.endswith("s3.py")]
    assert [name for _, name in [(f.line, f.name) for f in s3.functions]] == [
        "Bucket.__init__",
        "CopyTask.plan",
        "make",
    ]
    notes = [text for _, text in s3.notes]
    assert any("CopyTask.run()" in text and "overrides Task.run" in text for text in notes), notes
    assert not any("CopyTask.plan()" in text for text in notes), notes
