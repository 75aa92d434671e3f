"""AWS101–AWS104: code that goes through, or changes, boto3's hidden default session."""

from __future__ import annotations

from typing import FrozenSet

import libcst as cst

from botolint.fixes import Applicability, ModuleSession, SessionParameter
from botolint.objects import default_session_factory, string_value
from botolint.usage import installed_factories, is_injection_fallback, makes_requests, replaces_factory
from botolint.rule import Context, Rule
from botolint.semantic import BindingKind
from botolint.rules._boto3 import assigned_values, bound_arguments, boto3_call, constant_strings, credential_arguments
from botolint.rules._lambda_env import only_in_lambda
from botolint.handlers import lambda_handlers


def needs_a_session(call: cst.Call, function: cst.CSTNode, ctx: Context) -> bool:
    """Whether the caller should be able to choose the session ``call`` uses:
    not for a client that never makes a request, one a caller can inject
    instead, a function that stands in for boto3's own factory, or Lambda
    code (a Lambda module, or a path only taken inside Lambda), whose session
    is the function's role (where it is made on every invocation, that is AWS301)."""
    semantic = ctx.semantic
    return (
        makes_requests(call, semantic)
        and not ctx.memo(_is_lambda_module)
        and not _given_credentials(call, ctx)
        and not _unsigned(call, ctx)
        and not _local_endpoint(call, ctx)
        and not only_in_lambda(call, ctx)
        and not is_injection_fallback(call, semantic)
        and not replaces_factory(function, semantic, ctx.memo(_installed_factories))
    )


def _given_credentials(call: cst.Call, ctx: Context) -> bool:
    """A key pair passed to the call itself: the default session's credential
    chain, what a caller would choose a session for, is not consulted. Not
    when a key may be None (``options.get("aws_access_key_id")``, a ``None``
    default): boto3 then falls back to that chain."""
    scope = ctx.scope_of(call)
    given = {
        parameter for _, parameter, arg in credential_arguments(call, ctx) if not _may_be_none(arg.value, scope)
    }
    return {"aws_access_key_id", "aws_secret_access_key"} <= given


CONFIG_CLASSES = ("botocore.config.Config", "botocore.client.Config")


def _unsigned(call: cst.Call, ctx: Context) -> bool:
    """A client that signs nothing (``config=Config(signature_version=UNSIGNED)``,
    the config given inline or bound to a name only such configs are
    assigned to): botocore looks up no credentials for it, so no caller
    would choose a session for them."""
    boto3 = boto3_call(call, ctx)
    config = bound_arguments(boto3).get("config") if boto3 is not None else None
    if config is None:
        return False
    values = assigned_values(config.value, ctx) if isinstance(config.value, cst.Name) else [config.value]
    return bool(values) and all(_is_unsigned_config(value, ctx) for value in values)


def _is_unsigned_config(value: cst.BaseExpression, ctx: Context) -> bool:
    return (
        isinstance(value, cst.Call)
        and ctx.resolves_to(value.func, *CONFIG_CLASSES)
        and any(
            arg.keyword is not None
            and arg.keyword.value == "signature_version"
            and ctx.resolves_to(arg.value, "botocore.UNSIGNED")
            for arg in value.args
        )
    )


LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")


def _local_endpoint(call: cst.Call, ctx: Context) -> bool:
    """A client of an emulator on this machine (DynamoDB Local, LocalStack):
    ``endpoint_url`` is a local URL (a literal, or a name that only local URLs
    are assigned to), or the call is under an ``if "localhost" in <that
    endpoint>``. No account's session applies to it."""
    boto3 = boto3_call(call, ctx)
    endpoint = bound_arguments(boto3).get("endpoint_url") if boto3 is not None else None
    if endpoint is None:
        return False
    urls = constant_strings(endpoint.value, ctx)
    if urls and all(_is_local(url) for url in urls):
        return True
    if _formats_local_url(endpoint.value):
        return True
    child: cst.CSTNode = call
    for ancestor in ctx.semantic.ancestors(call):
        if isinstance(ancestor, cst.If) and child is ancestor.body and _tests_local(ancestor.test, endpoint.value, ctx):
            return True
        child = ancestor
    return False


def _formats_local_url(value: cst.BaseExpression) -> bool:
    """``f"http://localhost:{port}"``: the host is spelled out before the first field."""
    if not (isinstance(value, cst.FormattedString) and value.parts):
        return False
    first = value.parts[0]
    if not isinstance(first, cst.FormattedStringText):
        return False
    after_scheme = first.value.split("://", 1)[-1]
    return any(mark in after_scheme for mark in ":/") and _is_local(first.value)


def _is_local(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):
        return host.startswith("[::1]")
    return host.rsplit(":", 1)[0] in LOCAL_HOSTS


def _tests_local(test: cst.BaseExpression, endpoint: cst.BaseExpression, ctx: Context) -> bool:
    """``"localhost" in endpoint`` (also inside an ``and``)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _tests_local(test.left, endpoint, ctx) or _tests_local(test.right, endpoint, ctx)
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    target = test.comparisons[0]
    return (
        isinstance(target.operator, cst.In)
        and string_value(test.left) in LOCAL_HOSTS
        and ctx.module.code_for_node(target.comparator) == ctx.module.code_for_node(endpoint)
    )


def _may_be_none(value: cst.BaseExpression, scope) -> bool:
    if isinstance(value, cst.Name):
        if value.value == "None":
            return True
        for binding in scope.lookup(value.value):
            if binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                if _may_be_none(binding.value, binding.scope):
                    return True
            elif binding.kind is BindingKind.PARAMETER and isinstance(binding.node, cst.Param):
                default = binding.node.default
                if isinstance(default, cst.Name) and default.value == "None":
                    return True  # a caller may leave it out
        return False
    # ``options.get(key)`` and ``os.environ.get(key)`` are None when the key is missing.
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "get"


def _is_lambda_module(ctx: Context) -> bool:
    """A module that defines a Lambda handler, or that only handler modules import."""
    return bool(lambda_handlers(ctx.module, ctx.config)) or bool(ctx.project.lambda_module())


def _installed_factories(ctx: Context) -> FrozenSet[str]:
    return installed_factories(ctx.semantic)


class _InFunction(Rule):
    kind: str
    in_test_code = False
    in_scripts = False
    fix_applicability = Applicability.SAFE

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        if default_session_factory(node, ctx.semantic) != self.kind:
            return
        function = ctx.scope_of(node).enclosing_function
        if function is None or not needs_a_session(node, function.node, ctx):
            return
        ctx.report(self, node, fix=SessionParameter(function=function.node, call=node, kind=self.kind))


class DefaultSessionClient(_InFunction):
    """
    ## What it does
    Flags `boto3.client(...)` called inside a function, method or lambda.

    ## Why is this bad?
    `boto3.client` is a shortcut for a method of a hidden, process-wide default
    session. A function that uses it cannot be pointed at another profile,
    region or assumed role by its caller, is awkward to test, and races with
    other threads creating clients at the same time (boto3 issue #1592:
    `KeyError: 'credential_provider'`).

    The session-first style fixes all three: the function takes an optional
    `session` and makes its clients from it, falling back to the default
    session only when the caller gives none.

    ## Example
    ```python
    import boto3

    def list_buckets():
        s3 = boto3.client("s3")
        return s3.list_buckets()["Buckets"]
    ```

    ## Use instead
    ```python
    import boto3

    def list_buckets(*, session=None):
        s3 = (session or boto3).client("s3")
        return s3.list_buckets()["Buckets"]
    ```

    ## Fix safety
    `botolint fix` adds a keyword-only `session=None` parameter (named
    `boto3_session` when `session` already means something else in the
    function; a function that already takes a boto3 session uses it) and makes
    the client from it. Without a session the call still goes through
    `boto3.client`, so existing callers, `setup_default_session()` and tests
    that patch `boto3.client` see no change; `--fallback new-session` does not
    keep those. Adding a parameter changes the function's signature, which is
    an API change: callers that pass `**kwargs` containing `session` would now
    bind it. A lambda is fixed only inside a function (through the closure).

    No parameter is added where nobody could pass one: Lambda handlers, a
    script's entry point (`main()` under `if __name__ == "__main__":` or a
    `[project.scripts]` target), click and Typer commands, callbacks (a
    function passed around as a value, or behind a decorator not known to
    pass keyword arguments on), functions whose signature the module reads
    with `inspect.signature`. These findings are listed as left, with the fix
    that applies (AWS105's `--profile`, AWS301's hoist). Methods, properties
    and dunder methods of a class use a session the class takes in its
    `__init__` (`self._session`). A function that already has a Session (a
    local `session = boto3.Session(...)`, or a parameter that is one by
    annotation or use) makes its clients from it. A private helper's callers
    in its module pass it the session, and get a parameter themselves when
    they need one.

    ## Where it does not apply
    Not in test code (files under `tests/` or `test/`, `test_*.py`, `*_test.py`,
    `conftest.py`, and pytest tests, fixtures and `unittest.TestCase` methods
    anywhere), where the default session is the idiom and moto patches it;
    `test-code = "report"` reports it there too, and `test-paths` says which
    files are tests.

    Not in maintainers' one-off scripts: files under a `scripts/`,
    `tools/dev/`, `benchmark*/` or `integration-tests/` directory that is not a
    Python package (no `__init__.py` beside the file). They run by hand with
    the developer's own credentials, and nobody calls them with a session.
    `script-paths` says which files are scripts (`script-paths = []`: none);
    a package's `scripts/` subpackage, or a tool shipped under `tools/`, is
    checked like any other code.

    Not for a client that never makes a request, one whose every use reads
    boto3's models or settings (`.meta.service_model`, `._service_model`,
    `.meta.region_name`, `.exceptions`, `can_paginate`, a paginator that never
    paginates) or asks what the object is (`client.__class__`, `type(client)`,
    `isinstance(client, ...)`): it needs no credentials. A client that also
    makes a request is reported.

    Not in a Lambda module: one that defines a handler, or that only Lambda
    modules import, however many imports away (AWS103 says more; a test
    module never is one: the test runner runs it). Lambda code
    runs with the function's execution role, nobody calls it with a session
    of their choice, and a client made once there (at init, in a lazy
    initialisation, in a cache object the handler keeps) is what AWS301
    recommends; a client made on every invocation is AWS301. A module that a
    non-Lambda module also imports (a CLI, a maintenance script) is reported.

    Not on a path taken only inside Lambda, in any module: the body of an `if`
    that tests a variable the Lambda runtime sets (`AWS_LAMBDA_FUNCTION_NAME`,
    `AWS_LAMBDA_FUNCTION_VERSION`, `AWS_LAMBDA_RUNTIME_API`, `LAMBDA_TASK_ROOT`)
    with `in os.environ`, `os.environ.get(...)` or `os.getenv(...)`, the
    `else` of a test that it is not set, and what follows
    `if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ: return ...` (a nested
    function defined there included). A tool that runs both as a command and
    as a Lambda function keeps its Lambda paths this way.

    Not for a call given its own key pair (`aws_access_key_id=` and
    `aws_secret_access_key=`): the default session's credentials, which a
    caller would choose a session for, are not used. Keys that may be None
    (`options.get(...)`, a parameter defaulting to None) do not count: boto3
    then falls back to the default chain.

    Not for a client that signs nothing (`config=Config(signature_version=UNSIGNED)`,
    anonymous reads of public buckets, or a bearer token added by an event
    handler): botocore looks up no credentials for it. The config counts
    when it is given inline or bound to a name that only such configs are
    assigned to.

    Not for a client of an emulator on this machine (DynamoDB Local,
    LocalStack, a moto server): `endpoint_url` is a `localhost`, `127.0.0.1`,
    `0.0.0.0` or `[::1]` URL (a literal, a name assigned only such literals,
    or an f-string that spells the host before its first field:
    `f"http://localhost:{port}"`), or the call is under `if "localhost" in endpoint:` for the
    `endpoint` it is given. No account's session applies there.

    Not for the default of a client the caller may pass in
    (`client = client or boto3.client("logs")`, or the same under
    `if client is None:`), also through the constructor
    (`self._client or boto3.client("logs")` in a method, where `__init__` sets
    `self._client = client` from a parameter): the caller can choose already.
    Likewise the default on the path where no profile or session was given,
    when the other path makes the client from the one given
    (`if profile: boto3.Session(profile_name=profile).client("s3") else:
    boto3.client("s3")`, or the same with `if profile: return ...` before
    it; `session.client(...)` for a `session`). A `region` tested that way
    does not count: it does not choose whose credentials are used.
    On worker threads that fallback is still AWS203.

    Not in a function that stands in for `boto3.client` itself: one installed in
    its place (`patch("boto3.client", fake)`, `boto3.client = fake`) or one that
    forwards all of its arguments to it.

    In a Lambda handler, or code a handler calls, AWS301 is reported instead; on
    worker threads, AWS203.

    ## References
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 issue #1592 (concurrent client creation): https://github.com/boto/boto3/issues/1592
    """

    code = "AWS101"
    name = "default-session-client"
    message = (
        "boto3.client() in a function uses the hidden default session: "
        "accept a `session` argument and call session.client()"
    )
    kind = "client"


class DefaultSessionResource(_InFunction):
    """
    ## What it does
    Flags `boto3.resource(...)` called inside a function, method or lambda.

    ## Why is this bad?
    Like `boto3.client`, `boto3.resource` goes through the hidden default
    session, so the caller cannot choose the profile, region or role, tests
    must patch module globals, and concurrent calls race inside that one
    session (boto3 issue #1592). Resources, unlike clients, are not thread
    safe either: each thread needs its own.

    ## Example
    ```python
    import boto3

    def save(item):
        table = boto3.resource("dynamodb").Table("items")
        table.put_item(Item=item)
    ```

    ## Use instead
    ```python
    import boto3

    def save(item, *, session=None):
        table = (session or boto3).resource("dynamodb").Table("items")
        table.put_item(Item=item)
    ```

    ## Fix safety
    Same as AWS101: a keyword-only `session=None` parameter is added (or an
    existing boto3 session parameter is used) and the resource is made from
    it, falling back to `boto3.resource` so existing callers see no change.
    The signature change is an API change.

    ## Where it does not apply
    Not in test code (files under `tests/` or `test/`, `test_*.py`, `*_test.py`,
    `conftest.py`, and pytest tests, fixtures and `unittest.TestCase` methods
    anywhere), where the default session is the idiom and moto patches it;
    `test-code = "report"` reports it there too, and `test-paths` says which
    files are tests.

    Not in maintainers' one-off scripts: files under a `scripts/`,
    `tools/dev/`, `benchmark*/` or `integration-tests/` directory that is not a
    Python package (no `__init__.py` beside the file). They run by hand with
    the developer's own credentials, and nobody calls them with a session.
    `script-paths` says which files are scripts (`script-paths = []`: none);
    a package's `scripts/` subpackage, or a tool shipped under `tools/`, is
    checked like any other code.

    The other exceptions of AWS101 apply too: resources whose every use reads
    boto3's models, injected resources (`table = table or boto3.resource(...)...`),
    stand-ins for `boto3.resource`, calls given their own key pair or an unsigned config, Lambda
    modules (AWS301) and worker threads (AWS203).

    ## References
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 resources and threads: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/resources.html
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    """

    code = "AWS102"
    name = "default-session-resource"
    message = (
        "boto3.resource() in a function uses the hidden default session: "
        "accept a `session` argument and call session.resource()"
    )
    kind = "resource"


class ImportTimeDefaultSession(Rule):
    """
    ## What it does
    Flags `boto3.client(...)` and `boto3.resource(...)` evaluated when a module
    is executed: in the module body (including `if __name__ == "__main__":`),
    in class bodies, in default argument values and in decorator expressions.

    ## Why is this bad?
    The object is bound to the default session the moment the module is
    imported, before any caller could say which profile, region or role to
    use, and it is shared by everything that imports the module. Tests must
    patch it after the fact, and a library that does this makes network
    configuration decisions for its users.

    In a script's `__main__` block, read the profile from the command line
    (`--profile`) and build a `boto3.Session(profile_name=...)` instead.

    Not reported in a Lambda module (see Where it does not apply): there,
    creating clients once at module scope is the recommended pattern.

    ## Example
    ```python
    import boto3

    s3 = boto3.client("s3")

    def upload(path, bucket):
        s3.upload_file(path, bucket, path)
    ```

    ## Use instead
    ```python
    import boto3

    def upload(path, bucket, *, session=None):
        s3 = (session or boto3).client("s3")
        s3.upload_file(path, bucket, path)
    ```

    ## Fix safety
    Not fixed by default: moving the client changes when it is created and
    which session it uses, which may change behaviour (for Lambda functions,
    module scope is the recommended place; see AWS301). `botolint fix
    --unsafe-fixes` keeps the client where it is but makes it from one new
    module-level `boto3_session = boto3.Session()`; that is unsafe because a
    `boto3.setup_default_session()` or a patch of `boto3.client` made before
    the import no longer applies to it.

    ## Where it does not apply
    Not in test code (files under `tests/` or `test/`, `test_*.py`, `*_test.py`,
    `conftest.py`, and pytest tests, fixtures and `unittest.TestCase` methods
    anywhere), where the default session is the idiom and moto patches it;
    `test-code = "report"` reports it there too, and `test-paths` says which
    files are tests.

    Not in maintainers' one-off scripts: files under a `scripts/`,
    `tools/dev/`, `benchmark*/` or `integration-tests/` directory that is not a
    Python package (no `__init__.py` beside the file). They run by hand with
    the developer's own credentials, and nobody calls them with a session.
    `script-paths` says which files are scripts (`script-paths = []`: none);
    a package's `scripts/` subpackage, or a tool shipped under `tools/`, is
    checked like any other code.

    Not in a Lambda module: a module that defines a handler, or one that only
    Lambda modules import (a module-level client in `shared/adapters.py`,
    imported by handlers), since creating clients at module scope is what
    Lambda's init is for (AWS301). Who imports a module is read from the text of
    the project's files, and followed up to the handler modules: a package
    and its submodules that import each other are Lambda modules when
    everything else that imports them is. A module that a non-handler module
    also imports, and one that nothing imports, is reported. Nor on a path taken
    only inside Lambda (`if "AWS_LAMBDA_FUNCTION_NAME" in os.environ:`; see AWS101).

    Not for a client that never makes a request (see AWS101).

    ## References
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    """

    code = "AWS103"
    in_test_code = False
    in_scripts = False
    name = "import-time-default-session"
    title = "boto3.client()/boto3.resource() evaluated at import time"
    message = (
        "boto3.{kind}() at import time binds to the default session before any caller "
        "can choose one: create it from a session passed in"
    )

    fix_applicability = Applicability.UNSAFE
    UNSAFE_REASON = (
        "not fixable: runs at import time (module or class body, default value or decorator); see --unsafe-fixes"
    )

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        kind = default_session_factory(node, ctx.semantic)
        if kind is None or not ctx.scope_of(node).runs_at_import or not makes_requests(node, ctx.semantic):
            return
        # Lambda reuses what module scope creates: there it is the advice (AWS301),
        # in a handler's module and in the modules only handler modules import.
        if not ctx.memo(_is_lambda_module) and not only_in_lambda(node, ctx):
            fix = ModuleSession(
                call=node, kind=kind, applicability=Applicability.UNSAFE, unsafe_reason=self.UNSAFE_REASON
            )
            ctx.report(self, node, kind=kind, fix=fix)


class DefaultSessionMutation(Rule):
    """
    ## What it does
    Flags `boto3.setup_default_session(...)` and assignments to
    `boto3.DEFAULT_SESSION`.

    ## Why is this bad?
    Both change the session that every `boto3.client()` / `boto3.resource()`
    call in the process uses, including calls in libraries that never asked for
    it. The effect depends on import and call order, is invisible at the call
    sites, and is not thread safe: another thread may be creating a client from
    the old session at that moment.

    ## Example
    ```python
    import boto3

    def main(profile):
        boto3.setup_default_session(profile_name=profile)
        run_report()
    ```

    ## Use instead
    ```python
    import boto3

    def main(profile):
        session = boto3.Session(profile_name=profile)
        run_report(session=session)
    ```

    ## Fix safety
    Not fixed automatically: every function that relied on the global needs a
    session passed to it instead.

    ## Where it does not apply
    Not in test code (files under `tests/` or `test/`, `test_*.py`, `*_test.py`,
    `conftest.py`, and pytest tests, fixtures and `unittest.TestCase` methods
    anywhere), where the default session is the idiom and moto patches it;
    `test-code = "report"` reports it there too, and `test-paths` says which
    files are tests.

    ## References
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    """

    code = "AWS104"
    in_test_code = False
    name = "default-session-mutation"
    title = "Code that changes the process-wide default session"
    message = "{what} changes the process-wide default session: create a boto3.Session and pass it instead"

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        if ctx.resolves_to(node.func, "boto3.setup_default_session"):
            ctx.report(self, node, what="boto3.setup_default_session()")

    def visit_Assign(self, node: cst.Assign, ctx: Context) -> None:
        for target in node.targets:
            self._check_target(target.target, ctx)

    def visit_AnnAssign(self, node: cst.AnnAssign, ctx: Context) -> None:
        self._check_target(node.target, ctx)

    def _check_target(self, target: cst.BaseExpression, ctx: Context) -> None:
        if isinstance(target, cst.Attribute) and ctx.resolves_to(target, "boto3.DEFAULT_SESSION"):
            ctx.report(self, target, what="Assigning boto3.DEFAULT_SESSION")
