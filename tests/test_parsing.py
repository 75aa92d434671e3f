"""The module parse skips LibCST's node checks, and only the parse does:
nodes built afterwards (what ``fix`` writes) are still checked."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from botolint.parsing import parse
from botolint.source import SourceError

ROOT = Path(__file__).resolve().parent.parent


def test_a_parse_gives_the_tree_a_checked_parse_gives():
    source = (ROOT / "src" / "botolint" / "objects.py").read_text(encoding="utf-8")
    module, _ = parse(source)
    assert module.code == source
    assert module.deep_equals(cst.parse_module(source))


def test_nodes_built_after_a_parse_are_checked():
    parse("import boto3\nclient = boto3.client('s3')\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_nodes_built_after_a_failed_parse_are_checked():
    with pytest.raises(SourceError):
        parse("def broken(:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
