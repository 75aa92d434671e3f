"""``--unsafe-fixes`` for AWS105: an argparse script or a click command gets
a ``--profile`` option, a session made from it right after parsing (first
thing in the command), and passes that session to the functions that accept
one (those the AWS101/AWS102 fix rewrote).

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

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

import libcst as cst

from botolint.fix.plan import FilePlan, FixOptions, Leftover, choose_param_name, names_in, visible_boto3_name
from botolint.rule import Finding
from botolint.semantic import Scope, ScopeKind

PROFILE_HELP = "AWS named profile to use"
Block = Union[cst.Module, cst.IndentedBlock]


@dataclass(eq=False)
class ProfileOption:
    """What the fix of one AWS105 finding inserts; the session's name is
    chosen once propagation knows which functions have a session parameter."""

    finding: Finding
    block: Block  # where the session statement goes,
    after: Optional[cst.BaseStatement]  # after this statement of it (None: first)
    scope: Scope  # the scope of that block
    profile: cst.BaseExpression  # ``args.profile`` / ``profile``
    boto3_name: str
    needs_import: bool
    quote: str
    # argparse: ``parser.add_argument("--profile", ...)`` after the parser's statement.
    parser_statement: Optional[cst.SimpleStatementLine] = None
    parser_name: str = ""
    # click: ``@click.option("--profile", ...)`` below the command decorator,
    # and a keyword-only ``profile=None`` parameter.
    command: Optional[cst.FunctionDef] = None
    click_module: Optional[cst.BaseExpression] = None
    decorator_index: int = 0
    # Filled in by ``finish_profile_option``.
    session_name: str = ""
    keeps_parameter: bool = False
    session_statement: Optional[cst.SimpleStatementLine] = None


def plan_profile_option(plan: FilePlan, finding: Finding, options: FixOptions) -> None:
    if not options.unsafe_fixes:
        reason = "needs --unsafe-fixes: adding a --profile option changes the script's command-line interface"
        plan.left.append(_left(finding, reason))
        return
    framework = finding.fix.get("framework")
    if framework == "argparse":
        found = _argparse_shape(plan, finding)
    elif framework == "click":
        found = _click_shape(plan, finding)
    else:
        found = f"{framework or 'these'} commands are not rewritten; add a --profile option by hand"
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
    if scope.kind not in (ScopeKind.FUNCTION, ScopeKind.MODULE):
        return "parse_args() is in a class body"
    if len(scope.lookup(args_name)) != 1:
        return f"`{args_name}` is assigned more than once"
    boto3_name = visible_boto3_name(scope)
    if boto3_name is None and scope.lookup("boto3"):
        return "the name boto3 means something else here"
    profile = cst.Attribute(value=cst.Name(args_name), attr=cst.Name("profile"))
    return ProfileOption(
        finding, block, parse_statement, scope, profile, boto3_name or "boto3", boto3_name is None,
        _usual_quote(collected), parser_statement=parser_statement, parser_name=parser_name,
    )


def _click_shape(plan: FilePlan, finding: Finding) -> Union[ProfileOption, str]:
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
        return "only `@click.command()` commands are rewritten (not groups, their subcommands, or `from click import command`)"
    if "profile" in names_in(command):
        return "the name `profile` is already used in the command"
    if not isinstance(command.body, cst.IndentedBlock):
        return "the command's body is on its `def` line"
    scope = semantic.function_scopes[command]
    boto3_name = visible_boto3_name(scope)
    if boto3_name is None and scope.lookup("boto3"):
        return "the name boto3 means something else here"
    collected = _Collector()
    plan.analysis.module.visit(collected)
    body = command.body.body
    after = body[0] if body and _is_docstring(body[0]) else None
    return ProfileOption(
        finding, command.body, after, scope, cst.Name("profile"), boto3_name or "boto3", boto3_name is None,
        _usual_quote(collected), command=command, click_module=callee.value,
        decorator_index=list(command.decorators).index(decorator) + 1,
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
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
    if option.parser_statement is not None:
        plan.insert_after[option.parser_statement] = [_add_argument(option)]
    if option.command is not None:
        plan.add_decorators[option.command] = (option.decorator_index, _click_option(option))
        plan.add_params[option.command] = "profile"
    option.session_statement = _make_session(option)
    if option.after is not None:
        plan.insert_after.setdefault(option.after, []).append(option.session_statement)
    else:
        plan.insert_first[option.block] = [option.session_statement]
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


def _click_option(option: ProfileOption) -> cst.Decorator:
    q = option.quote
    call = cst.Call(
        func=cst.Attribute(value=option.click_module.deep_clone(), attr=cst.Name("option")),
        args=[
            cst.Arg(cst.SimpleString(f"{q}--profile{q}")),
            cst.Arg(cst.Name("None"), keyword=cst.Name("default"), equal=_no_space_equal()),
            cst.Arg(cst.SimpleString(f"{q}{PROFILE_HELP}{q}"), keyword=cst.Name("help"), equal=_no_space_equal()),
        ],
    )
    return cst.Decorator(decorator=call)


def _make_session(option: ProfileOption) -> cst.SimpleStatementLine:
    """``session = boto3.Session(profile_name=args.profile)``, or, when the
    function already takes ``session``, ``session = session or boto3.Session(...)``."""
    value: cst.BaseExpression = cst.Call(
        func=cst.Attribute(value=cst.Name(option.boto3_name), attr=cst.Name("Session")),
        args=[cst.Arg(option.profile.deep_clone(), keyword=cst.Name("profile_name"), equal=_no_space_equal())],
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
    later = set(body[body.index(option.after) + 1 :] if option.after is not None else body)
    found = []
    for call in calls:
        if plan.semantic.scopes.get(call) is not option.scope:
            continue
        if any(ancestor in later for ancestor in plan.semantic.ancestors(call)):
            found.append(call)
    return found
