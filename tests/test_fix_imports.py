"""Where ``fix`` puts ``import boto3``: isort's sections and order, and under
``if TYPE_CHECKING:`` when only an annotation needs it in a module that does
not import boto3 at import time."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from botolint.fix.imports import add_boto3_import, imports_boto3_at_import_time


def _added(source: str, typing_only: bool = False, first_party=("mypkg",)) -> str:
    module = cst.parse_module(textwrap.dedent(source))
    return add_boto3_import(module, list(first_party), typing_only).code


@pytest.mark.parametrize(
    "before, after",
    [
        # a new third-party section between the standard library and first-party code
        ("import os\nfrom mypkg import x\n", "import os\n\nimport boto3\n\nfrom mypkg import x\n"),
        # before relative imports, not after them (ruff I001 in pydantic-settings)
        ("import os\n\nfrom .env import y\n", "import os\n\nimport boto3\n\nfrom .env import y\n"),
        # among third-party straight imports, sorted; before the from-imports
        (
            "import attr\nimport yaml\nfrom botocore import x\n",
            "import attr\nimport boto3\nimport yaml\nfrom botocore import x\n",
        ),
        ("from botocore import x\n", "import boto3\nfrom botocore import x\n"),
        # after a docstring and __future__
        (
            '"""Doc."""\nfrom __future__ import annotations\n\nx = 1\n',
            '"""Doc."""\nfrom __future__ import annotations\n\nimport boto3\n\nx = 1\n',
        ),
        # a comment above the next import stays with it
        ("import attr\n# the parser\nimport yaml\n", "import attr\nimport boto3\n# the parser\nimport yaml\n"),
    ],
)
def test_isort_placement(before, after):
    assert _added(before) == after


def test_annotation_only_in_a_lazy_module_goes_under_type_checking():
    before = "import os\nfrom typing import Any\n\n\ndef f():\n    import boto3\n"
    after = (
        "import os\nfrom typing import TYPE_CHECKING, Any\n\nif TYPE_CHECKING:\n    import boto3\n\n\n"
        "def f():\n    import boto3\n"
    )
    assert _added(before, typing_only=True) == after


def test_annotation_only_joins_an_existing_type_checking_block():
    before = (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from yaml import Loader\n"
        "\n    from mypkg import x\n"
    )
    after = (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import boto3\n    from yaml import Loader\n"
        "\n    from mypkg import x\n"
    )
    assert _added(before, typing_only=True) == after


def test_a_new_section_in_a_type_checking_block_is_set_off_by_an_empty_line():
    """The blank line between the sections is empty, not the block's indent
    (black and W293 would flag a line of spaces; aws-sam-cli's sync command)."""
    added = _added(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from mypkg.build import Context\n",
        typing_only=True,
    )
    assert added == (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    import boto3\n\n    from mypkg.build import Context\n"
    )


def test_annotation_only_with_boto3_imported_at_import_time_is_a_plain_import():
    assert _added("from boto3 import client\n", typing_only=True) == "import boto3\nfrom boto3 import client\n"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import boto3\n", True),
        ("from boto3.session import Session\n", True),
        ("def f():\n    import boto3\n", False),
        ("try:\n    import boto3\nexcept ImportError:\n    boto3 = None\n", False),
        ("import boto3_helpers\n", False),
    ],
)
def test_imports_boto3_at_import_time(source, expected):
    assert imports_boto3_at_import_time(cst.parse_module(source)) is expected


def test_first_import_after_a_docstring_keeps_the_blank_line():
    before = '"""Doc."""\n\nx = None\n'
    assert _added(before) == '"""Doc."""\n\nimport boto3\n\nx = None\n'
    assert _added(before, typing_only=True) == (
        '"""Doc."""\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import boto3\n\nx = None\n'
    )
