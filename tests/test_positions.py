"""Positions computed one statement at a time agree with a full codegen pass."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from botolint.positions import node_positions
from botolint.semantic import SemanticModel

CASES = {
    "semicolons": 'import boto3; a = 1\nx = 1; y = boto3.client("s3")\n',
    "decorators_and_comments": (
        "#!/usr/bin/env python\n# header comment\n\nimport boto3\n\n\n# leading comment\n"
        "@decorate(boto3.client('a'))\n\n# between\n@other\ndef f():\n    '''doc\n\n    '''\n"
        "    return boto3.client('b')\n"
    ),
    "crlf": "import boto3\r\n\r\ndef f():\r\n    return (\r\n        boto3.client('s3'))\r\n",
    "lone_cr": "import boto3\r\rdef f():\r    return boto3.client('s3')\r",
    "multiline_string_first": (
        'X = """\nboto3.client("no")\n"""\nimport boto3\nif __name__ == "__main__":\n    boto3.client("s3")\n'
    ),
    "tabs_and_form_feed": "import boto3\n\x0c\nclass A:\n\tdef m(self):\n\t\treturn boto3.client('s3')\n",
    "methods_of_classes": (
        "import boto3\n\n\nclass Outer:\n    # about the class\n    X = boto3.client('x')\n\n"
        "    @property\n    # between decorators\n    @cached\n    def m(self):\n        # first comment\n"
        "        a = 1; b = boto3.client('m')\n        return b\n\n"
        "    class Inner:\n      async def run(self):\n          if True:\n"
        "              return boto3.client('inner')\n\n    def one_line(self): return boto3.client('one')\n"
    ),
    "mixed_indents": (
        "import boto3\nclass A:\n\tdef m(self):\n\t    x = (\n\t\tboto3.client('s3'))\n"
        "\t    return x\n\tdef n(self):\n\t  return boto3.client('n')\n"
    ),
}


def _calls(source: str):
    module = cst.parse_module(source)
    model = SemanticModel(module, frozenset({cst.Call}))
    calls = [c for c in model.collected if model.qualified_names(c.func) == {"boto3.client"}]
    return module, model, calls


@pytest.mark.parametrize("name", sorted(CASES))
def test_per_statement_positions_match_full_codegen(name):
    source = CASES[name]
    module, model, calls = _calls(source)
    assert calls
    full = node_positions(module, calls)
    fast = node_positions(module, calls, parents=model.parents, python_tree=ast.parse(source))
    assert fast == full


@pytest.mark.parametrize("name", sorted(CASES))
def test_positions_point_at_the_call(name):
    source = CASES[name]
    module, model, calls = _calls(source)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    positions = node_positions(module, calls, parents=model.parents, python_tree=ast.parse(source))
    for call in calls:
        line, column = positions[call]
        rest = "\n".join([lines[line - 1][column - 1 :], *lines[line:]])
        # A parenthesized call starts at its opening parenthesis.
        assert rest.lstrip("(\n \t").startswith("boto3.client(")


def test_trees_that_disagree_fall_back_to_full_codegen():
    source = "import boto3\nboto3.client('s3')\n"
    module, model, calls = _calls(source)
    other_tree = ast.parse("pass\npass\npass\n")
    assert node_positions(module, calls, parents=model.parents, python_tree=other_tree) == {calls[0]: (2, 1)}


def test_a_method_is_generated_without_the_rest_of_its_class(monkeypatch):
    import botolint.positions as positions

    source = CASES["methods_of_classes"]
    module, model, calls = _calls(source)
    method_call = [call for call in calls if call.args[0].value.value == "'m'"]
    generated = []
    real = positions._generate
    monkeypatch.setattr(positions, "_generate", lambda m, root, *rest: generated.append(root) or real(m, root, *rest))
    assert node_positions(module, method_call, parents=model.parents, python_tree=ast.parse(source)) == {
        method_call[0]: (13, 20)
    }
    # The statement of the method that holds the call, not the class around it.
    assert [type(root) for root in generated] == [cst.SimpleStatementLine]
