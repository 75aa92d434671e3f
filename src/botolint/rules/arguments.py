"""AWS401–AWS402: arguments boto3 rejects at run time, checked against the
installed boto3 and botocore."""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

import libcst as cst

from botolint.rule import Context, Rule
from botolint.installed import available_resources, available_services, parameter_names
from botolint.objects import string_value
from botolint.rules._boto3 import Boto3Call, boto3_call, bound_arguments, has_double_star

# Names botocore maps to a model's name before it loads one (its
# ``handle_service_name_alias`` handler): ``client("runtime.sagemaker")`` works.
SERVICE_NAME_ALIASES = {"runtime.sagemaker": "sagemaker-runtime"}


def closest(word: str, choices: Iterable[str]) -> Optional[str]:
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


class UnknownBoto3Argument(Rule):
    """
    ## What it does
    Flags a keyword argument that `boto3.Session(...)`,
    `boto3.session.Session(...)`, `boto3.client(...)`, `boto3.resource(...)`,
    or `client(...)` / `resource(...)` on a boto3 Session does not accept, such
    as `region=` instead of `region_name=`, and suggests the closest valid name.

    A receiver counts as a boto3 Session when it is a `boto3.Session(...)` call,
    a name bound to one (or to `x or boto3.Session()`) in a scope it sees, a
    parameter annotated `boto3.Session` / `boto3.session.Session`, or the
    session-first fallback `(session or boto3)`.

    The valid names are read once per process from the installed boto3 with
    `inspect.signature` (`Session.__init__`, `Session.client`,
    `Session.resource`), so they follow the boto3 version you lint with.

    Not checked: calls that also pass `**kwargs` (the rule does not guess what
    the mapping holds), receivers it cannot tell are Sessions (for example
    `self.session`), and too many positional arguments.

    ## Why is this bad?
    boto3 raises `TypeError: ... got an unexpected keyword argument` only when
    the line runs (boto3 issue #3882), often in an error path or a deployment
    that tests did not reach. `region=` and `profile=` are the usual typos.

    ## Example
    ```python
    import boto3

    session = boto3.Session(profile="ops")
    sqs = session.client("sqs", region="eu-west-1")
    ```

    ## Use instead
    ```python
    import boto3

    session = boto3.Session(profile_name="ops")
    sqs = session.client("sqs", region_name="eu-west-1")
    ```

    ## Fix safety
    Not fixed automatically: the suggestion is a guess from spelling, and the
    intended argument may be another one.

    ## Where it does not apply
    Not for calls that pass `**kwargs` (what the mapping holds is unknown), nor
    for receivers that are not known to be Sessions. Reported in test code too:
    a typo raises there as well.

    ## References
    - boto3 Session reference: https://boto3.amazonaws.com/v1/documentation/api/latest/reference/core/session.html
    - boto3 issue #3882 (`region=` raises TypeError): https://github.com/boto/boto3/issues/3882
    """

    code = "AWS401"
    name = "unknown-boto3-argument"
    title = "Unknown keyword argument to a boto3 Session, client or resource call"
    message = "`{keyword}=` is not an argument of {callee}() and raises TypeError at run time{hint}"

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        call = boto3_call(node, ctx)
        if call is None or has_double_star(node):
            return
        valid = parameter_names(call.kind)
        if not valid:
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in valid:
                hint = self._hint(arg.keyword.value, call.kind, valid)
                ctx.report(self, arg, keyword=arg.keyword.value, callee=call.callee, hint=hint)

    @staticmethod
    def _hint(keyword: str, kind: str, valid) -> str:
        if kind != "session" and keyword in parameter_names("session"):
            return f": pass it to boto3.Session({keyword}=...) and make the {kind} from that session"
        suggestion = closest(keyword, valid)
        return f": did you mean `{suggestion}=`?" if suggestion else ""


class UnknownServiceName(Rule):
    """
    ## What it does
    Flags a service name string literal, given as the first positional
    argument or as `service_name=`, that `client(...)` or `resource(...)` does
    not know, such as `client("dynamo")`, and `resource(...)` for a service
    that has no resource API in boto3, such as `resource("lambda")`. It
    suggests the closest valid name.

    The calls checked are those of AWS401. The valid names are loaded once per
    process from the installed botocore (service models, for clients) and
    boto3 (resource models), with botocore's own loader: no credentials,
    configuration file or network are needed, and models added through
    `AWS_DATA_PATH` or `~/.aws/models` count. Names that are not literals
    (variables, f-strings) are not checked. A service released after the
    installed botocore is reported too: lint with the botocore version the
    code runs with.

    ## Why is this bad?
    boto3 raises `UnknownServiceError` (or `ResourceNotExistsError` for a
    service without resources) only when the line runs. Resources exist for a
    handful of services only (S3, DynamoDB, EC2, SQS, SNS, IAM, CloudFormation,
    CloudWatch, Glacier), and AWS no longer adds new ones.

    ## Example
    ```python
    import boto3

    def tables(session: boto3.Session):
        ddb = session.client("dynamo")
        lam = session.resource("lambda")
        return ddb.list_tables(), lam
    ```

    ## Use instead
    ```python
    import boto3

    def tables(session: boto3.Session):
        ddb = session.client("dynamodb")
        lam = session.client("lambda")
        return ddb.list_tables(), lam
    ```

    ## Fix safety
    Not fixed automatically: the suggestion is a guess from spelling, and
    switching from a resource to a client changes the API the code uses.

    ## Where it does not apply
    Not for names that are not literals, and not when botocore's models cannot
    be read (nothing is said rather than everything). Not for a name botocore
    maps to a model's own before loading it (`client("runtime.sagemaker")` is
    `sagemaker-runtime`'s client). Reported in test code too.

    ## References
    - boto3 Session reference: https://boto3.amazonaws.com/v1/documentation/api/latest/reference/core/session.html
    - boto3 resources: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/resources.html
    """

    code = "AWS402"
    name = "unknown-service-name"
    title = "Unknown service name, or a service without a resource API"
    message = "{callee}(\"{service}\"): {problem}"

    def visit_Call(self, node: cst.Call, ctx: Context) -> None:
        call = boto3_call(node, ctx)
        if call is None or call.kind == "session":
            return
        arg = bound_arguments(call).get("service_name")
        service = string_value(arg.value) if arg is not None else None
        if service is None:
            return
        problem = self._problem(call, service)
        if problem is not None:
            ctx.report(self, arg.value, callee=call.callee, service=service, problem=problem)

    @staticmethod
    def _problem(call: Boto3Call, service: str) -> Optional[str]:
        services = available_services()
        if not services:  # the models could not be read: say nothing rather than everything
            return None
        resources = available_resources()
        if call.kind == "client" and SERVICE_NAME_ALIASES.get(service) in services:
            return None
        if service in services:
            if call.kind == "client" or not resources or service in resources:
                return None
            return f"{service} has no resource API in boto3: use client(\"{service}\")"
        preferred = resources if call.kind == "resource" and resources else services
        suggestion = closest(service, preferred) or closest(service, services)
        hint = f": did you mean \"{suggestion}\"?" if suggestion else ""
        return f"unknown service name{hint}"
