"""The planner of ``ProfileOption`` fixes (AWS105, ``--unsafe-fixes``): an
argparse script or a click command gets a ``--profile`` option and a session
made from it right after parsing (first thing in the command). The session is
a ``SessionSource``: propagation passes it to the calls after it that accept
one, like a parameter.

Unsafe because it changes the script's command-line interface, and because a
``boto3.Session(profile_name=None)`` made from it is a new session, not the
default one (``setup_default_session`` no longer applies below it).

Only simple shapes are rewritten: ``parser = argparse.ArgumentParser(...)``
and ``args = parser.parse_args(...)`` as statements of the same function (or
both at module level, or a ``build_parser()`` returning the parser), and a
function decorated ``@click.command(...)``. Anything else is listed as left,
with the reason.
"""

from __future__ import annotations

from typing import List, Optional, Tuple, Union

import libcst as cst

from botolint.fix.build import keyword_arg, string
from botolint.fix.model import FilePlan, SessionSource
from botolint.fix.options import FixOptions
from botolint.fix.names import visible_boto3_name
from botolint.fix.calls import leftover
from botolint.rule import Finding
from botolint.semantic import Scope, ScopeKind
from botolint.statements import is_docstring

PROFILE_HELP = "AWS named profile to use"


def plan_profile_options(plan: FilePlan, findings: List[Finding], options: FixOptions) -> None:
    for finding in findings:
        framework = finding.fix.framework
        if framework == "argparse":
            found = _argparse_source(plan, finding)
        elif framework == "click":
            found = _click_source(plan, finding)
        else:
            found = f"{framework or 'these'} commands are not rewritten; add a --profile option by hand"
        if isinstance(found, str):
            plan.left.append(leftover(finding, f"not fixable: {found}"))
        else:
            plan.sources.append(found)


def _argparse_source(plan: FilePlan, finding: Finding) -> Union[SessionSource, str]:
    """The parser and parse_args() statements, or why they cannot be used.
    parse_args() is called on the parser's name where it is made, or on what
    the function making it returns (``build_parser().parse_args()``, or
    ``parser = build_parser()`` then ``parser.parse_args()``)."""
    semantic = plan.semantic
    parser_statement, parser_name = _assigned_statement(plan, finding.node)
    if parser_statement is None:
        return "the ArgumentParser(...) is not assigned to a name by a statement of its own"
    parser_scope = semantic.scope_of(finding.node)
    if len(parser_scope.lookup(parser_name)) != 1:
        return f"`{parser_name}` is assigned more than once"
    builder = _builder(plan, parser_scope, parser_name)
    parse_calls = [call for call in semantic.call_order if _parses(plan, call, parser_scope, parser_name, builder)]
    if not parse_calls:
        return (
            f"no `{parser_name}.parse_args()` next to the parser "
            "(parse_known_args() and parsers passed around are not followed)"
        )
    if len(parse_calls) > 1:
        return f"the parser's parse_args() is called {len(parse_calls)} times"
    parse_statement, args_name = _assigned_statement(plan, parse_calls[0])
    if parse_statement is None:
        return "the result of parse_args() is not assigned to a name"
    if parse_statement is parser_statement:
        return "the parser is made and parsed on one line"
    block = semantic.parent_of(parse_statement)
    if not isinstance(block, (cst.Module, cst.IndentedBlock)):
        return "parse_args() is not in a block of statements"
    scope = semantic.scope_of(parse_calls[0])
    if scope.kind not in (ScopeKind.FUNCTION, ScopeKind.MODULE):
        return "parse_args() is in a class body"
    if len(scope.lookup(args_name)) != 1:
        return f"`{args_name}` is assigned more than once"
    boto3_name = visible_boto3_name(scope)
    if boto3_name is None and scope.lookup("boto3"):
        return "the name boto3 means something else here"
    quote = _usual_quote(plan)
    add_argument = cst.Call(
        func=cst.Attribute(value=cst.Name(parser_name), attr=cst.Name("add_argument")),
        args=[cst.Arg(string("--profile", quote)), keyword_arg("help", string(PROFILE_HELP, quote))],
    )
    return SessionSource(
        scope, block, parse_statement, cst.Attribute(value=cst.Name(args_name), attr=cst.Name("profile")),
        boto3_name or "boto3", boto3_name is None, finding, f"`{parser_name}`",
        option_after={parser_statement: cst.SimpleStatementLine(body=[cst.Expr(add_argument)])},
    )


def _click_source(plan: FilePlan, finding: Finding) -> Union[SessionSource, str]:
    """``@click.command(...)`` on a function: the option goes below that
    decorator, the session first thing in the function's body."""
    semantic = plan.semantic
    callee = finding.node.func if isinstance(finding.node, cst.Call) else finding.node
    decorator = semantic.parent_of(finding.node)
    command = semantic.parent_of(decorator) if isinstance(decorator, cst.Decorator) else None
    if not isinstance(command, cst.FunctionDef):
        return "the command decorator is not found"
    names = semantic.qualified_names(callee, semantic.scope_of(command))
    if "click.command" not in names or not isinstance(callee, cst.Attribute):
        return (
            "only `@click.command()` commands are rewritten "
            "(not groups, their subcommands, or `from click import command`)"
        )
    if "profile" in semantic.names_used_in(command):
        return "the name `profile` is already used in the command"
    if not isinstance(command.body, cst.IndentedBlock):
        return "the command's body is on its `def` line"
    scope = semantic.scope_created_by[command]
    boto3_name = visible_boto3_name(scope)
    if boto3_name is None and scope.lookup("boto3"):
        return "the name boto3 means something else here"
    quote = _usual_quote(plan)
    body = command.body.body
    after = body[0] if body and is_docstring(body[0]) else None
    option = cst.Call(
        func=cst.Attribute(value=callee.value.deep_clone(), attr=cst.Name("option")),
        args=[
            cst.Arg(string("--profile", quote)),
            keyword_arg("default", cst.Name("None")),
            keyword_arg("help", string(PROFILE_HELP, quote)),
        ],
    )
    index = list(command.decorators).index(decorator) + 1
    return SessionSource(
        scope, command.body, after, cst.Name("profile"), boto3_name or "boto3", boto3_name is None,
        finding, f"{command.name.value}()",
        option_decorators={command: (index, cst.Decorator(decorator=option))},
        option_params={command: "profile"},
    )



def _builder(plan: FilePlan, parser_scope: Scope, parser_name: str) -> Optional[cst.FunctionDef]:
    """The function that makes the parser and returns it, if any."""
    function = parser_scope.node
    if not isinstance(function, cst.FunctionDef):
        return None
    for node, scope in plan.semantic.scope_by_node.items():
        if type(node) is cst.Return and scope is parser_scope:
            if isinstance(node.value, cst.Name) and node.value.value == parser_name:
                return function
    return None


def _parses(
    plan: FilePlan, call: cst.Call, parser_scope: Scope, parser_name: str, builder: Optional[cst.FunctionDef]
) -> bool:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "parse_args"):
        return False
    scope = plan.semantic.scope_by_node.get(call)
    target = func.value
    if isinstance(target, cst.Name) and target.value == parser_name and scope is parser_scope:
        return True
    if builder is None or scope is None:
        return False
    if isinstance(target, cst.Name):  # parser = build_parser(); parser.parse_args()
        bindings = scope.lookup(target.value)
        target = bindings[0].value if len(bindings) == 1 else None
    return isinstance(target, cst.Call) and _calls_function(target, builder, scope)


def _calls_function(call: cst.Call, function: cst.FunctionDef, scope: Scope) -> bool:
    if not isinstance(call.func, cst.Name) or call.args:
        return False
    bindings = scope.lookup(call.func.value)
    return len(bindings) == 1 and bindings[0].node is function


def _assigned_statement(plan: FilePlan, call: cst.Call) -> Tuple[Optional[cst.SimpleStatementLine], str]:
    """``(statement, name)`` when ``call`` is the whole value of ``name = call``."""
    assign = plan.semantic.parent_of(call)
    if (
        not isinstance(assign, cst.Assign)
        or len(assign.targets) != 1
        or not isinstance(assign.targets[0].target, cst.Name)
    ):
        return None, ""
    statement = plan.semantic.parent_of(assign)
    if not isinstance(statement, cst.SimpleStatementLine):
        return None, ""
    return statement, assign.targets[0].target.value


def _usual_quote(plan: FilePlan) -> str:
    """The file's usual quote for short strings (double when undecided);
    docstrings and other triple-quoted text do not count."""
    counts = {"'": 0, '"': 0}
    for node in plan.semantic.scope_by_node:
        if type(node) is cst.SimpleString and node.quote in counts:
            counts[node.quote] += 1
    return "'" if counts["'"] > counts['"'] else '"'


def calls_after(plan: FilePlan, source: SessionSource) -> List[cst.Call]:
    """The calls that run after the source's statement: in the same scope,
    inside a statement that follows it in its block."""
    body = list(source.block.body)
    later = set(body[body.index(source.after) + 1 :] if source.after is not None else body)
    return [
        call
        for call in plan.semantic.calls.get(source.scope.owner, [])
        if plan.semantic.scope_of(call) is source.scope
        and any(ancestor in later for ancestor in plan.semantic.ancestors(call))
    ]
