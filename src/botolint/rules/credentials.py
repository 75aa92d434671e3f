"""AWS403: credentials written into the source."""

from __future__ import annotations

import re

import libcst as cst

from botolint.rule import Context, Rule
from botolint.rules._boto3 import constant_strings, credential_arguments

# Long-term (AKIA) and temporary (ASIA) access key ids: the prefix and 16 more.
ACCESS_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z0-9]{16}")
MIN_SECRET_LENGTH = 20
MIN_DISTINCT_CHARACTERS = 8
# Words test suites and docs use for stand-in values (moto, localstack, tutorials).
PLACEHOLDER_WORDS = ("test", "fake", "dummy", "mock", "placeholder", "changeme", "your", "secret", "xxxx")


def looks_real(parameter: str, value: str) -> bool:
    """Whether ``value`` is shaped like a real credential rather than a test
    placeholder (the thresholds are documented on the rule page)."""
    if parameter == "aws_access_key_id":
        return ACCESS_KEY_ID.fullmatch(value) is not None
    lowered = value.lower()
    return (
        len(value) >= MIN_SECRET_LENGTH
        and not any(character.isspace() for character in value)
        and len(set(value)) >= MIN_DISTINCT_CHARACTERS
        and not any(word in lowered for word in PLACEHOLDER_WORDS)
    )


class HardcodedCredentials(Rule):
    """
    ## What it does
    Flags a hard-coded credential passed as `aws_access_key_id`,
    `aws_secret_access_key` or `aws_session_token` (by keyword, or by position
    in the installed boto3's signature) to `boto3.Session(...)`,
    `boto3.session.Session(...)`, `boto3.client(...)`, `boto3.resource(...)`,
    or `client(...)` / `resource(...)` on a boto3 Session (as in AWS401), and
    only to those: an `aws_access_key_id=` given to another library is not
    checked.

    A value is hard-coded when it is a string literal, or a name every binding
    of which (in the scope the name resolves to: the function, or the module
    for a constant) assigns a string literal.

    Test placeholders are skipped. A value is reported only when it is shaped
    like a real credential:
    - `aws_access_key_id`: exactly `AKIA` or `ASIA` followed by 16 upper-case
      letters or digits (20 characters), the format of AWS access key ids;
      `"testing"`, `"FOOBARKEY"` or `"AKIA_TEST"` are placeholders.
    - `aws_secret_access_key` and `aws_session_token`: at least 20 characters,
      no whitespace, at least 8 distinct characters, and none of the words
      `test`, `fake`, `dummy`, `mock`, `placeholder`, `changeme`, `your`,
      `secret` or `xxxx` (in any case), as in moto's and localstack's
      `"testing"` / `"test"` values.

    AWS's documented example key (`AKIAIOSFODNN7EXAMPLE`) is reported: it has
    the real shape, and code that hard-codes a key in that shape is what the
    rule is for.

    ## Why is this bad?
    Keys in source end up in version control, logs and every copy of the code,
    cannot be rotated without a release, and bypass the credential chain
    (environment, profiles, SSO, instance and task roles) that lets the same
    code run anywhere with the least privilege.

    ## Example
    ```python
    import boto3

    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    ```

    ## Use instead
    ```python
    import boto3

    # Credentials come from the environment, a profile or the instance's role.
    session = boto3.Session(profile_name="reporting")
    ```

    ## Fix safety
    Not fixed automatically: where the credentials should come from is a
    deployment decision, and the key should be rotated anyway.

    ## Where it does not apply
    Not for test placeholders (see the shapes above). Not for a secret or
    session token passed with a hard-coded `aws_access_key_id` that is not
    shaped like an AWS key id (a MinIO playground key, a localstack or moto
    placeholder): without an AWS key id the pair opens no AWS account. A
    secret whose key id comes from elsewhere (the environment, a parameter)
    is reported. Reported in test code too: a real key committed in a test
    leaks just the same.

    ## References
    - boto3 credentials guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html
    - AWS access key format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    """

    code = "AWS403"
    name = "hardcoded-credentials"
    title = "Hard-coded AWS credentials passed to boto3"
    message = (
        "Hard-coded {parameter} passed to {callee}(): take credentials from the environment, "
        "a profile or an IAM role"
    )

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        found = list(credential_arguments(node, ctx))
        key_ids = [
            value for _, parameter, arg in found if parameter == "aws_access_key_id"
            for value in constant_strings(arg.value, ctx)
        ]
        # A secret paired with a written-out key id of another shape (a MinIO
        # or localstack key, a placeholder) is no AWS credential.
        not_aws = bool(key_ids) and not any(looks_real("aws_access_key_id", value) for value in key_ids)
        for call, parameter, arg in found:
            if not_aws and parameter != "aws_access_key_id":
                continue
            if any(looks_real(parameter, value) for value in constant_strings(arg.value, ctx)):
                ctx.report(self, arg, parameter=parameter, callee=call.callee)
