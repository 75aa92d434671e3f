"""AWS302: sessions built from assumed-role credentials that never refresh."""

from __future__ import annotations

import libcst as cst

from botolint.kinds import ObjectKind
from botolint.objects import module_values
from botolint.rule import Context, Rule
from botolint.rules._boto3 import credential_arguments
from botolint.rules._lifetime import kept_beyond_the_call, within_one_iteration

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

    The credentials are also followed through what project functions return
    (`creds = role_credentials(session, arn)`, in any module), attributes
    (`self.credentials`, assigned in `__init__`), class-level caches
    (`cls.credentials = ...` read as `Cache.credentials`) and module-level
    names of other modules.

    Not followed: credentials passed in as arguments, `**kwargs` mappings, or
    loops; `get_session_token` and `get_federation_token` responses.

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

    ## Where it does not apply
    Not in test code (see AWS101), where assuming a role is often what the test
    is about (moto's own tests). Not for an object made on each Lambda
    invocation (in the handler or in code it calls, in any module of the
    project) and not stored beyond the call that made it: an invocation lasts
    15 minutes at most, assumed-role credentials an hour by default. An object
    kept on `self`, in a global or in a cache outlives the invocation and is
    still reported. Not for sessions made by aws-assume-role-lib or
    from `RefreshableCredentials`, which refresh.

    Not for an object made within one iteration of a loop whose iteration
    assumes the role afresh, the way a multi-account command takes one short
    step per account: each iteration starts with new credentials, which last
    an hour. That is an object made in a loop body from credentials assumed
    in that body, or by a function that assumes them itself and returns the
    object (a module-level function that is private, or in a command-line
    module: argparse, click, Typer or `__main__`), when every call of that
    function in its module is in a loop body. Either way the object must be
    used there only: bound to a local name, or used as the receiver of a
    chain (`get_session(account).client("guardduty").list_detectors()`).
    Still reported: credentials assumed once before the loop, an object kept
    in a container, on `self` or in a global, a helper called once for the
    whole run, and a public helper of a library module, whose callers in
    other modules are not seen. One iteration that runs longer than the
    credentials (a default of one hour) is not detected.

    ## References
    - boto3 issue #443 (assumed-role sessions do not refresh): https://github.com/boto/boto3/issues/443
    - aws-assume-role-lib: https://github.com/benkehoe/aws-assume-role-lib
    - boto3 credentials guide (assume role provider): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html
    """

    code = "AWS302"
    in_test_code = False
    name = "static-assumed-role-credentials"
    title = "Session or client built from sts.assume_role() credentials, which never refresh"
    message = (
        "{callee}() built from sts.assume_role() credentials stops working when they expire: "
        "use a refreshing assumed-role session (aws-assume-role-lib's assume_role(session, RoleArn) "
        "or botocore's RefreshableCredentials)"
    )

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        for call, _, arg in credential_arguments(node, ctx):
            if ObjectKind.ROLE_FIELD in module_values(ctx).kinds_of(arg.value):
                if not self._within_one_invocation(node, ctx) and not within_one_iteration(node, arg.value, ctx):
                    ctx.report(self, node, callee=call.callee)
                return

    @staticmethod
    def _within_one_invocation(node: cst.Call, ctx: Context) -> bool:
        """Made on each Lambda invocation and dropped with it: an invocation
        lasts 15 minutes at most, the credentials an hour by default."""
        owner = ctx.scope_of(node).owner
        if owner is None or kept_beyond_the_call(node, ctx):
            return False
        return bool(ctx.project.invocations(owner))
