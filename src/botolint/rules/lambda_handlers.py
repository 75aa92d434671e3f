"""AWS301: boto3 Sessions, clients and resources made on every Lambda invocation."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from botolint.fixes import Applicability, HoistToInit
from botolint.rule import Context, Rule
from botolint.kinds import SESSION_CLASS
from botolint.objects import default_session_factory, module_values, optional_session_factory
from botolint.rules._boto3 import credential_arguments
from botolint.rules._lifetime import made_once, reads_function_locals


class LambdaHandlerClientCreation(Rule):
    """
    ## What it does
    Flags a boto3 Session, client or resource created inside an AWS Lambda
    handler, where it runs again on every invocation:
    `boto3.Session(...)`, `boto3.session.Session(...)`, `boto3.client(...)`,
    `boto3.resource(...)`, and `client(...)` / `resource(...)` on a Session,
    a module-level one included (each call still makes a new client).

    A handler is a `def` directly in the module body (not under `if` or
    `try`, not a method) that takes exactly two positional parameters and no
    others except keyword-only ones with defaults, and either
    - is named in the `lambda-handlers` option (default `lambda_handler` and
      `handler`; Lambda's `module.function` spelling is accepted), or
    - names its parameters like Lambda's `(event, context)`: the first `event`
      or `_event`, the second `context`, `_context` or `ctx`.

    A second parameter named `frame` or `_frame` makes it a `signal` handler
    (`def handler(signum, frame)`, Python's documented signature), never a
    Lambda handler, whatever its name.

    Calls in the handler's body count, and so do calls in functions, lambdas,
    classes and comprehensions nested inside it (they are defined, and almost
    always run, on each invocation), and so do calls in the functions the
    handler calls, in its module or another one of the project, transitively:
    the finding is at the creation and names the handler
    (`lambda_handler() (in app/handler.py, via load -> client)`).

    Calls that `botolint fix` wrote, `(session or boto3).client(...)` and
    `(session.client if session else client)(...)`, count as well.

    For `boto3.Session().client("s3")` only the `Session()` call is reported.
    When AWS101 or AWS102 would flag the same call (and AWS301 is selected),
    only AWS301 is reported:
    moving the client to module scope helps a handler most (it is reused by
    warm invocations); AWS101's fix, a `session` parameter, is still applied
    by `botolint fix` (see Fix safety).

    In a module that defines a handler, AWS103 does not report module-scope
    clients, since creating them at import is what this rule recommends.

    ## Why is this bad?
    Creating a Session loads service models and resolves credentials, and a
    new client opens new connections: tens to hundreds of milliseconds, paid
    on every invocation. Lambda keeps the module loaded between invocations
    of a warm execution environment, so objects created at module scope
    (during initialisation) are reused for free.

    ## Example
    ```python
    import boto3

    def lambda_handler(event, context):
        table = boto3.resource("dynamodb").Table("orders")
        return table.get_item(Key={"id": event["id"]}).get("Item")
    ```

    ## Use instead
    ```python
    import boto3

    # Created once per execution environment, during initialisation.
    session = boto3.Session()
    table = session.resource("dynamodb").Table("orders")

    def lambda_handler(event, context):
        return table.get_item(Key={"id": event["id"]}).get("Item")
    ```

    ## Fix safety
    Unsafe: `botolint fix --unsafe-fixes` moves `name = <creation>` statements
    of the handler's own body to module scope, right before the handler, when
    everything they read exists at init (literals, module-level names bound
    before the handler, `os.environ[...]`, `os.environ.get(...)`,
    `os.getenv(...)`, names hoisted just before); a module-level assignment
    of the same call that is already there is reused (`bus = events`). It is
    unsafe because the object is then made once, when the module loads: a
    test that patches `boto3` between invocations, or code that expects a
    fresh client per event, sees the difference. What reads the event or the
    context stays and is listed as left, and so are creations in helpers the
    handler calls (passing an object made at init to them is a change to
    their callers). A handler gets no `session` parameter: the runtime passes
    only `(event, context)`.

    ## Options
    - `lambda-handlers` (list of strings, default `["lambda_handler", "handler"]`):
      names of handler functions; setting it replaces the default list.

    ## Where it does not apply
    Not at module scope (init time, the recommended place), and not in code
    that only runs at init. Not where the object is made once and kept, which
    is init in all but name: in a function decorated with `functools.cache`
    or `functools.lru_cache`, and in a lazy initialisation, an assignment to a
    global, an attribute or a dict entry under an `if` that tests that same
    target (`if _client is None: _client = boto3.client("s3")`,
    `if region not in _clients: _clients[region] = ...`), or
    `_client = _client or boto3.client("s3")`. The same holds across calls:
    whatever such an `if` guards (`if _tags is None: _tags = TagCache()` does
    not make `TagCache()`'s clients per invocation, nor does a cold-start block
    `if not _ready: load(); _ready = True`), and a function's statements after
    an early-return memo (`if _session: return _session`, up to the statement
    that assigns `_session`). A guard that tests a parameter or a local is not
    a memo. Not where the call is given
    credentials computed in the function (`aws_session_token=creds[...]` from
    a role the event names): such an object cannot be made at init. A function that the handler never calls is not
    followed, however it is named; a handler defined under `if` or `try`, or as a
    method, is not recognised.

    ## References
    - AWS Lambda best practices (initialise SDK clients outside the handler): https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html
    - Lambda execution environment lifecycle: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
    """

    code = "AWS301"
    name = "lambda-handler-client-creation"
    title = "Session, client or resource created on every Lambda invocation"
    message = (
        "{what} is created on every invocation of Lambda handler {handler}: "
        "create it once at module scope and reuse it"
    )
    supersedes = ("AWS101", "AWS102")
    fix_applicability = Applicability.UNSAFE
    no_fix_reason = (
        "not rewritten: made by a helper the handler calls; create it once at module scope "
        "and pass it to the helper, by hand"
    )

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        what = self._creation(node, ctx)
        if what is None:
            return
        owner = ctx.scope_of(node).owner
        if made_once(node, owner, ctx) or self._per_call_credentials(node, ctx):
            return
        invocations = ctx.project.invocations(owner) if owner is not None else ()
        if invocations:
            handler = self._handler_text(invocations[0], ctx)
            ctx.report(self, node, fix=self._fix_data(node, ctx, invocations[0]), what=what, handler=handler)

    @staticmethod
    def _per_call_credentials(node: cst.Call, ctx: Context) -> bool:
        """Credentials computed in the function (a role the event names,
        assumed on each call) cannot exist at init: the object cannot move there."""
        scope = ctx.scope_of(node)
        return any(reads_function_locals(arg.value, scope) for _, _, arg in credential_arguments(node, ctx))

    @staticmethod
    def _handler_text(invocation, ctx: Context) -> str:
        """``lambda_handler``, ``lambda_handler (in app/handler.py, via load -> client)``."""
        details = []
        if invocation.module != ctx.project.module:
            details.append(f"in {ctx.project.facts.project.display_path(invocation.module)}")
        if len(invocation.chain) > 1:
            details.append(f"via {' -> '.join(invocation.chain[1:])}")
        return invocation.handler + (f"() ({', '.join(details)})" if details else "()")

    UNSAFE_REASON = (
        "needs --unsafe-fixes: made once at module scope, it is created when the module loads "
        "(not on each event), which matters to tests that patch boto3 between invocations"
    )

    def _fix_data(self, node: cst.Call, ctx: Context, invocation) -> Optional[HoistToInit]:
        """A call in the handler's own body can move to module scope (the
        planner checks that its arguments exist there); one in a helper the
        handler calls is a change to that helper's callers: by hand."""
        owner = ctx.scope_of(node).owner
        if invocation.module != ctx.project.module or len(invocation.chain) != 1:
            return None
        if not isinstance(owner, cst.FunctionDef) or owner.name.value != invocation.handler:
            return None
        return HoistToInit(
            call=node, handler=owner, applicability=Applicability.UNSAFE, unsafe_reason=self.UNSAFE_REASON
        )

    def _creation(self, node: cst.Call, ctx: Context) -> Optional[str]:
        """How the message names what ``node`` creates, or None."""
        if ctx.resolves_to(node.func, SESSION_CLASS):
            return "boto3.Session()"
        kind = default_session_factory(node, ctx.semantic)
        if kind is not None:
            return f"boto3.{kind}()"
        kind = optional_session_factory(node, ctx.semantic)  # a call `botolint fix` wrote
        if kind is not None:
            return f"boto3.{kind}()"
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource"):
            # Even from a module-level Session, each call makes a new client. A
            # Session made right there (boto3.Session().client(...)) is reported itself.
            if isinstance(func.value, (cst.Name, cst.Attribute)) and module_values(ctx).is_session(func.value):
                receiver = " ".join(ctx.module.code_for_node(func.value).split())
                return f"{receiver if len(receiver) <= 30 else 'session'}.{func.attr.value}()"
        return None

