"""A module's summary survives the cache: what is written is what is read back."""

from __future__ import annotations

import pytest

from botolint.engine import summarize_source
from botolint.config import Config
from botolint.project.summary import FORMAT, ModuleSummary


@pytest.mark.parametrize(
    "source",
    [
        # One module-level name, spelt like the JSON tags of sets, tuples and kinds.
        "def s():\n    import boto3\n\n    return boto3.Session()\n",
        "def t():\n    import boto3\n\n    return boto3.client('sts')\n",
        "class k:\n    pass\n",
    ],
)
def test_a_summary_reads_back_as_written(source):
    summary = summarize_source(source, "m.py", Config())
    assert summary is not None and summary.exports  # there is something to lose
    assert ModuleSummary.from_json(summary.to_json()) == summary


def test_a_summary_of_another_format_is_not_read():
    summary = summarize_source("import boto3\n\n\ndef f():\n    return boto3.Session()\n", "m.py", Config())
    old = summary.to_json().replace(f'"format": {FORMAT}', f'"format": {FORMAT - 1}')
    assert old != summary.to_json()
    with pytest.raises(ValueError):
        ModuleSummary.from_json(old)
