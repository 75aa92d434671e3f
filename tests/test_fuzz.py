"""Property-based fuzzing of the core, the flake8 plugin and ``botolint fix``.

Two sources of programs: hypothesmith's grammar-generated Python (anything the
grammar allows: the core must never raise, nor report that a rule did), and modules composed from templates
with boto3 calls dropped into random places, whose expected findings are known
as they are written (line, column and code). Example counts are bounded so the
whole file runs in well under a minute.
"""

from __future__ import annotations

import ast
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Set, Tuple

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botolint.config import Config
from botolint.engine import INTERNAL_ERROR, analyze_source
from botolint.fix.options import FixOptions
from botolint.fix.run import fix_paths
from botolint.flake8_plugin import BotolintChecker
from botolint.rule import all_rules

# No example database: the runs stay bounded and nothing is written into the repository.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def assert_no_rule_failed(analysis, source) -> None:
    """A file may be refused (a syntax error, nesting too deep), but a rule that
    raised is a bug: the engine turns it into an error, the fuzzer must not accept it."""
    assert analysis.error is None or not analysis.error.startswith(INTERNAL_ERROR), (analysis.error, source)


def assert_fix_did_not_fail(result, source) -> None:
    """``fix`` may leave a file alone with a reason, but not because a rule or
    the rewrite itself raised."""
    error = result.error if result is not None else None
    assert error is None or not error.startswith((INTERNAL_ERROR, "could not rewrite")), (error, source)


# -- (a) grammar-generated Python -----------------------------------------------


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@settings(FUZZ, max_examples=60)
@given(hypothesmith.from_grammar())
def test_core_never_raises_on_grammar_generated_python(source):
    # Without "boto3" in the text the core would not even parse the file.
    for text in (source, "import boto3\n" + source, source + "\nboto3.client('s3')\n"):
        analysis = analyze_source(text, "generated.py")
        assert analysis.error is None or (isinstance(analysis.error, str) and "\n" not in analysis.error)
        assert_no_rule_failed(analysis, text)
        for finding in analysis.findings:
            assert finding.line >= 1 and finding.column >= 1


@settings(FUZZ, max_examples=30)
@given(hypothesmith.from_node())
def test_core_never_raises_on_libcst_generated_modules(source):
    text = "import boto3\n" + source
    analysis = analyze_source(text, "generated.py")
    assert analysis.error is None or isinstance(analysis.error, str)
    assert_no_rule_failed(analysis, text)


SEED_FUNCTION = '\n\ndef _seeded_function():\n    return boto3.client("s3")\n'


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(FUZZ, max_examples=40)
@given(hypothesmith.from_grammar())
def test_fix_on_grammar_generated_python_gives_code_that_parses(source):
    """Whatever surrounds it, a fixable function is rewritten into code that
    still parses, or the file is left alone with a reason."""
    text = "import boto3\n" + source + SEED_FUNCTION
    try:
        cst.parse_module(text)
    except Exception:  # noqa: BLE001 - seeding can make the program invalid; not this test's input
        return
    with tempfile.TemporaryDirectory() as directory:
        result = _fix_once(Path(directory), text.encode())
        assert_fix_did_not_fail(result, text)
        if result is None or not result.changed:
            return
        cst.parse_module(result.new)
        again = _fix_once(Path(directory), result.new)
        assert again is None or not again.changed, (text, result.new, again.new)


# -- (b) modules composed from templates, boto3 calls in random places ------------

# How boto3's factories are imported, and how each spelling names them.
IMPORTS = {
    "import boto3": {"client": "boto3.client", "resource": "boto3.resource", "root": "boto3"},
    "import boto3 as b3": {"client": "b3.client", "resource": "b3.resource", "root": "b3"},
    "import boto3.session": {"client": "boto3.client", "resource": "boto3.resource", "root": "boto3"},
    "from boto3 import client, resource": {"client": "client", "resource": "resource", "root": None},
    "from boto3 import client as make_client, resource as make_resource": {
        "client": "make_client", "resource": "make_resource", "root": None,
    },
}
IMPORT_TIME = "AWS103"
IN_FUNCTION = {"client": "AWS101", "resource": "AWS102"}
FILLER = ["x = 1", "items = [i for i in range(3)]", "print('hello')", "total = sum([1, 2])", "pass", "# a comment"]


@dataclass
class Expected:
    """A module's text and the findings it must give: (line, column, code)."""

    lines: List[str] = field(default_factory=list)
    findings: Set[Tuple[int, int, str]] = field(default_factory=set)

    def add(self, line: str, call_column: Optional[int] = None, code: Optional[str] = None) -> None:
        self.lines.append(line)
        if call_column is not None and code is not None:
            self.findings.add((len(self.lines), call_column + 1, code))

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@st.composite
def call_expression(draw, names):
    kind = draw(st.sampled_from(["client", "resource"]))
    service = draw(st.sampled_from(["s3", "sqs", "dynamodb"]))
    extra = draw(st.sampled_from(["", ", region_name='eu-west-1'", ", config=None"]))
    return kind, f"{names[kind]}({service!r}{extra})"


PLACES = ("module", "function", "method", "class-body", "lambda", "nested", "async", "shadowed",
          "default-argument", "comprehension-in-function")
# Places whose calls `fix` has nothing to rewrite in (import time, or not boto3's).
NOT_FIXABLE = ("module", "class-body", "shadowed", "default-argument")


@st.composite
def block(draw, names, index, places):
    """One top-level block with one boto3 call somewhere in it, and what it must give."""
    kind, call = draw(call_expression(names))
    place = draw(st.sampled_from(places))
    before = draw(st.lists(st.sampled_from(FILLER), max_size=3))
    after = draw(st.lists(st.sampled_from(FILLER), max_size=2))
    lines: List[Tuple[str, Optional[int], Optional[str]]] = []

    def body(indent: str, statement_prefix: str, code: Optional[str]) -> None:
        lines.extend((indent + filler, None, None) for filler in before)
        text = f"{indent}{statement_prefix}{call}"
        lines.append((text, len(indent) + len(statement_prefix), code))
        lines.extend((indent + filler, None, None) for filler in after)

    name = f"f{index}"
    if place == "module":
        body("", "client_object = ", IMPORT_TIME)
    elif place == "function":
        lines.append((f"def {name}(a, b=2):", None, None))
        body("    ", "return ", IN_FUNCTION[kind])
    elif place == "async":
        lines.append((f"async def {name}(*args, **kwargs):", None, None))
        body("    ", "service = ", IN_FUNCTION[kind])
    elif place == "method":
        lines += [(f"class C{index}:", None, None), ("    def method(self):", None, None)]
        body("        ", "self.service = ", IN_FUNCTION[kind])
    elif place == "class-body":
        lines.append((f"class C{index}:", None, None))
        body("    ", "shared = ", IMPORT_TIME)
    elif place == "lambda":
        prefix = f"{name} = lambda region=None: "
        lines.append((prefix + call, len(prefix), IN_FUNCTION[kind]))
    elif place == "nested":
        lines += [(f"def {name}():", None, None), ("    def inner():", None, None)]
        body("        ", "return ", IN_FUNCTION[kind])
        lines.append(("    return inner", None, None))
    elif place == "shadowed":
        # A parameter with the import's name hides boto3: nothing to report.
        shadow = names["root"] or names[kind]
        lines.append((f"def {name}({shadow}):", None, None))
        body("    ", "return ", None)
    elif place == "default-argument":
        prefix = f"def {name}(service="
        lines.append((prefix + call + "):", len(prefix), IMPORT_TIME))
        lines.append(("    return service", None, None))
    else:  # comprehension-in-function
        prefix = "    return ["
        lines.append((f"def {name}(regions):", None, None))
        lines.append((prefix + call + " for region in regions]", len(prefix), IN_FUNCTION[kind]))
    return lines


@st.composite
def seeded_module(draw, places=PLACES) -> Expected:
    spelling = draw(st.sampled_from(sorted(IMPORTS)))
    names = IMPORTS[spelling]
    expected = Expected()
    if draw(st.booleans()):
        expected.add('"""A generated module."""')
    expected.add(spelling)
    if draw(st.booleans()):
        expected.add("import os")
    blocks = draw(st.integers(min_value=1, max_value=6))
    for index in range(blocks):
        expected.add("")
        for line, column, code in draw(block(names, index, places)):
            expected.add(line, column, code)
    return expected


def _findings(analysis) -> Set[Tuple[int, int, str]]:
    return {(finding.line, finding.column, finding.code) for finding in analysis.findings}


@settings(FUZZ, max_examples=100)
@given(seeded_module())
def test_seeded_modules_give_exactly_the_expected_findings(module):
    analysis = analyze_source(module.text, "seeded.py")
    assert analysis.error is None
    assert _findings(analysis) == module.findings, module.text


@settings(FUZZ, max_examples=100)
@given(seeded_module(), st.sampled_from(["\n", "\r\n"]))
def test_every_finding_points_at_the_call_it_reports(module, newline):
    text = module.text.replace("\n", newline)
    analysis = analyze_source(text.encode(), "seeded.py")
    lines = text.split(newline)
    for finding in analysis.findings:
        at = lines[finding.line - 1][finding.column - 1 :]
        call = finding.node
        assert at.startswith(cst.Module([]).code_for_node(call.func)), (finding, text)


@settings(FUZZ, max_examples=60)
@given(seeded_module())
def test_flake8_plugin_reports_what_the_core_reports(module):
    core = analyze_source(module.text, "seeded.py")
    checker = BotolintChecker(_python_tree(module.text), "seeded.py", module.text.splitlines(keepends=True))
    checker.use_cache = False  # the plugin's cache would go into the cwd, the checkout
    plugin = {(line, column + 1, message.split()[0]) for line, column, message, _ in checker.run()}
    assert plugin == _findings(core)


# -- fix on the seeded modules ------------------------------------------------


def _fix_once(directory: Path, text: bytes):
    path = directory / "seeded.py"
    path.write_bytes(text)
    (result,) = [r for r in fix_paths([path], Config(), all_rules(), FixOptions()) if r.path == str(path)] or [None]
    return result


def _fixed_function_names(result) -> Set[str]:
    return {function.name for function in result.functions}


@settings(FUZZ, max_examples=60)
@given(seeded_module(), st.sampled_from(["\n", "\r\n"]))
def test_fix_output_parses_is_stable_and_leaves_no_fixable_finding(module, newline):
    with tempfile.TemporaryDirectory() as directory:
        result = _fix_once(Path(directory), module.text.replace("\n", newline).encode())
        assert_fix_did_not_fail(result, module.text)
        wanted = {code for _, _, code in module.findings} & {"AWS101", "AWS102"}
        if result is None or not result.changed:
            # Nothing rewritten: only when there was nothing fix rewrites, or it said why.
            assert not wanted or (result is not None and (result.left or result.error)), module.text
            return
        assert result.error is None
        new = result.new.decode()
        # The file's line endings are kept: no bare \n slips into a CRLF file.
        assert new.count("\n") == new.count(newline), new
        new = new.replace("\r\n", "\n")
        cst.parse_module(new)
        _python_tree(new)
        again = _fix_once(Path(directory), result.new)  # with the file's own line endings
        assert again is None or not again.changed, (module.text, new, again.new)
        after = analyze_source(new, "seeded.py")
        assert after.error is None
        left = {(item.code) for item in result.left}
        remaining = [f for f in after.findings if f.code in ("AWS101", "AWS102")]
        for finding in remaining:
            function = finding.fix.function
            # Only what fix said it left (lambdas, ...) may still be reported.
            assert finding.code in left, (module.text, new, finding)
            if isinstance(function, cst.FunctionDef):
                assert function.name.value not in _fixed_function_names(result), (new, finding)


@settings(FUZZ, max_examples=40)
@given(seeded_module(places=NOT_FIXABLE))
def test_fix_leaves_files_without_fixable_findings_byte_identical(module):
    text = module.text.encode()
    with tempfile.TemporaryDirectory() as directory:
        result = _fix_once(Path(directory), text)
        assert result is None or not result.changed, (module.text, result.new)
        assert (Path(directory) / "seeded.py").read_bytes() == text


def _python_tree(text: str) -> ast.Module:
    """The ``ast`` of generated code, without the SyntaxWarnings that random
    code draws (``1j[0]``): this test's parse, not botolint's, which is quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(text)
