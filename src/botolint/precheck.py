"""The text pre-check: which sources can hold a finding at all.

Every rule is about boto3, so a file whose text never says ``boto3`` holds no
finding of its own: it is not parsed, and nothing heavy (LibCST, the rules,
boto3 itself) is imported to find that out. Such a file can still use a
Session, client or resource that another module of its project makes, on a
worker or per Lambda invocation: ``Project.may_hold_findings`` decides that
from the project index.
"""

from __future__ import annotations

from typing import Union

TRIGGER = "boto3"
_TRIGGER_BYTES = TRIGGER.encode()


def may_have_findings(source: Union[str, bytes]) -> bool:
    return (_TRIGGER_BYTES if isinstance(source, bytes) else TRIGGER) in source

