"""Which modules the project layer reads. Following the calls of code that
runs on worker threads stops at a module that can lead nowhere else (it
imports no module of the project and leaves no method to subclasses): a
generated parser is not summarised, however much of it a worker runs. A module
with an abstract method is read, since a call of it runs an override elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from botolint import runner
from botolint.cache import Cache
from botolint.config import load_config
from botolint.discovery import iter_python_files
from botolint.engine import analyze_source
from botolint.kinds import ObjectKind, kinds_in
from botolint.project import reach
from botolint.project.facts import ARGUMENT_HOPS
from botolint.project import project as project_module
from botolint.project.imports import imported_names
from botolint.project.project import ProjectIndex
from botolint.project.projects import Projects
from botolint.project.summary import decode
from botolint.rule import all_rules
from fixture_support import ROOT

PROJECT = ROOT / "fixtures" / "projects" / "generated_parser"


def _write_project(root: Path, name: str, files: dict) -> Path:
    """A project named ``name`` at ``root`` (a ``pyproject.toml``) with ``files``, by relative path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def _check_with_cache(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    cache = Cache(tmp_path / "cache", "test")
    reports = list(runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1))
    found = sorted((Path(r.path).name, f.line, f.code) for r in reports for f in r.findings)
    return project / "src" / "rules_engine", cache, found


def _summarised(cache: Cache, path: Path) -> bool:
    return cache.get_summary(path.read_bytes()) is not None


def test_a_module_that_leads_nowhere_else_is_not_read(tmp_path: Path):
    package, cache, found = _check_with_cache(tmp_path)
    assert found == [("actions.py", 7, "AWS203"), ("actions.py", 12, "AWS203")]
    assert not _summarised(cache, package / "grammar.py")
    # The abstract method's module is read: the override it runs is found (actions.py:12).
    assert _summarised(cache, package / "visitor.py")


def test_a_parser_that_calls_back_into_the_project_is_read(tmp_path: Path):
    # The twin: the same parser, now logging each rule through a project module.
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    package = project / "src" / "rules_engine"
    with (package / "actions.py").open("a") as actions:
        actions.write('\n\ndef log_rule(name):\n    boto3.client("logs").put_log_events(logGroupName=name)\n')
    grammar = package / "grammar.py"
    text = grammar.read_text().replace("import re\n", "import re\n\nfrom rules_engine.actions import log_rule\n", 1)
    call = "        name = self.match()\n"
    grammar.write_text(text.replace(call, call + "        log_rule(name)\n"))
    cache = Cache(tmp_path / "cache", "test")
    found = [
        (Path(report.path).name, finding.line, finding.code, finding.message)
        for report in runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1)
        for finding in report.findings
    ]
    assert _summarised(cache, grammar)
    assert [(name, line, code) for name, line, code, _ in found] == [
        ("actions.py", 7, "AWS203"), ("actions.py", 12, "AWS203"), ("actions.py", 16, "AWS203")
    ]
    assert "(evaluate_all -> evaluate -> Parser.rule_set -> Parser.rule -> log_rule)" in found[2][3]


MIXINS = ROOT / "fixtures" / "projects" / "mixin_backend"


def _check_mixins(tmp_path: Path, edit=None):
    project = tmp_path / "project"
    shutil.copytree(MIXINS, project)
    package = project / "src" / "fleet"
    if edit is not None:
        edit(package)
    cache = Cache(tmp_path / "cache", "test")
    reports = list(runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1))
    found = sorted((Path(r.path).name, f.line, f.code) for r in reports for f in r.findings)
    return package, cache, found


def test_a_base_class_whose_text_cannot_have_the_member_is_not_read(tmp_path: Path):
    package, cache, found = _check_mixins(tmp_path)
    assert found == [("audit.py", 6, "AWS203"), ("templates.py", 6, "AWS203")]
    # Base-free classes whose modules never spell the member looked for.
    assert not _summarised(cache, package / "instances.py")
    assert not _summarised(cache, package / "volumes.py")
    # Never spells record_event either, but has a base that may define it (and does).
    assert _summarised(cache, package / "reporting.py")


def test_a_base_class_bound_another_way_too_is_read(tmp_path: Path):
    # The twin: the module may bind the name to an imported class instead, which has the member.
    def import_a_legacy_mixin(package: Path) -> None:
        (package / "legacy.py").write_text(
            "import boto3\n\n\nclass InstanceMixin:\n"
            "    def describe_template(self, name):\n"
            '        return boto3.client("ec2").describe_launch_templates(LaunchTemplateNames=[name])\n'
        )
        instances = package / "instances.py"
        text = instances.read_text().replace("\n    ", "\n        ").replace("class ", "    class ", 1)
        chosen = "import os\n\nif os.environ.get('LEGACY'):\n    from fleet.legacy import InstanceMixin\nelse:\n"
        instances.write_text(chosen + text)

    package, cache, found = _check_mixins(tmp_path, import_a_legacy_mixin)
    assert _summarised(cache, package / "instances.py")
    assert ("legacy.py", 6, "AWS203") in found


@pytest.mark.parametrize(
    ("text", "lacks"),
    [
        ("class Mixin:\n    def other(self):\n        pass\n", True),
        ("class Mixin(object):\n    x = 1\n", True),
        ("class Mixin():\n    pass\n", True),
        ("class Mixin:\n    def other(self):\n        return self.wanted(1) + self.wanted (2)\n", True),  # calls it
        ("class Mixin:\n    def wanted(self):\n        pass\n", False),  # defines it
        ("class Mixin:\n    def other(self):\n        return self.wanted(1)\n\n    wanted = f\n", False),
        ("class Mixin:\n    def other(self):\n        return self.wanted\n", False),  # reads it: may be set elsewhere
        ("class Mixin:\n    def other(self):\n        self.wanted: int = 1\n        self.wanted(1)\n", False),
        ("class Mixin:\n    def other(self):\n        self.wanted = 1\n", False),  # assigns it
        ("class Mixin(Base):\n    pass\n", False),  # may inherit it
        ("class Mixin(metaclass=Meta):\n    pass\n", False),  # a metaclass may add it
        ("class Mixin:\n    pass\n\n\nMixin = make_mixin()\n", False),  # bound again
        ("from elsewhere import Mixin\n", False),  # no class statement here
        ("def f():\n    pass\n", False),  # no such name
    ],
)
def test_what_the_text_shows_of_a_class_member(tmp_path: Path, text: str, lacks: bool):
    module = _write_project(tmp_path, "p", {"p/__init__.py": "", "p/mixins.py": text}) / "p" / "mixins.py"
    project = Projects(load_config(tmp_path), None).of(module)
    assert project.lacks_member("p.mixins", "Mixin", "wanted") is lacks


IMPORTERS = ROOT / "fixtures" / "projects" / "test_importers"


def _recording_summaries(monkeypatch, root: Path) -> list:
    """The files (relative to ``root``) that the project layer summarises from now on, as it reads them."""
    read: list = []
    summary_of = Projects.summarise

    def recording(self, path):
        read.append(path.relative_to(root).as_posix())
        return summary_of(self, path)

    monkeypatch.setattr(Projects, "summarise", recording)
    return read


def _summarised_checking_helpers(monkeypatch) -> tuple:
    """What checking tests/helpers.py alone (no cache) summarises, and finds."""
    read = _recording_summaries(monkeypatch, IMPORTERS)
    helpers = IMPORTERS / "tests" / "helpers.py"
    reports = runner.check_paths([helpers], load_config(IMPORTERS), all_rules(), cache=None, jobs=1)
    found = [(f.line, f.code) for report in reports for f in report.findings]
    return sorted(set(read)), found


def test_a_test_module_whose_threads_cannot_run_the_checked_code_is_not_parsed(monkeypatch):
    read, found = _summarised_checking_helpers(monkeypatch)
    assert found == [(5, "AWS203")]
    assert "tests/test_queue_race.py" in read  # its threads run queue_client
    assert "tests/test_balance.py" not in read  # its thread runs a lambda that uses nothing of helpers


def test_a_test_module_that_leads_into_too_much_of_the_project_is_parsed_instead(monkeypatch):
    # The twin: where ruling it out would parse more modules than it saves, it is summarised, with the same findings.
    monkeypatch.setattr(reach, "PARSE_AT_MOST", 0)
    read, found = _summarised_checking_helpers(monkeypatch)
    assert found == [(5, "AWS203")]
    assert "tests/test_balance.py" in read


SHIPPING = {
    "shipping/__init__.py": "",
    "shipping/processor.py": "class Processor:\n    def __init__(self, session):\n        self.session = session\n",
    "shipping/cli.py": (
        "import boto3\n\nfrom shipping.processor import Processor\n\n\n"
        "def main():\n    Processor(boto3.Session())\n\n\n"
        "def replay(config):\n    Processor(config.session)\n"
    ),
    "shipping/admin.py": (
        "import boto3\n\nfrom shipping.processor import Processor\n\n\n"
        "def rerun():\n    Processor(boto3.Session(profile_name='ops'))\n"
    ),
}


def _session_passed_to_processor(tmp_path: Path, monkeypatch, files: dict) -> tuple:
    """What the callers of ``Processor`` pass for its session, asked once
    ``processor.py`` and ``cli.py`` are summarised (the run's modules), and
    which other modules answering it read."""
    _write_project(tmp_path, "shipping", files)
    read = _recording_summaries(monkeypatch, tmp_path)
    project = Projects(load_config(tmp_path), None).of(tmp_path / "shipping" / "cli.py")
    for module in ("shipping.processor", "shipping.cli"):
        project.summary(module)
    read.clear()
    facts = project.facts(["shipping.cli", "shipping.processor"])
    passed = facts.passed_for(("shipping.processor", "Processor.__init__"), 1, ARGUMENT_HOPS)
    return kinds_in(passed), read


def test_a_caller_already_read_that_passes_something_unknown_settles_what_is_passed(tmp_path: Path, monkeypatch):
    kinds, read = _session_passed_to_processor(tmp_path, monkeypatch, SHIPPING)
    assert kinds == frozenset()  # replay passes an attribute of its parameter: not known
    assert "shipping/admin.py" not in read


def test_a_caller_not_read_yet_is_read_when_the_others_pass_what_is_known(tmp_path: Path, monkeypatch):
    # The twin: without replay, what admin.py passes decides, so it is read.
    files = dict(SHIPPING, **{"shipping/cli.py": SHIPPING["shipping/cli.py"].partition("\n\n\ndef replay")[0] + "\n"})
    kinds, read = _session_passed_to_processor(tmp_path, monkeypatch, files)
    assert kinds == frozenset({ObjectKind.SESSION})
    assert "shipping/admin.py" in read


def _index_reads_in_first_pass(tmp_path: Path, monkeypatch, checked: Path) -> list:
    """The files the project index reads itself while the first pass of a
    check of ``checked`` decides which files need parsing."""
    report = "from shipping.processor import Processor\n"
    _write_project(tmp_path, "shipping", {**SHIPPING, "shipping/report.py": report})
    read: list = []
    text_at = ProjectIndex._text_at
    monkeypatch.setattr(ProjectIndex, "_text_at", lambda self, path: read.append(path.name) or text_at(self, path))
    config = load_config(tmp_path)
    files = list(iter_python_files([checked], config.exclude))
    parsed = list(runner._first_pass(files, config, None, Projects(config, None), []))
    assert sorted(path.name for path in parsed) == ["admin.py", "cli.py"]
    return read


def test_the_index_does_not_read_again_what_the_first_pass_read(tmp_path: Path, monkeypatch):
    assert _index_reads_in_first_pass(tmp_path, monkeypatch, tmp_path) == []


def test_the_index_reads_the_project_files_that_the_run_does_not(tmp_path: Path, monkeypatch):
    # The twin: checking only the package's modules but one, the index reads that one itself.
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "nightly.py").write_text("from shipping.cli import main\n\nmain()\n")
    read = _index_reads_in_first_pass(tmp_path, monkeypatch, tmp_path / "shipping")
    assert set(read) == {"nightly.py"}  # for its imports, then for the rest of what its text says


def _lambda_module_and_importers_asked(tmp_path: Path, monkeypatch, module: str) -> tuple:
    _write_project(tmp_path, "orders", {
        "orders/__init__.py": "",
        "orders/handler.py": "from orders.store import save\n\n\ndef handler(event, context):\n    save(event)\n",
        "orders/store.py": "import boto3\n\n\ndef save(item):\n    boto3.client('s3').put_object(Body=item)\n",
        "tests/test_store.py": "from orders.store import save\n\n\ndef test_save():\n    save('x')\n",
    })
    asked: list = []
    importers = ProjectIndex.importers
    monkeypatch.setattr(ProjectIndex, "importers", lambda self, name: asked.append(name) or importers(self, name))
    project = Projects(load_config(tmp_path), None).of(tmp_path / "orders" / "store.py")
    return project.facts([module]).lambda_module(module), asked


def test_a_test_module_is_no_lambda_module_and_its_importers_are_not_looked_up(tmp_path: Path, monkeypatch):
    assert _lambda_module_and_importers_asked(tmp_path, monkeypatch, "tests.test_store") == (False, [])


def test_a_module_only_handlers_import_is_a_lambda_module(tmp_path: Path, monkeypatch):
    # The twin: the product module it tests is found by its importers (the test among them does not count).
    assert _lambda_module_and_importers_asked(tmp_path, monkeypatch, "orders.store") == (True, ["orders.store"])


def _imports_scanned_per_run(tmp_path: Path, monkeypatch, runs: int) -> list:
    """How many files' imports each of ``runs`` checks of the shipping project
    (one cache) reads from their text."""
    project = _write_project(tmp_path / "project", "shipping", SHIPPING)
    scanned: list = []
    monkeypatch.setattr(project_module, "imported_names", lambda data: scanned.append(1) or imported_names(data))
    counts = []
    for _ in range(runs):
        cache = Cache(tmp_path / "cache", "test")
        list(runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1))
        counts.append(len(scanned))
        scanned.clear()
    return counts


def test_a_warm_run_takes_the_index_from_the_cache(tmp_path: Path, monkeypatch):
    cold, warm = _imports_scanned_per_run(tmp_path, monkeypatch, runs=2)
    assert cold == len(SHIPPING) + 2  # each file's for the index, then the two that never say boto3
    assert warm == 2  # only those two again: whether they can use what other modules make


CLIENT_PER_CALL = "import boto3\n\n\ndef fetch(key):\n    return boto3.client('s3').get_object(Bucket='b', Key=key)\n"


def _questions_asked(tmp_path: Path, name: str) -> set:
    """The kinds of project question that analyzing ``name`` (a module making a client on each call) asks."""
    path = _write_project(tmp_path, "orders", {name: CLIENT_PER_CALL}) / name
    config = load_config(tmp_path)
    project = Projects(config, None).of(path)
    analysis = analyze_source(path.read_bytes(), str(path), config=config, project=project, reach=False)
    return {decode(question)[0] for question, _ in analysis.dependencies}


def test_a_test_module_asks_nobody_whether_it_is_lambda_code(tmp_path: Path):
    assert not {"invocations", "lambda_module"} & _questions_asked(tmp_path, "tests/test_fetch.py")


def test_a_product_module_asks_whether_it_is_lambda_code(tmp_path: Path):
    # The twin: the same code in the product is Lambda code if only handlers run it, which the project answers.
    assert {"invocations", "lambda_module"} <= _questions_asked(tmp_path, "orders/fetch.py")
