"""Unit checks for AWS201–AWS204 that fixtures cannot express: fix data,
supersession, termination on cycles, and robustness on odd input."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from botolint.engine import analyze_source
from botolint.fixes import Applicability, SessionParameter
from botolint.rules.threads import ClientSharedAcrossFork, DefaultSessionOnWorkerThread, SharedResource, SharedSession


def findings(source: str):
    analysis = analyze_source(textwrap.dedent(source), "example.py")
    assert analysis.error is None
    return analysis.findings


def codes(source: str):
    return sorted((f.line, f.code) for f in findings(source))


def test_worker_thread_default_session_call_carries_aws101_fix_data():
    (finding,) = findings(
        """
        import threading
        import boto3

        def worker():
            return boto3.resource("sqs")

        threading.Thread(target=worker).start()
        """
    )
    assert finding.code == "AWS203"
    assert isinstance(finding.fix, SessionParameter)
    assert finding.fix.kind == "resource"
    assert finding.fix.fallback == "new-session" and finding.fix.applicability is Applicability.UNSAFE
    assert isinstance(finding.fix.function, cst.FunctionDef)
    assert finding.fix.function.name.value == "worker"


def test_lambda_worker_fix_points_at_the_lambda():
    (finding,) = findings(
        """
        import asyncio
        import boto3

        async def main():
            await asyncio.to_thread(lambda: boto3.client("sts").get_caller_identity())
        """
    )
    assert finding.code == "AWS203"
    assert isinstance(finding.fix.function, cst.Lambda)


def test_aws203_replaces_aws101_on_the_same_call_only():
    assert codes(
        """
        import threading
        import boto3

        def worker():
            boto3.client("s3")

        def elsewhere():
            boto3.client("s3")

        threading.Thread(target=worker).start()
        """
    ) == [(6, "AWS203"), (9, "AWS101")]


def test_mutual_recursion_terminates():
    assert codes(
        """
        from concurrent.futures import ThreadPoolExecutor
        import boto3

        def ping(n):
            return pong(n - 1) if n else boto3.client("s3")

        def pong(n):
            return ping(n - 1)

        with ThreadPoolExecutor() as pool:
            pool.submit(ping, 3)
        """
    ) == [(6, "AWS203")]


def test_self_referential_assignments_terminate():
    assert codes(
        """
        import threading
        import boto3

        session = boto3.Session()
        session = session or session
        a = b = None
        a = b
        b = a

        def worker():
            return session.client("s3"), a, b

        threading.Thread(target=worker).start()
        """
    ) == [(12, "AWS201")]


def test_one_finding_per_object_per_function():
    assert codes(
        """
        import threading
        import boto3

        session = boto3.Session()

        def worker():
            session.client("s3")
            session.client("sqs")
            helper()

        def helper():
            session.client("sns")

        threading.Thread(target=worker).start()
        threading.Thread(target=worker).start()
        """
    ) == [(8, "AWS201"), (13, "AWS201")]


def test_thread_and_process_workers_are_told_apart():
    messages = {
        f.line: f.message
        for f in findings(
            """
            import multiprocessing
            import threading
            import boto3

            session = boto3.Session()

            def in_thread():
                session.client("s3")

            def in_process():
                session.client("s3")

            threading.Thread(target=in_thread).start()
            multiprocessing.Process(target=in_process).start()
            """
        )
    }
    assert "is used on another thread" in messages[9]
    assert "is used in another process" in messages[12]
    assert "create the Session in the worker process" in messages[12]


def test_clients_on_threads_are_fine_but_not_across_fork():
    source = """
        import {module}
        import boto3

        s3 = boto3.Session().client("s3")

        def work(key):
            return s3.head_object(Bucket="b", Key=key)

        {module}.{spawn}(target=work, args=("k",)).start()
        """
    assert codes(source.format(module="threading", spawn="Thread")) == []
    assert codes(source.format(module="multiprocessing", spawn="Process")) == [(8, "AWS204")]


@pytest.mark.parametrize(
    "snippet",
    [
        "threading.Thread().start()",
        "threading.Thread(*args, **kwargs).start()",
        "threading.Thread(target=None, args=session).start()",
        "threading.Timer().start()",
        "threading.Thread(target=functools.partial()).start()",
        "threading.Thread(target=functools.partial(*fns)).start()",
        "asyncio.to_thread()",
        "asyncio.to_thread(*fns)",
        "pool = ThreadPoolExecutor(); pool.submit(); pool.map(); pool.submit(*fns)",
        "loop = asyncio.get_running_loop(); loop.run_in_executor()",
        "multiprocessing.get_context(method).Process(target=work).start()",
        "multiprocessing.Pool(initializer=None, initargs=session).apply_async(work, session)",
        "threading.Thread(target=(lambda: work)(), kwargs={**extra}).start()",
        "class T(threading.Thread): run = None",
        "class T(threading.Thread): pass",
        "multiprocessing.set_start_method('\\N{NO SUCH NAME}')",
        "multiprocessing.get_context(b'fork').Pool().map(work, [])",
    ],
)
def test_odd_calls_do_not_crash(snippet):
    source = (
        "import asyncio, functools, multiprocessing, threading\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "import boto3\n"
        "session = boto3.Session()\n"
        "def work(*args):\n"
        "    return session\n"
        f"{snippet}\n"
    )
    analysis = analyze_source(source, "odd.py")
    assert analysis.error is None


def test_rules_are_registered_with_distinct_codes():
    rules = (SharedSession, SharedResource, DefaultSessionOnWorkerThread, ClientSharedAcrossFork)
    assert [rule.code for rule in rules] == [
        "AWS201",
        "AWS202",
        "AWS203",
        "AWS204",
    ]
    assert DefaultSessionOnWorkerThread.supersedes == ("AWS101", "AWS102")


_NAMES = ["session", "s3", "pool", "work", "helper", "table"]
_TEMPLATES = [
    "{a} = boto3.Session()",
    "{a} = {b}.client('s3')",
    "{a} = {b}.resource('s3').Bucket('x')",
    "{a} = {b} or {c}",
    "{a} = ThreadPoolExecutor()",
    "{a} = multiprocessing.Pool()",
    "{a} = functools.partial({b}, {c})",
    "{a} = lambda k: {b}({c}, k)",
    "def {a}(k, {c}: boto3.Session = None):\n    return {b}({c}), boto3.client('s3')",
    "def {a}(self):\n    self.{b} = {c}\n    return self.{c}.submit(self.{a}, self.{b})",
    "{a}.submit({b}, {c})",
    "{a}.map({b}, [{c}])",
    "{a}.apply_async({b}, ({c},))",
    "threading.Thread(target={a}, args=({b},), kwargs=dict(x={c})).start()",
    "multiprocessing.Process(target={a}, args=[{b}]).start()",
    "class {a}(threading.Thread):\n    def run(self):\n        return {b}(self.{c})",
    "class {a}({b}):\n    def {c}(self):\n        return self.{c}()",
    "asyncio.to_thread({a}, {b})",
    "asyncio.get_running_loop().run_in_executor({a}, {b}, {c})",
    "with ThreadPoolExecutor() as {a}:\n    {a}.submit({b}, {c})",
]


def test_generated_thread_programs_terminate_without_crashing():
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies
    name = strategies.sampled_from(_NAMES)
    statement = strategies.builds(
        lambda template, a, b, c, nest: textwrap.indent(template.format(a=a, b=b, c=c), "    " if nest else ""),
        strategies.sampled_from(_TEMPLATES), name, name, name, strategies.booleans(),
    )

    @hypothesis.settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck)
    )
    @hypothesis.given(strategies.lists(statement, min_size=1, max_size=12))
    def check(statements):
        body = []
        for line in statements:
            # Indented statements go into a function so the program stays valid.
            body.append("def main():\n" + line if line.startswith("    ") else line)
        source = (
            "import asyncio, functools, multiprocessing, threading\n"
            "from concurrent.futures import ThreadPoolExecutor\n"
            "import boto3\n" + "\n".join(body) + "\n"
        )
        analysis = analyze_source(source, "generated.py")
        assert analysis.error is None, source
        assert all(f.line >= 1 and f.column >= 1 for f in analysis.findings)

    check()


def test_many_self_referential_assignments_stay_fast():
    # Each line doubles the ways `session` could be reached; expanding every
    # expression once keeps this linear.
    lines = ["session = boto3.Session()"] + ["session = session or session"] * 60
    source = "import threading\nimport boto3\n" + "\n".join(lines) + (
        "\ndef work():\n    return session.client('s3')\n"
        "threading.Thread(target=work).start()\n"
    )
    assert [f.code for f in findings(source)] == ["AWS201"]


@pytest.mark.parametrize(
    "setup, pool, reported",
    [
        ("", "multiprocessing.Pool()", True),
        ("", "multiprocessing.get_context('fork').Pool()", True),
        ("", "multiprocessing.get_context().Pool()", True),
        ("", "multiprocessing.get_context('spawn').Pool()", False),
        ("", "multiprocessing.get_context(method='forkserver').Pool()", False),
        ("multiprocessing.set_start_method('spawn')", "multiprocessing.Pool()", False),
        ("multiprocessing.set_start_method('spawn')", "multiprocessing.get_context().Pool()", False),
        ("multiprocessing.set_start_method('spawn')", "multiprocessing.get_context('fork').Pool()", True),
        ("", "ProcessPoolExecutor()", True),
        ("", "ProcessPoolExecutor(mp_context=multiprocessing.get_context('spawn'))", False),
        ("", "ThreadPoolExecutor()", False),
    ],
)
def test_fork_start_method_decides_aws204(setup, pool, reported):
    source = f"""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
import boto3

s3 = boto3.Session().client("s3")

def fetch(key):
    return s3.get_object(Bucket="b", Key=key)

def main(keys):
    {setup}
    with {pool} as pool:
        return list(pool.map(fetch, keys))
"""
    assert codes(source) == ([(9, "AWS204")] if reported else [])
