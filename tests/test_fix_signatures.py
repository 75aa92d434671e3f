"""Property test: for any signature, the fix adds exactly one keyword-only
``session=None`` in the right place and nothing else changes.

The functions are generated here and only *defined* (never called) to read
their signatures with ``inspect``: this is our generated test code, not code
under analysis."""

from __future__ import annotations

import inspect
import keyword

from hypothesis import given, settings
from hypothesis import strategies as st

from botolint.engine import analyze_source
from botolint.fix.options import FixOptions
from botolint.fix.plan import plan_file
from botolint.fix.propagate import Project, propagate
from botolint.fix.rewrite import rewritten_source

NAMES = st.sampled_from(["bucket", "key", "region", "body", "limit", "session", "boto3_session", "sessions"])


@st.composite
def signatures(draw):
    names = draw(st.lists(NAMES, min_size=0, max_size=7, unique=True))
    names = [name for name in names if not keyword.iskeyword(name)]
    cut = sorted(draw(st.lists(st.integers(0, len(names)), min_size=3, max_size=3)))
    posonly, normal, kwonly = names[: cut[0]], names[cut[0] : cut[1]], names[cut[1] : cut[2]]
    rest = names[cut[2] :]
    star = draw(st.sampled_from(["", "*args"] if not kwonly else ["*", "*args"]))
    kwargs = "**extra" if rest or draw(st.booleans()) else ""
    annotate = draw(st.booleans())
    first_default = draw(st.integers(0, len(posonly) + len(normal)))

    def param(name, index=None, kw=False):
        text = f"{name}: int" if annotate else name
        has_default = draw(st.booleans()) if kw else index is not None and index >= first_default
        return text + (" = 0" if annotate and has_default else "=0" if has_default else "")

    items = [param(name, i) for i, name in enumerate(posonly)]
    if posonly:
        items.append("/")
    items += [param(name, len(posonly) + i) for i, name in enumerate(normal)]
    if star:
        items.append(star + (": int" if annotate and star == "*args" else ""))
    items += [param(name, kw=True) for name in kwonly]
    if kwargs:
        items.append(kwargs + (": int" if annotate else ""))
    layout = draw(st.sampled_from(["line", "per-line", "per-line-trailing", "hanging"]))
    if layout == "line" or not items:
        params = ", ".join(items)
    elif layout == "hanging":
        params = "\n    " + ", ".join(items) + "\n"
    else:
        comments = [draw(st.sampled_from(["", "  # note"])) for _ in items]
        lines = [f"    {item}," + comment for item, comment in zip(items, comments)]
        if layout == "per-line":  # no trailing comma
            lines[-1] = f"    {items[-1]}" + comments[-1]
        params = "\n" + "".join(line + "\n" for line in lines)
    returns = " -> int" if annotate else ""
    body = '    return boto3.client("s3")\n'
    return f"import boto3\n\n\ndef target({params}){returns}:\n{body}"


def _signature(source: str) -> inspect.Signature:
    namespace: dict = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return inspect.signature(namespace["target"])


def _fix(source: str) -> str:
    analysis = analyze_source(source, "generated.py")
    plan = plan_file(analysis, analysis.findings, FixOptions())
    propagate(Project([plan], []))
    data = rewritten_source(plan)
    return source if data is None else data.decode("utf-8")


@settings(max_examples=150, deadline=None, database=None)
@given(signatures())
def test_one_keyword_only_session_parameter_is_added(source):
    before = _signature(source)
    fixed = _fix(source)
    after = _signature(fixed)
    names = set(before.parameters)
    if {"session", "boto3_session"} <= names:
        assert fixed == source  # both names taken: left, and reported
        return
    added = [p for p in after.parameters.values() if p.name not in names]
    assert len(added) == 1, fixed
    new = added[0]
    assert new.name == ("boto3_session" if "session" in names else "session"), fixed
    assert new.kind is inspect.Parameter.KEYWORD_ONLY and new.default is None
    kept = [p for p in after.parameters.values() if p.name in names]
    assert kept == list(before.parameters.values()), fixed
    order = list(after.parameters.values())
    assert all(p.kind is inspect.Parameter.VAR_KEYWORD for p in order[order.index(new) + 1 :]), fixed
    assert _fix(fixed) == fixed  # idempotent
    assert fixed.count("# note") == source.count("# note")
