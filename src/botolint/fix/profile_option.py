"""``--unsafe-fixes`` for AWS105: an argparse script gets a ``--profile``
option, a session made from it right after parsing, and passes that session
to the functions that accept one (those the AWS101/AWS102 fix rewrote).

Unsafe because it changes the script's command-line interface, and because a
``boto3.Session(profile_name=None)`` made from it is a new session, not the
default one (``setup_default_session`` no longer applies below it).

Only the simple shape is rewritten: ``parser = argparse.ArgumentParser(...)``
and ``args = parser.parse_args(...)`` as statements of the same function (or
both at module level). Anything else is listed as left, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

import libcst as cst

from botolint.fix.plan import FilePlan, FixOptions, Leftover, choose_param_name, names_in, visible_boto3_name
from botolint.rule import Finding
from botolint.semantic import Scope

CODE = "AWS105"
PROFILE_HELP = "AWS named profile to use"
Block = Union[cst.Module, cst.IndentedBlock]


@dataclass(eq=False)
class ProfileOption:
    """What the fix of one AWS105 finding inserts; the session's name is
    chosen once propagation knows which functions have a session parameter."""

    finding: Finding
    parser_statement: cst.SimpleStatementLine
    parse_statement: cst.SimpleStatementLine
    block: Block  # the block holding ``parse_statement``
    scope: Scope  # where parser and parse_args() are
    parser_name: str
    args_name: str
    boto3_name: str
    needs_import: bool
    quote: str
    # Filled in by ``finish_profile_option``.
    session_name: str = ""
    keeps_parameter: bool = False


def plan_profile_option(plan: FilePlan, finding: Finding, options: FixOptions) -> None:
    if not options.unsafe_fixes:
        reason = "needs --unsafe-fixes: adding a --profile option changes the script's command-line interface"
        plan.left.append(_left(finding, reason))
        return
    framework = finding.fix.get("framework")
    if framework != "argparse":
        plan.left.append(_left(finding, f"not fixable: {framework or 'this'} commands are not rewritten; add a --profile option by hand"))
        return
    found = _argparse_shape(plan, finding)
    if isinstance(found, str):
        plan.left.append(_left(finding, f"not fixable: {found}"))
        return
    plan.profile_option = found


def _left(finding: Finding, reason: str) -> Leftover:
    return Leftover(finding.line, finding.column, finding.code, reason)


def _argparse_shape(plan: FilePlan, finding: Finding) -> Union[ProfileOption, str]:
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
    collected = _Collector()
    plan.analysis.module.visit(collected)
    builder = _builder(plan, parser_scope, parser_name, collected)
    parse_calls = [call for call in collected.calls if _parses(plan, call, parser_scope, parser_name, builder)]
    if not parse_calls:
        return f"no `{parser_name}.parse_args()` next to the parser (parse_known_args() and parsers passed around are not followed)"
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
    scope = semantic.scopes[parse_calls[0]]
    if len(scope.lookup(args_name)) != 1:
        return f"`{args_name}` is assigned more than once"
    boto3_name = visible_boto3_name(scope)
    needs_import = boto3_name is None
    if needs_import and scope.lookup("boto3"):
        return "the name boto3 means something else here"
    return ProfileOption(
        finding, parser_statement, parse_statement, block, scope, parser_name, args_name,
        boto3_name or "boto3", needs_import, _usual_quote(collected),
    )


def _builder(plan: FilePlan, parser_scope: Scope, parser_name: str, collected: "_Collector") -> Optional[cst.FunctionDef]:
    """The function that makes the parser and returns it, if any."""
    function = parser_scope.node
    if not isinstance(function, cst.FunctionDef):
        return None
    for node in collected.returns:
        if isinstance(node.value, cst.Name) and node.value.value == parser_name and plan.semantic.scopes.get(node) is parser_scope:
            return function
    return None


def _parses(plan: FilePlan, call: cst.Call, parser_scope: Scope, parser_name: str, builder: Optional[cst.FunctionDef]) -> bool:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "parse_args"):
        return False
    scope = plan.semantic.scopes.get(call)
    target = func.value
    if isinstance(target, cst.Name) and target.value == parser_name and scope is parser_scope:
        return True
    if builder is None or scope is None:
        return False
    if isinstance(target, cst.Name):  # parser = build_parser(); parser.parse_args()
        bindings = scope.lookup(target.value)
        target = bindings[0].value if len(bindings) == 1 else None
    return isinstance(target, cst.Call) and _calls_function(plan, target, builder, scope)


def _calls_function(plan: FilePlan, call: cst.Call, function: cst.FunctionDef, scope: Scope) -> bool:
    if not isinstance(call.func, cst.Name) or call.args:
        return False
    bindings = scope.lookup(call.func.value)
    return len(bindings) == 1 and bindings[0].node is function


def _assigned_statement(plan: FilePlan, call: cst.Call) -> Tuple[Optional[cst.SimpleStatementLine], str]:
    """``(statement, name)`` when ``call`` is the whole value of ``name = call``."""
    assign = plan.semantic.parent_of(call)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None, ""
    statement = plan.semantic.parent_of(assign)
    if not isinstance(statement, cst.SimpleStatementLine):
        return None, ""
    return statement, assign.targets[0].target.value


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: List[cst.Call] = []
        self.returns: List[cst.Return] = []
        self.quotes: Dict[str, int] = {"'": 0, '"': 0}

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if node.quote in self.quotes:  # not docstrings and other triple-quoted text
            self.quotes[node.quote] += 1


def _usual_quote(collected: _Collector) -> str:
    """The file's usual quote for short strings (double when undecided)."""
    return "'" if collected.quotes["'"] > collected.quotes['"'] else '"'


# -- after propagation -------------------------------------------------------


def finish_profile_option(plan: FilePlan, options: FixOptions) -> Optional[str]:
    """Choose the session's name and queue the new statements. Returns the
    name calls after parse_args() should pass (None: propagation already
    passes the function's own session parameter, or nothing is done)."""
    option = plan.profile_option
    if option is None:
        return None
    owner = option.scope.node
    param = plan.sessions.get(owner) if isinstance(owner, cst.FunctionDef) else None
    if param is not None:
        # The function already receives a session: keep a caller's, else use the profile.
        option.session_name, option.keeps_parameter = param.name, True
    else:
        name = choose_param_name(owner, options.param_name) if isinstance(owner, cst.FunctionDef) else _free_module_name(plan, options)
        if name is None:
            plan.left.append(_left(option.finding, f"not fixable: the names {options.param_name!r} and 'boto3_session' are taken"))
            plan.profile_option = None
            return None
        option.session_name = name
    plan.needs_boto3_import |= option.needs_import
    plan.insert_after[option.parser_statement] = [_add_argument(option)]
    plan.insert_after[option.parse_statement] = [_make_session(option)]
    return None if option.keeps_parameter else option.session_name


def _free_module_name(plan: FilePlan, options: FixOptions) -> Optional[str]:
    used = names_in(plan.analysis.module)
    return next((name for name in (options.param_name, "boto3_session") if name not in used), None)


def _add_argument(option: ProfileOption) -> cst.SimpleStatementLine:
    q = option.quote
    call = cst.Call(
        func=cst.Attribute(value=cst.Name(option.parser_name), attr=cst.Name("add_argument")),
        args=[
            cst.Arg(cst.SimpleString(f"{q}--profile{q}")),
            cst.Arg(cst.SimpleString(f"{q}{PROFILE_HELP}{q}"), keyword=cst.Name("help"), equal=_no_space_equal()),
        ],
    )
    return cst.SimpleStatementLine(body=[cst.Expr(call)])


def _make_session(option: ProfileOption) -> cst.SimpleStatementLine:
    """``session = boto3.Session(profile_name=args.profile)``, or, when the
    function already takes ``session``, ``session = session or boto3.Session(...)``."""
    profile = cst.Attribute(value=cst.Name(option.args_name), attr=cst.Name("profile"))
    value: cst.BaseExpression = cst.Call(
        func=cst.Attribute(value=cst.Name(option.boto3_name), attr=cst.Name("Session")),
        args=[cst.Arg(profile, keyword=cst.Name("profile_name"), equal=_no_space_equal())],
    )
    if option.keeps_parameter:
        value = cst.BooleanOperation(left=cst.Name(option.session_name), operator=cst.Or(), right=value)
    assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(option.session_name))], value=value)
    return cst.SimpleStatementLine(body=[assign])


def _no_space_equal() -> cst.AssignEqual:
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def calls_after_parsing(plan: FilePlan, calls: List[cst.Call]) -> List[cst.Call]:
    """The calls of ``calls`` that run after the session statement: in the
    same scope, inside a statement that follows parse_args() in its block."""
    option = plan.profile_option
    if option is None:
        return []
    body = list(option.block.body)
    later = set(body[body.index(option.parse_statement) + 1 :])
    found = []
    for call in calls:
        if plan.semantic.scopes.get(call) is not option.scope:
            continue
        if any(ancestor in later for ancestor in plan.semantic.ancestors(call)):
            found.append(call)
    return found
