"""AWS302: sessions built from assumed-role credentials that never refresh."""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from botolint.rule import Context, Rule
from botolint.rules._boto3 import credential_arguments, string_value, unseen_bindings
from botolint.semantic import BindingKind

ASSUME_ROLE_METHODS = frozenset({"assume_role", "assume_role_with_web_identity", "assume_role_with_saml"})
# The two parameters STS's AssumeRole requires: a call passing both is STS's.
STS_REQUIRED_KEYWORDS = frozenset({"RoleArn", "RoleSessionName"})

# What an expression holds, step by step from the STS call to one key.
RESPONSE = "response"  # sts.assume_role(...)
CREDENTIALS = "credentials"  # response["Credentials"]
CREDENTIAL_FIELD = "field"  # response["Credentials"]["AccessKeyId"]


def is_sts_client(expr: cst.BaseExpression, ctx: Context, seen: Optional[Set[int]] = None) -> bool:
    """A ``*.client("sts")`` call (any receiver), a name bound to one, or a
    parameter annotated with mypy-boto3's ``STSClient``."""
    seen = set() if seen is None else seen
    if isinstance(expr, cst.Call):
        return _creates_sts_client(expr, ctx)
    if isinstance(expr, cst.Name):
        for binding in unseen_bindings(expr, ctx, seen):
            if binding.kind is BindingKind.PARAMETER and binding.annotation is not None:
                annotation = binding.annotation
                spelled = annotation.attr.value if isinstance(annotation, cst.Attribute) else getattr(annotation, "value", None)
                if spelled == "STSClient":
                    return True
            elif binding.value is not None and is_sts_client(binding.value, ctx, seen):
                return True
    return False


def _creates_sts_client(call: cst.Call, ctx: Context) -> bool:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "client"):
        return False
    for position, arg in enumerate(call.args):
        is_service = (arg.keyword is None and not arg.star and position == 0) or (
            arg.keyword is not None and arg.keyword.value == "service_name"
        )
        if is_service:
            return string_value(arg.value) == "sts"
    return False


def is_assume_role_call(call: cst.Call, ctx: Context) -> bool:
    """``X.assume_role(...)`` (or its web-identity and SAML variants) where X is
    an STS client, or the call passes both ``RoleArn=`` and ``RoleSessionName=``."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in ASSUME_ROLE_METHODS):
        return False
    if any(name.startswith("aws_assume_role_lib.") for name in ctx.qualified_names(func)):
        return False  # returns a refreshing Session, not a response
    if is_sts_client(func.value, ctx):
        return True
    keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    return STS_REQUIRED_KEYWORDS <= keywords


def _key(expr: cst.BaseExpression, ctx: Context) -> Optional[str]:
    """The string key of ``x["Key"]`` or ``x.get("Key")``."""
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        return string_value(expr.slice[0].slice.value)
    if isinstance(expr, cst.Call) and expr.args and not expr.args[0].star and expr.args[0].keyword is None:
        return string_value(expr.args[0].value)
    return None


def _base(expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    if isinstance(expr, cst.Subscript):
        return expr.value
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
        return expr.func.value
    return None


def holds(expr: cst.BaseExpression, ctx: Context, seen: Optional[Set[int]] = None) -> Optional[str]:
    """RESPONSE, CREDENTIALS or CREDENTIAL_FIELD when ``expr`` is that part of
    an assume_role response, following simple ``name = value`` bindings."""
    seen = set() if seen is None else seen
    if isinstance(expr, cst.Call) and is_assume_role_call(expr, ctx):
        return RESPONSE
    if isinstance(expr, cst.Name):
        for binding in unseen_bindings(expr, ctx, seen):
            if binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                found = holds(binding.value, ctx, seen)
                if found is not None:
                    return found
        return None
    base = _base(expr)
    if base is None:
        return None
    outer = holds(base, ctx, seen)
    if outer == RESPONSE and _key(expr, ctx) == "Credentials":
        return CREDENTIALS
    if outer == CREDENTIALS and _key(expr, ctx) is not None:
        return CREDENTIAL_FIELD
    return None


class StaticAssumedRoleCredentials(Rule):
    """
    ## What it does
    Flags `boto3.Session(...)`, `boto3.client(...)`, `boto3.resource(...)`, or
    `client(...)` / `resource(...)` on a boto3 Session (as in AWS401) given
    `aws_access_key_id`, `aws_secret_access_key` or `aws_session_token` taken
    from the `Credentials` of an STS `assume_role(...)` response, either
    directly (`sts.assume_role(...)["Credentials"]["AccessKeyId"]`) or through
    simple `name = value` assignments (`creds = response["Credentials"]`),
    with `["Key"]` or `.get("Key")`.

    An `assume_role` call counts (and so do `assume_role_with_web_identity`
    and `assume_role_with_saml`) when its receiver is an STS client (a
    `*.client("sts")` call, a name bound to one, or a parameter annotated
    `STSClient`), or when it passes both `RoleArn=` and `RoleSessionName=`,
    the two parameters STS requires. Other `assume_role` methods and
    functions, such as aws-assume-role-lib's `assume_role(session, RoleArn)`,
    which returns a refreshing Session, are not matched.

    Not followed: credentials passed through function calls, attributes
    (`self.creds`), `**kwargs` mappings, or loops; `get_session_token` and
    `get_federation_token` responses.

    ## Why is this bad?
    Assumed-role credentials expire (after an hour by default) and a Session
    built from the three raw values never renews them (boto3 issue #443).
    Long-running jobs, daemons and warm Lambda containers then fail with
    `ExpiredToken` at some later, unrelated call. A refreshing session calls
    `AssumeRole` again before the credentials run out.

    ## Example
    ```python
    import boto3

    def audit_session(session: boto3.Session, role_arn: str) -> boto3.Session:
        sts = session.client("sts")
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="audit")["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    ```

    ## Use instead
    ```python
    import aws_assume_role_lib
    import boto3

    def audit_session(session: boto3.Session, role_arn: str) -> boto3.Session:
        # Refreshes the credentials before they expire.
        return aws_assume_role_lib.assume_role(session, role_arn, RoleSessionName="audit")
    ```

    Without a dependency, botocore's `RefreshableCredentials` (or an
    `assume_role` profile in `~/.aws/config`) refreshes as well.

    ## Fix safety
    Not fixed automatically: the replacement needs a new dependency or a
    refresh function, and changes when STS is called.

    ## References
    - boto3 issue #443 (assumed-role sessions do not refresh): https://github.com/boto/boto3/issues/443
    - aws-assume-role-lib: https://github.com/benkehoe/aws-assume-role-lib
    - boto3 credentials guide (assume role provider): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html
    """

    code = "AWS302"
    name = "static-assumed-role-credentials"
    title = "Session or client built from sts.assume_role() credentials, which never refresh"
    message = (
        "{callee}() built from sts.assume_role() credentials stops working when they expire: "
        "use a refreshing assumed-role session (aws-assume-role-lib's assume_role(session, RoleArn) "
        "or botocore's RefreshableCredentials)"
    )

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        for call, _, arg in credential_arguments(node, ctx):
            if holds(arg.value, ctx) == CREDENTIAL_FIELD:
                ctx.report(self, node, callee=call.callee)
                return
