"""AWS105: command-line scripts whose user cannot choose an AWS profile."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from botolint.fixes import Applicability, ProfileOption
from botolint.kinds import SESSION_CLASS, Ref
from botolint.objects import default_session_factory, module_values, optional_session_factory
from botolint.rules._boto3 import Boto3Call, bound_arguments
from botolint.profile_options import declares_profile_option, names_profile
from botolint.usage import makes_requests
from botolint.rule import Context, Rule
from botolint.objects import string_value
from botolint.rules._boto3 import bindings_of
from botolint.semantic import BindingKind

PARSER_CLASSES = ("argparse.ArgumentParser",)
CLICK_COMMANDS = ("click.command", "click.group")
TYPER_APP = "typer.Typer"
TYPER_RUN = "typer.run"
SETUP_DEFAULT_SESSION = "boto3.setup_default_session"
# Methods of a click group or Typer app that register a command (or, for
# Typer's callback, the app's own options).
COMMAND_METHODS = frozenset({"command", "group", "callback"})
# Methods of a parser that make one to which options are added too.
SUBPARSER_METHODS = frozenset({"add_parser", "add_argument_group", "add_mutually_exclusive_group"})


class MissingProfileOption(Rule):
    """
    ## What it does
    Flags a command-line script that creates clients or resources from the
    default session (`boto3.client(...)` / `boto3.resource(...)` anywhere in
    the module), or Sessions without a profile (`boto3.Session()` without
    `profile_name` reads the same environment), but gives its user no option
    to choose the AWS profile.

    A module is a command-line script when it builds an
    `argparse.ArgumentParser(...)`, decorates a function with
    `@click.command(...)` / `@click.group(...)`, registers one with
    `@app.command()` / `@app.callback()` on a `typer.Typer()` app, or calls
    `typer.run(main)`. It has a profile option when any of these mentions
    `profile` (so `--profile`, `--aws-profile` and `profile_name` all count):
    an option string given to `add_argument(...)`, `click.option(...)`,
    `click.argument(...)`, `typer.Option(...)` or `typer.Argument(...)`, or a
    parameter name of a click or Typer command function. It also needs no
    option when it chooses the profile itself: somewhere it passes
    `profile_name=` a value that is not a literal to `boto3.Session(...)` or
    `boto3.setup_default_session(...)` (an account record's `profile`, a
    configuration value, a parameter), or it passes such a profile value (a
    name, attribute or key mentioning `profile`) to a function or class of
    its own whose name mentions `session` (`SessionFactory(region, profile)`,
    `get_session(account.get("profile"))`). A literal, or a module constant
    assigned one, chooses nothing for the user, and neither does a
    module-level function the script never uses.

    The finding is reported once per module, at the first parser construction
    or command decorator.

    A parser built with `parents=[...]` is assumed to get a profile option
    from its parents, which often live in a shared module.

    Options declared elsewhere in the project count too (the project layer
    follows them into other modules): a decorator of the command
    (`@aws_options`, which applies `click.option("--profile", ...)`, the way
    aws-sam-cli's `aws_creds_options` does), or a function the parser (or
    one of its argument groups or subparsers) is given
    (`add_aws_arguments(parser)`), when it or a function it calls or nests
    declares one. When such a decorator or function is named in the project
    but cannot be read (its module does not parse), no finding: that it
    declares none is not established.

    Not detected: parsers built from subclasses of `ArgumentParser`, `docopt`
    and `fire` scripts, options that a third-party package's decorator adds.

    ## Why is this bad?
    A script bound to the default session runs with whatever credentials the
    environment happens to hold. Its user can still set `AWS_PROFILE`, but
    nothing in `--help` says so, and a wrong guess sends the script to the
    wrong account. Taking `--profile` like the AWS CLI, and building
    `boto3.Session(profile_name=args.profile)` from it, makes the choice
    explicit and keeps the default when the option is not given.

    ## Example
    ```python
    import argparse

    import boto3

    def main():
        parser = argparse.ArgumentParser(description="List buckets")
        parser.parse_args()
        for bucket in boto3.client("s3").list_buckets()["Buckets"]:
            print(bucket["Name"])
    ```

    ## Use instead
    ```python
    import argparse

    import boto3

    def main():
        parser = argparse.ArgumentParser(description="List buckets")
        parser.add_argument("--profile", help="AWS profile (default: the environment's)")
        args = parser.parse_args()
        session = boto3.Session(profile_name=args.profile)
        for bucket in session.client("s3").list_buckets()["Buckets"]:
            print(bucket["Name"])
    ```

    ## Fix safety
    Unsafe: `botolint fix --unsafe-fixes` fixes argparse scripts and click
    commands; without the flag the finding is listed as left. It changes the script's command-line
    interface (a new `--profile` option, which must come before a subcommand's
    name), and the session made from it is a new `boto3.Session`, so a
    `boto3.setup_default_session(...)` in the script no longer applies to the
    functions that receive it. When `--profile` is not given,
    `boto3.Session(profile_name=None)` resolves credentials and region from
    the environment and config files as the default session would.

    The fix handles `parser = argparse.ArgumentParser(...)` and
    `args = parser.parse_args(...)` as statements of the same function (or
    both at module level), or a `build_parser()` function that makes and
    returns the parser, parsed as `args = build_parser().parse_args(...)` or
    `parser = build_parser()` then `args = parser.parse_args(...)`: it adds
    `parser.add_argument("--profile", help="AWS named profile to use")` after
    the first (in the file's usual quotes), and
    `session = boto3.Session(profile_name=args.profile)` after the second
    (adding `import boto3` if needed, reusing an alias), then passes
    `session=session` to calls after it, in the same function, of functions
    that accept a session (those the AWS101/AWS102 fix rewrote in the same
    run, or that already took one). When that function has a session
    parameter itself, the line is `session = session or boto3.Session(...)`,
    so a session passed by a caller still wins. When `session` is taken,
    `boto3_session` is used.

    For a function decorated `@click.command(...)` it adds
    `@click.option("--profile", default=None, help="AWS named profile to use")`
    below that decorator, a keyword-only `profile=None` parameter, and
    `session = boto3.Session(profile_name=profile)` as the first statement
    (after the docstring), then passes the session the same way.

    Left with a reason: Typer commands, click groups and the commands
    registered on them (`@cli.command()`; the session would have to travel
    through the click context), `from click import command`, a command that
    already uses the name `profile`, parsers not assigned to a
    name, parsers passed around in other ways (as arguments, through other
    files), `parse_args()` whose result is not assigned to a name or that is
    called more than once, `parse_known_args()`, and names assigned more than
    once.

    ## Where it does not apply
    A script whose clients never make a request (they only read boto3's
    models or the client's class) uses no credentials: nothing to choose.

    Not in test code (see AWS101; `test-code = "report"` reports it there
    too): a script under `tests/` is one the test harness runs, not a tool for
    users. Not in maintainers' one-off scripts (`script-paths`, see AWS101:
    files under `scripts/`, `tools/dev/`, `benchmark*/`, `integration-tests/`
    outside a Python package), which run with the developer's own credentials.

    ## References
    - boto3 credentials guide (profiles): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html
    - AWS CLI `--profile`: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
    """

    code = "AWS105"
    in_test_code = False
    in_scripts = False
    name = "missing-profile-option"
    title = "Command-line script using the default session without a --profile option"
    message = (
        "This command-line script uses the default session but has no --profile option: "
        "add one and create boto3.Session(profile_name=...) from it"
    )

    fix_applicability = Applicability.UNSAFE
    UNSAFE_REASON = "needs --unsafe-fixes: adding a --profile option changes the script's command-line interface"

    def __init__(self) -> None:
        self._uses_default_session = False
        self._has_profile_option = False
        self._anchor: Optional[cst.CSTNode] = None
        self._framework = ""
        # Decorators of commands, and calls given a parser: code elsewhere
        # that may add the option, asked about only when nothing here does.
        self._may_add_options: List[Ref] = []

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        if (
            default_session_factory(node, ctx.semantic) is not None
            or optional_session_factory(node, ctx.semantic) is not None
        ):
            # The AWS101/AWS102 fix's ``(session or boto3).client(...)`` still
            # uses the default session when, as in this script, none is passed.
            self._uses_default_session |= makes_requests(node, ctx.semantic)
        elif ctx.resolves_to(node.func, SESSION_CLASS):
            if not _names_a_profile(node):
                # boto3.Session() without profile_name reads the same environment.
                self._uses_default_session = True
            elif _profile_from_a_value(node, SESSION_CLASS, ctx) and _runs(node, ctx):
                self._has_profile_option = True
        elif ctx.resolves_to(node.func, SETUP_DEFAULT_SESSION):
            if _profile_from_a_value(node, SETUP_DEFAULT_SESSION, ctx) and _runs(node, ctx):
                self._has_profile_option = True
        elif ctx.resolves_to(node.func, *PARSER_CLASSES):
            self._anchor_at(node, "argparse")
            if any(arg.keyword is not None and arg.keyword.value == "parents" for arg in node.args):
                # A parent parser, often shared across scripts, may define --profile.
                self._has_profile_option = True
        elif ctx.resolves_to(node.func, TYPER_RUN):
            self._anchor_at(node, "typer")
            if node.args and self._function_takes_profile(node.args[0].value, ctx):
                self._has_profile_option = True
        elif declares_profile_option(node, ctx.semantic):
            self._has_profile_option = True
        elif _passes_a_profile_to_a_session_maker(node, ctx) and _runs(node, ctx):
            self._has_profile_option = True
        elif any(_is_a_parser(arg.value, ctx) for arg in node.args):
            self._may_add_options += _refs(node.func, ctx)

    def visit_FunctionDef(self, node: cst.FunctionDef, ctx: Context) -> None:
        for decorator in node.decorators:
            framework = self._command_framework(decorator.decorator, ctx)
            if framework is None:
                continue
            self._anchor_at(decorator.decorator, framework)
            if any(names_profile(param.name.value) for param in _parameters(node)):
                self._has_profile_option = True
            self._may_add_options += [
                ref for other in node.decorators if other is not decorator for ref in _refs(other.decorator, ctx)
            ]

    def finish(self, ctx: Context) -> None:
        if self._uses_default_session and self._anchor is not None and not self._has_profile_option:
            if any(ctx.project.may_declare_profile_option(ref) for ref in dict.fromkeys(self._may_add_options)):
                return
            fix = ProfileOption(
                anchor=self._anchor, framework=self._framework,
                applicability=Applicability.UNSAFE, unsafe_reason=self.UNSAFE_REASON,
            )
            ctx.report(self, self._anchor, fix=fix)

    def _anchor_at(self, node: cst.CSTNode, framework: str) -> None:
        if self._anchor is None:
            self._anchor, self._framework = node, framework

    def _command_framework(self, decorator: cst.BaseExpression, ctx: Context) -> Optional[str]:
        """"click" or "typer" when ``decorator`` makes the function a command."""
        callee = decorator.func if isinstance(decorator, cst.Call) else decorator
        if ctx.resolves_to(callee, *CLICK_COMMANDS):
            return "click"
        if isinstance(callee, cst.Attribute) and callee.attr.value in COMMAND_METHODS:
            return self._command_registry(callee.value, ctx)
        return None

    @staticmethod
    def _command_registry(expr: cst.BaseExpression, ctx: Context) -> Optional[str]:
        """"typer" for a name bound to ``typer.Typer()``, "click" for one bound
        to a function decorated ``@click.group``."""
        if not isinstance(expr, cst.Name):
            return None
        for binding in bindings_of(expr, ctx):
            value = binding.value
            if isinstance(value, cst.Call) and ctx.resolves_to(value.func, TYPER_APP):
                return "typer"
            if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.FunctionDef):
                for decorator in binding.node.decorators:
                    callee = decorator.decorator
                    callee = callee.func if isinstance(callee, cst.Call) else callee
                    if ctx.resolves_to(callee, "click.group"):
                        return "click"
        return None

    @staticmethod
    def _function_takes_profile(expr: cst.BaseExpression, ctx: Context) -> bool:
        """For ``typer.run(main)``: whether ``main`` has a profile parameter."""
        if not isinstance(expr, cst.Name):
            return False
        return any(
            binding.kind is BindingKind.DEFINITION
            and isinstance(binding.node, cst.FunctionDef)
            and any(names_profile(param.name.value) for param in _parameters(binding.node))
            for binding in bindings_of(expr, ctx)
        )


def _refs(expr: cst.BaseExpression, ctx: Context) -> List[Ref]:
    """What a decorator or a callee names, ``@options(...)``'s function for a call."""
    callee = expr.func if isinstance(expr, cst.Call) else expr
    return [ref for ref in module_values(ctx).callee_refs(callee) if ref[0] != "param"]


def _is_a_parser(expr: cst.BaseExpression, ctx: Context) -> bool:
    """A name bound to an ``ArgumentParser(...)``, a subparser or an argument group."""
    if not isinstance(expr, cst.Name):
        return False
    return any(
        isinstance(binding.value, cst.Call)
        and (
            ctx.resolves_to(binding.value.func, *PARSER_CLASSES)
            or (isinstance(binding.value.func, cst.Attribute) and binding.value.func.attr.value in SUBPARSER_METHODS)
        )
        for binding in bindings_of(expr, ctx)
    )


def _profile_from_a_value(call: cst.Call, callee: str, ctx: Context) -> bool:
    """``Session(profile_name=account["profile"])``: the script chooses the
    profile itself, from something other than a literal (a config value, an
    account record, a parameter). ``profile_name="dev"`` chooses nothing for
    the user."""
    if callee == SESSION_CLASS:
        argument = bound_arguments(Boto3Call("session", SESSION_CLASS, call)).get("profile_name")
    else:
        keywords = (arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "profile_name")
        argument = next(keywords, None)
    return argument is not None and not argument.star and not _is_literal(argument.value, ctx, depth=0)


def _passes_a_profile_to_a_session_maker(call: cst.Call, ctx: Context) -> bool:
    """``SessionFactory(region, profile)``, ``get_session(account.get("profile"))``:
    a profile value the script read, given to a function or class of its own
    whose name says it makes sessions."""
    callee = call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", "")
    if not isinstance(callee, str) or "session" not in callee.lower():
        return False
    return any(
        not arg.star and not _is_literal(arg.value, ctx, depth=0)
        and ((arg.keyword is not None and names_profile(arg.keyword.value)) or _mentions_profile(arg.value))
        for arg in call.args
    )


def _mentions_profile(expr: cst.BaseExpression) -> bool:
    """``profile``, ``args.aws_profile``, ``account["profile"]``, ``account.get("profile")``."""
    if isinstance(expr, cst.Name):
        return names_profile(expr.value)
    if isinstance(expr, cst.Attribute):
        return names_profile(expr.attr.value)
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        return names_profile(string_value(expr.slice[0].slice.value) or "")
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
        return bool(expr.args) and names_profile(string_value(expr.args[0].value) or "")
    return False


def _runs(call: cst.Call, ctx: Context) -> bool:
    """Whether the script runs ``call``: at module scope, in a method or nested
    function, or in a module-level function the module refers to (calls,
    passes on) or decorates. A helper nobody in the script uses chooses
    nothing for it."""
    owner = ctx.scope_of(call).owner
    if not isinstance(owner, cst.FunctionDef) or ctx.scope_of(owner).owner is not None:
        return True
    bindings = [b for b in ctx.semantic.module_scope.bindings.get(owner.name.value, []) if b.node is owner]
    if not bindings:
        return True  # a method: its uses are not followed
    return bool(owner.decorators) or bool(ctx.semantic.reads_of(bindings[0]))


def _is_literal(expr: cst.BaseExpression, ctx: Context, depth: int) -> bool:
    """A string, a number or None, or a name only ever assigned one (``PROFILE = "ops"``)."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.FormattedString):
        return not any(isinstance(part, cst.FormattedStringExpression) for part in expr.parts)
    if isinstance(expr, cst.Name):
        if expr.value in ("None", "True", "False"):
            return True
        bindings = bindings_of(expr, ctx)
        return bool(bindings) and depth < 3 and all(
            binding.kind is BindingKind.ASSIGNMENT and binding.value is not None
            and _is_literal(binding.value, ctx, depth + 1)
            for binding in bindings
        )
    return False


def _names_a_profile(call: cst.Call) -> bool:
    """``boto3.Session(profile_name=...)``, by keyword or position (a ``**kwargs`` may hold one)."""
    arguments = bound_arguments(Boto3Call("session", SESSION_CLASS, call))
    return "profile_name" in arguments or any(arg.star == "**" for arg in call.args)


def _parameters(function: cst.FunctionDef):
    params = function.params
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
