"""SARIF 2.1.0 for code scanning (GitHub's upload-sarif and other viewers).

- Locations are relative to the directory ``check`` ran in, percent-encoded,
  with ``uriBaseId: %SRCROOT%`` (whose absolute URI the run gives); a file
  outside it gets an absolute ``file:`` URI. Columns count code points.
- Each result has its end line and column, and every finding ``botolint fix``
  fixes safely carries its fix as ``fixes[].artifactChanges``: the lines
  ``botolint fix`` changes in the finding's function (see ``_fixes``). The
  files with findings are analysed and rewritten once more for this, so
  ``--format sarif`` costs about what ``check`` and ``fix --diff`` together cost.
- Files that could not be analysed are ``invocations[].toolExecutionNotifications``.
- AWS403 (a hard-coded secret) is level ``error`` with a ``security-severity``.
- There is no public documentation site: rules carry their full page as
  ``help`` and no ``helpUri``; the driver has no ``informationUri``.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import quote

from botolint import __version__
from botolint.engine import INTERNAL_ERROR
from botolint.output import (
    LEVELS,
    SECURITY_SEVERITY,
    Diagnostic,
    OutputOptions,
    RunResult,
    decode_source,
    level_of,
)
from botolint.rule import doc_sections, rules_by_code

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"

Key = Tuple[str, int, int, str]
# A line with its end (\r\n, \r or \n, as Python ends lines), or the last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def artifact_location(path: str, root: Optional[Path] = None) -> Dict[str, str]:
    root = (root or Path.cwd()).resolve()
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        try:
            relative = absolute.resolve().relative_to(root)
        except (ValueError, OSError):
            return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _rule_descriptor(code: str) -> Dict:
    rule = rules_by_code()[code]
    sections = doc_sections(rule)
    properties: Dict = {"tags": ["aws", "boto3"]}
    if code in SECURITY_SEVERITY:
        properties["tags"].append("security")
        properties["security-severity"] = SECURITY_SEVERITY[code]
    return {
        "id": rule.code,
        "name": rule.__name__,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": sections.get("What it does", rule.summary())},
        "help": {"text": rule.docs(), "markdown": rule.docs()},
        "defaultConfiguration": {"level": LEVELS.get(code, "warning")},
        "properties": properties,
    }


def sarif_document(result: RunResult, options: OutputOptions) -> Dict:
    details = _details(result, options) if options.config is not None else {}
    codes = sorted({d.code for d in result.diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for d in result.diagnostics:
        region: Dict = {"startLine": d.line, "startColumn": d.column}
        end, fix = details.get(_key(d), (None, None))
        if end is not None:
            region["endLine"], region["endColumn"] = end
        entry: Dict = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": level_of(d.code),
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(d.path), "region": region}}],
        }
        if fix is not None:
            entry["fixes"] = [fix]
        results.append(entry)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{failure.path}: could not be analysed: {failure.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(failure.path)}}],
        }
        for failure in result.failures
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "botolint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule_descriptor(code) for code in codes],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not any(
                            failure.error.startswith(INTERNAL_ERROR) for failure in result.failures
                        ),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _key(d: Diagnostic) -> Key:
    return (d.path, d.line, d.column, d.code)


def _details(result: RunResult, options: OutputOptions) -> Dict[Key, Tuple[Optional[Tuple[int, int]], Optional[Dict]]]:
    """The end position and (for a safe fix) the SARIF fix of each finding,
    from analysing its file again; a file that no longer gives the same
    finding (changed since) has neither."""
    from botolint.engine import analyze_source
    from botolint.noqa import unsuppressed
    from botolint.project.projects import Projects

    config = options.config
    assert config is not None
    by_path: Dict[str, List[Diagnostic]] = {}
    for d in result.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    projects = Projects(config, None)
    details: Dict[Key, Tuple[Optional[Tuple[int, int]], Optional[Dict]]] = {}
    for path, diagnostics in by_path.items():
        data = result.source(path)
        if data is None:
            continue
        analysis = analyze_source(
            data, path, rules=options.rules, config=config, project=projects.of(Path(path).absolute())
        )
        if analysis.module is None:
            continue
        findings = {(f.line, f.column, f.code): f for f in unsuppressed(analysis)}
        matched = [(d, findings.get((d.line, d.column, d.code))) for d in diagnostics]
        matched = [(d, finding) for d, finding in matched if finding is not None and finding.node is not None]
        safe = [finding for d, finding in matched if d.safe_fix]
        fixes = _fixes(analysis, safe, path, config) if safe else {}
        for d, finding in matched:
            end = _end(_own_code(analysis.module, finding.node), d.line, d.column)
            details[_key(d)] = (end, fixes.get(id(finding)))
    return details


def _own_code(module, node) -> str:
    """The node's code without the separator after it (an argument's comma)."""
    import libcst as cst

    if (
        isinstance(node, (cst.Arg, cst.Param, cst.Element, cst.DictElement))
        and node.comma is not cst.MaybeSentinel.DEFAULT
    ):
        node = node.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return module.code_for_node(node).strip()


def _end(code: str, line: int, column: int) -> Tuple[int, int]:
    """Where ``code``, starting at ``line``:``column``, ends (exclusive column)."""
    lines = decode_source(code.encode("utf-8")).split("\n")
    if len(lines) == 1:
        return line, column + len(lines[0])
    return line + len(lines) - 1, len(lines[-1]) + 1


def _fixes(analysis, findings, path: str, config) -> Dict[int, Dict]:
    """A SARIF fix for each of ``findings`` (safely fixable, by ``id``): the
    lines ``botolint fix`` changes in the function the finding is in.

    The file is planned and rewritten once, without passing sessions along to
    other functions, so that each function's change stands alone (its new
    ``session`` parameter defaults to None, and its callers are untouched);
    the lines each function's change replaces are that finding's fix. Applying
    every fix of a file gives what ``botolint fix`` gives for the file minus
    the ``session=session`` arguments it adds at call sites."""
    from botolint.fix.options import FixOptions
    from botolint.fix.plan import plan_file
    from botolint.fix.rewrite import rewritten_source

    name = config.option("param-name", "session")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        name = "session"
    try:
        new = rewritten_source(plan_file(analysis, list(findings), FixOptions(param_name=name)))
    except Exception:  # a fix that cannot be described costs its fixes entries, not the report
        return {}
    if new is None:
        return {}
    source = analysis.source
    encoding = analysis.module.encoding
    before = source if isinstance(source, str) else source.decode(encoding, errors="replace")
    after = new.decode(encoding, errors="replace") if isinstance(new, bytes) else new
    replacements = line_replacements(before, after)
    spans = _function_spans(source)
    fixes: Dict[int, Dict] = {}
    for finding in findings:
        around = [span for span in spans if span[0] <= finding.line <= span[1]]
        if not around:
            continue
        first, last = min(around, key=lambda span: span[1] - span[0])  # the innermost function
        mine = [r for r in replacements if _overlaps(r["deletedRegion"], first, last)]
        if mine:
            fixes[id(finding)] = {
                "description": {"text": f"botolint fix: {finding.code} (the function's change)"},
                "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": mine}],
            }
    return fixes


def _function_spans(source) -> List[Tuple[int, int]]:
    """The lines of each function (its decorators included), from Python's tree."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    return [
        (min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _overlaps(region: Dict, first: int, last: int) -> bool:
    start, end = region["startLine"], region["endLine"]  # lines [start, end); an insertion when equal
    return start <= last and max(end - 1, start) >= first


def line_replacements(before: str, after: str) -> List[Dict]:
    """SARIF replacements turning ``before`` into ``after``, whole lines at a
    time: each deletes lines [start, end) (an empty region to insert) and
    inserts the new lines' text."""
    old, new = _LINE.findall(before), _LINE.findall(after)
    replacements = []
    matcher = difflib.SequenceMatcher(None, old, new)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        region = {"startLine": i1 + 1, "startColumn": 1, "endLine": i2 + 1, "endColumn": 1}
        replacement: Dict = {"deletedRegion": region}
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(new[j1:j2])}
        replacements.append(replacement)
    return replacements
