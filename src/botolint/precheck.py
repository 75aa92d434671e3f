"""The text pre-check: which sources can hold a finding at all.

Every rule is about boto3, so a file whose text never says ``boto3`` holds no
finding: it is not parsed, and nothing heavy (LibCST, the rules, boto3 itself)
is imported to find that out.
"""

from __future__ import annotations

from typing import Union

TRIGGER = "boto3"
_TRIGGER_BYTES = TRIGGER.encode()


def may_have_findings(source: Union[str, bytes]) -> bool:
    return (_TRIGGER_BYTES if isinstance(source, bytes) else TRIGGER) in source
