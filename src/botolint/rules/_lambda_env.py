"""Code that runs only inside AWS Lambda because it says so: it is guarded by
a test of an environment variable that the Lambda runtime sets
(``if "AWS_LAMBDA_FUNCTION_NAME" in os.environ:``), or follows an early exit
taken outside Lambda (``if not os.getenv("LAMBDA_TASK_ROOT"): return func``).
A tool that runs both from the command line and as a Lambda function keeps
its Lambda-only paths this way; there, the session is the function's role."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from botolint.objects import string_value
from botolint.rule import Context
from botolint.statements import early_exit

# Set by the Lambda runtime in every execution environment.
LAMBDA_VARIABLES = frozenset(
    {"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT"}
)
_ENVIRONMENT_READERS = ("os.environ.get", "os.getenv")


def only_in_lambda(node: cst.CSTNode, ctx: Context) -> bool:
    """Whether ``node`` runs only where a Lambda variable is set: in the body
    of an ``if`` (or the ``else`` of one) whose test says so, or after an
    ``if`` that leaves its block (``return``, ``raise``) when it is not set.
    A nested function defined on such a path counts too: it exists only there."""
    child = node  # an elif is the orelse of the If above it; an else, its Else
    for ancestor in ctx.semantic.ancestors(node):
        if isinstance(ancestor, cst.If):
            when_true, when_false = _says_lambda(ancestor.test, ctx)
            if (child is ancestor.body and when_true) or (child is ancestor.orelse and when_false):
                return True
        elif isinstance(ancestor, cst.IndentedBlock) and _after_early_exit(child, ancestor, ctx):
            return True
        child = ancestor
    return False


def _after_early_exit(statement: cst.CSTNode, block: cst.IndentedBlock, ctx: Context) -> bool:
    for earlier in block.body:
        if earlier is statement:
            return False
        guard = early_exit(earlier, (cst.Return, cst.Raise))
        if guard is not None and _says_lambda(guard.test, ctx)[1]:
            return True
    return False


def _says_lambda(test: cst.BaseExpression, ctx: Context) -> Tuple[bool, bool]:
    """(the test being true means Lambda, the test being false means Lambda)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        when_true, when_false = _says_lambda(test.expression, ctx)
        return when_false, when_true
    if isinstance(test, cst.BooleanOperation):
        left, right = _says_lambda(test.left, ctx), _says_lambda(test.right, ctx)
        if isinstance(test.operator, cst.And):
            return left[0] or right[0], left[1] and right[1]
        return left[0] and right[0], left[1] or right[1]
    membership = _membership(test, ctx)
    if membership is not None:
        return (True, False) if membership else (False, True)
    if _reads_lambda_variable(test, ctx):
        return True, False
    return False, False


def _membership(test: cst.BaseExpression, ctx: Context) -> Optional[bool]:
    """True for ``"AWS_LAMBDA_FUNCTION_NAME" in os.environ``, False for ``not in``."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    target = test.comparisons[0]
    if not (_names_lambda_variable(test.left) and ctx.resolves_to(target.comparator, "os.environ")):
        return None
    if isinstance(target.operator, cst.In):
        return True
    if isinstance(target.operator, cst.NotIn):
        return False
    return None


def _reads_lambda_variable(test: cst.BaseExpression, ctx: Context) -> bool:
    """``os.environ.get("LAMBDA_TASK_ROOT")``, ``os.getenv(...)``: true only when it is set."""
    return (
        isinstance(test, cst.Call)
        and bool(test.args)
        and _names_lambda_variable(test.args[0].value)
        and ctx.resolves_to(test.func, *_ENVIRONMENT_READERS)
    )


def _names_lambda_variable(node: cst.BaseExpression) -> bool:
    return string_value(node) in LAMBDA_VARIABLES
