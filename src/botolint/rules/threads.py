"""AWS201–AWS204: boto3 objects shared with code that runs on another thread or
process. What runs where comes from the project layer (``botolint.project``),
what is shared from ``rules/_sharing.py``."""

from __future__ import annotations

from botolint.fixes import Applicability, SessionParameter
from botolint.rule import Context, Rule
from botolint.kinds import ObjectKind
from botolint.rules._sharing import SharedUse, concurrency_facts, object_text


class _SharedObject(Rule):
    """Reports the shared boto3 objects of one kind found in the file."""

    kind: ObjectKind
    # What to do instead when a thread is involved; processes get "create it in the worker".
    thread_advice = ""

    def finish(self, ctx: Context) -> None:
        for use in concurrency_facts(ctx).shared:
            if self.applies(use):
                text = object_text(ctx, use.node)
                where = self.where(use)
                if use.origins and not use.passed:
                    where += f" {ctx.project.where(self.origin(use))}"
                ctx.report(self, use.node, name=text, where=where, advice=self.advice(use))

    def origin(self, use: SharedUse):
        return use.origins[0]

    def applies(self, use: SharedUse) -> bool:
        return self.kind in use.kinds

    def where(self, use: SharedUse) -> str:
        if use.passed:
            return f"is passed to code that runs {use.worker_text()}"
        return f"is used {use.worker_text()}"

    def advice(self, use: SharedUse) -> str:
        if use.only_processes():
            return f"create the {self.kind.value} in the worker process"
        return self.thread_advice


class SharedSession(_SharedObject):
    """
    ## What it does
    Flags a `boto3.Session` made on one thread or process and used by code that
    runs on another: code started with `threading.Thread` / `threading.Timer`
    (or a `Thread` subclass's `run`), submitted to a `ThreadPoolExecutor` or
    `ProcessPoolExecutor`, run by `multiprocessing.Process` or a
    `multiprocessing` pool, or handed to `asyncio.to_thread` /
    `loop.run_in_executor`. The functions that code calls are followed too,
    in any module of the project, and the finding says where the threads
    start (`started at pkg/jobs.py:8 (upload_all -> upload)`).

    A Session is shared when the worker's code reads a module global, a
    variable of an enclosing function (a closure or lambda), or a `self`
    attribute assigned outside the worker's code, or when the Session is passed
    in (`args=(session,)`, `pool.submit(work, session)`,
    `functools.partial(work, session)`, a default argument value
    `def work(key, session=SESSION)`), or when one of its methods is the
    worker's target (`pool.map(session.client, services)`). Sessions are
    `boto3.Session(...)`, `boto3.session.Session(...)`, what project
    functions that return one give (factories, in any module), module-level
    Sessions of other modules, and parameters annotated `boto3.Session`
    (`Optional[...]` and `"boto3.Session"` included).

    The finding points at the first use in each function of the worker's code,
    or at the argument that passes the Session in.

    ## Why is this bad?
    boto3's Session guide says Session objects are not thread safe and that a
    new Session should be created for each thread or process. A Session holds
    the credential resolver, the loaders and the client-creation caches; using
    one from several threads at once races inside them (the failures of
    boto3 issues #1592, #2750 and #801: `KeyError: 'credential_provider'`,
    `'endpoint_resolver'`).

    Not reported: a Session made inside the worker's own code, one kept in a
    `threading.local()`, or one used only on the thread that made it. Clients
    made from a Session *before* the threads start are the recommended way to
    share (clients are thread safe).

    Not detected: Sessions shared through containers (`args=(sessions[0],)`),
    through the iterables of `map` / `starmap`, or through a global that the
    worker's own code assigns with `global` (made lazily on the first thread,
    then shared); executors and event loops that only arrive as untyped
    parameters.

    ## Example
    ```python
    import boto3
    from concurrent.futures import ThreadPoolExecutor

    session = boto3.Session(profile_name="ops")

    def copy(key):
        s3 = session.client("s3")
        s3.copy_object(Bucket="backup", Key=key, CopySource={"Bucket": "live", "Key": key})

    with ThreadPoolExecutor() as pool:
        pool.map(copy, keys)
    ```

    ## Use instead
    ```python
    import boto3
    from concurrent.futures import ThreadPoolExecutor

    # Clients are thread safe: make one on the main thread and share it.
    s3 = boto3.Session(profile_name="ops").client("s3")

    def copy(key):
        s3.copy_object(Bucket="backup", Key=key, CopySource={"Bucket": "live", "Key": key})

    with ThreadPoolExecutor() as pool:
        pool.map(copy, keys)
    ```

    ## Fix safety
    Not fixed automatically: whether to share one client or make a Session per
    thread depends on the code.

    ## Where it does not apply
    Worker-thread code is found across the project: the functions the worker's
    entry calls, in any module, transitively; a project's own wrappers
    (`run_parallel(fn, items)` around a thread pool, `start_thread(target)`
    around `threading.Thread`, a decorator that starts a thread); methods of
    objects whose methods a pool runs; executors returned by project functions
    or chosen by an expression (`debug and SerialExecutor or ThreadPoolExecutor`).
    A call through dynamic dispatch, a module outside the project, or a
    callable that only arrives as a parameter is not followed: no finding.

    Not for a Session made in the worker's own code, kept in a
    `threading.local()`, or used only on the thread that made it, nor for a value
    that is a Session on one path and something else (a `requests.Session`) on
    the one that reaches the worker.

    ## References
    - boto3 Session guide (multithreading or multiprocessing): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 clients guide (multithreading or multiprocessing with clients): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    - boto3 issue #2750: https://github.com/boto/boto3/issues/2750
    - boto3 issue #801: https://github.com/boto/boto3/issues/801
    """

    code = "AWS201"
    name = "session-shared-across-threads"
    title = "A boto3 Session shared with another thread or process"
    message = "boto3 Session `{name}` {where}: Sessions are not thread safe; {advice}"
    thread_advice = "create a Session in that code, or share a client made before the threads start"
    kind = ObjectKind.SESSION


class SharedResource(_SharedObject):
    """
    ## What it does
    Flags a boto3 resource object made on one thread or process and used by
    code that runs on another (the same entry points and sharing paths as
    AWS201, including a resource method as the target:
    `pool.submit(bucket.upload_file, path, key)`). Resources are `boto3.resource(...)`, `session.resource(...)` and
    the sub-resources made from them: `s3.Bucket(...)`, `ddb.Table(...)`,
    `bucket.Object(...)` (CamelCase calls on a resource).

    ## Why is this bad?
    boto3's documentation says resource instances are not thread safe and
    should not be shared across threads or processes: each thread should create
    its own resource from its own Session. A resource keeps mutable state
    (loaded attributes, its `meta` data) that concurrent calls overwrite.

    Not reported: a resource made inside the worker's own code or kept in a
    `threading.local()`. Resource *collections* (`bucket.objects.all()`) and
    resources reached through containers or objects from other modules are not
    followed.

    ## Example
    ```python
    import threading

    import boto3

    table = boto3.Session().resource("dynamodb").Table("orders")

    def save(orders):
        for order in orders:
            table.put_item(Item=order)

    threads = [threading.Thread(target=save, args=(batch,)) for batch in batches]
    ```

    ## Use instead
    ```python
    import threading

    import boto3

    def save(orders):
        table = boto3.Session().resource("dynamodb").Table("orders")
        for order in orders:
            table.put_item(Item=order)

    threads = [threading.Thread(target=save, args=(batch,)) for batch in batches]
    ```

    ## Fix safety
    Not fixed automatically: the resource has to be created in each worker,
    which changes how many are made.

    ## Where it does not apply
    Worker-thread code is found across the project: the functions the worker's
    entry calls, in any module, transitively; a project's own wrappers
    (`run_parallel(fn, items)` around a thread pool, `start_thread(target)`
    around `threading.Thread`, a decorator that starts a thread); methods of
    objects whose methods a pool runs; executors returned by project functions
    or chosen by an expression (`debug and SerialExecutor or ThreadPoolExecutor`).
    A call through dynamic dispatch, a module outside the project, or a
    callable that only arrives as a parameter is not followed: no finding.

    Not for a resource made in the worker's own code or kept in a
    `threading.local()`; resource collections (`bucket.objects.all()`) are not
    followed.

    ## References
    - boto3 resources guide (multithreading or multiprocessing with resources): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/resources.html
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 clients guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    - boto3 issue #2750: https://github.com/boto/boto3/issues/2750
    - boto3 issue #801: https://github.com/boto/boto3/issues/801
    """

    code = "AWS202"
    name = "resource-shared-across-threads"
    title = "A boto3 resource shared with another thread or process"
    message = "boto3 resource `{name}` {where}: resources are not thread safe; {advice}"
    thread_advice = "create the resource from a new Session in that code"
    kind = ObjectKind.RESOURCE


class DefaultSessionOnWorkerThread(Rule):
    """
    ## What it does
    Flags `boto3.client(...)` and `boto3.resource(...)` called by code that runs
    on a worker thread: a `threading.Thread` target or `run` method, a function
    submitted to a `ThreadPoolExecutor` or a `multiprocessing` thread pool,
    `asyncio.to_thread` / `loop.run_in_executor`, and the functions those
    call, in any module of the project. The message says where the threads
    start and how the call is reached (`started at pkg/jobs.py:8 (upload_all
    -> upload)`). It replaces AWS101/AWS102 for that call.

    ## Why is this bad?
    Both functions go through boto3's one process-wide default session, and
    creating clients from one Session on several threads at once is a race:
    the well-known `KeyError: 'credential_provider'` and
    `KeyError: 'endpoint_resolver'` of boto3 issues #1592, #2750 and #801. It
    fails rarely and under load, so tests seldom catch it.

    Processes (`multiprocessing`, `ProcessPoolExecutor`) are not reported here:
    each has its own default session.

    ## Example
    ```python
    import boto3
    from concurrent.futures import ThreadPoolExecutor

    def size(key):
        s3 = boto3.client("s3")
        return s3.head_object(Bucket="data", Key=key)["ContentLength"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        total = sum(pool.map(size, keys))
    ```

    ## Use instead
    ```python
    import boto3
    from concurrent.futures import ThreadPoolExecutor

    s3 = boto3.Session().client("s3")  # once, before the threads start

    def size(key):
        return s3.head_object(Bucket="data", Key=key)["ContentLength"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        total = sum(pool.map(size, keys))
    ```

    ## Fix safety
    Unsafe: `botolint fix` rewrites these calls only with `--unsafe-fixes`
    (or when `--fallback new-session` asks for its behaviour everywhere).
    The function gets the keyword-only `session=None` parameter of the
    AWS101/AWS102 fix, but the call falls back to a Session of its own,
    `(session or boto3.Session()).client("s3")`, whatever `--fallback` says:
    keeping the default session (`(session or boto3)`) would keep the race,
    while a Session made by the call on its own thread shares nothing, so the
    fix is safe for threads. A caller that passes a session must give each
    thread its own (AWS201). A function nobody can pass a session (one handed
    to a pool as a callback, a `Thread` subclass's `run`) gets no parameter:
    the call becomes `boto3.Session().client("s3")`. `--add-to-callers` never
    hands a session along inside worker code.

    It changes behaviour for callers that pass no session, which is why it is
    opt-in: each call makes a new Session (it loads the service models again,
    so it is slower), `boto3.setup_default_session(...)` (a profile or region
    chosen there) no longer applies, patches of `boto3.client` /
    `boto3.resource` no longer intercept the call (moto's `mock_aws` still
    does), and `client.exceptions.*` classes differ from those of clients made
    elsewhere (catching them from the same client, or catching botocore's
    `ClientError`, still works). Credentials and region still come from the
    environment and config files. Without `--unsafe-fixes` the finding is
    listed as left.

    ## Where it does not apply
    Worker-thread code is found across the project: the functions the worker's
    entry calls, in any module, transitively; a project's own wrappers
    (`run_parallel(fn, items)` around a thread pool, `start_thread(target)`
    around `threading.Thread`, a decorator that starts a thread); methods of
    objects whose methods a pool runs; executors returned by project functions
    or chosen by an expression (`debug and SerialExecutor or ThreadPoolExecutor`).
    A call through dynamic dispatch, a module outside the project, or a
    callable that only arrives as a parameter is not followed: no finding.

    Not for processes (`multiprocessing`, `ProcessPoolExecutor`): each has its
    own default session. Reported in test code too: a race on worker threads is
    a bug there as well.

    ## References
    - boto3 clients guide (multithreading or multiprocessing with clients): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    - boto3 issue #2750: https://github.com/boto/boto3/issues/2750
    - boto3 issue #801: https://github.com/boto/boto3/issues/801
    """

    code = "AWS203"
    name = "default-session-on-worker-thread"
    title = "boto3.client()/boto3.resource() on a worker thread races in the default session"
    message = (
        "boto3.{kind}() runs on worker threads {where}: it races inside the shared default session "
        "(boto3#1592); {advice}"
    )
    supersedes = ("AWS101", "AWS102")
    # Clients may be shared by threads; resources may not (AWS202).
    ADVICE = {
        "client": "create the client once before starting the threads, or a Session per thread",
        "resource": "create a Session per thread and the resource from it",
    }

    fix_applicability = Applicability.UNSAFE
    UNSAFE_REASON = (
        "needs --unsafe-fixes (or --fallback new-session): its fix makes a new boto3.Session() per call, "
        "which ignores setup_default_session() and patches of boto3.client/resource"
    )

    def finish(self, ctx: Context) -> None:
        for found in concurrency_facts(ctx).default_session_calls:
            fix = SessionParameter(
                function=found.function, call=found.call, kind=found.kind, fallback="new-session",
                applicability=Applicability.UNSAFE, unsafe_reason=self.UNSAFE_REASON,
            )
            where = ctx.project.where(found.origin)
            ctx.report(self, found.call, fix=fix, kind=found.kind, where=where, advice=self.ADVICE[found.kind])


class ClientSharedAcrossFork(_SharedObject):
    """
    ## What it does
    Flags a boto3 client created in the parent process and used by code that
    runs in a forked worker process:
    - a module-level client used by a task of a `multiprocessing` pool or a
      `ProcessPoolExecutor`, or by a `multiprocessing.Process` target;
    - a client of the enclosing function (closure) or of `self` used by a
      `multiprocessing.Process` target or a `multiprocessing.Process`
      subclass's `run`, which fork inherits without pickling;
    - a client passed in `multiprocessing.Process(args=...)`, reported at the
      argument.

    Processes started with `spawn` or `forkserver`
    (`multiprocessing.set_start_method(...)` in the file,
    `multiprocessing.get_context("spawn")`, or `mp_context=` of the executor)
    are not reported: they do not inherit the parent's objects.

    ## Why is this bad?
    A forked child gets a copy of the parent's memory, including the client's
    urllib3 connection pool and the sockets in it. Parent and children then
    write to the same TLS connections, corrupting the streams
    (`ssl.SSLError: DECRYPTION_FAILED_OR_BAD_RECORD_MAC`, hangs, wrong
    responses). Clients are thread safe, not fork safe: create them in the
    worker process.

    Limits: the rule assumes `fork` when the file does not choose a start
    method, which is the default on Linux up to Python 3.13; Python 3.14 made
    `forkserver` the default on Linux and macOS has used `spawn` since 3.8, so
    there the finding is a portability warning. Pools pickle each task: a
    client passed as a task argument, or reached through a closure or a bound
    method's `self`, fails to pickle (loudly) instead of sharing sockets, so
    those are not reported.

    ## Example
    ```python
    import multiprocessing

    import boto3

    s3 = boto3.Session().client("s3")

    def fetch(key):
        return s3.get_object(Bucket="data", Key=key)["Body"].read()

    with multiprocessing.Pool(8) as pool:
        blobs = pool.map(fetch, keys)
    ```

    ## Use instead
    ```python
    import multiprocessing

    import boto3

    s3 = None

    def init_worker():
        global s3
        s3 = boto3.Session().client("s3")  # in each worker process

    def fetch(key):
        return s3.get_object(Bucket="data", Key=key)["Body"].read()

    with multiprocessing.Pool(8, initializer=init_worker) as pool:
        blobs = pool.map(fetch, keys)
    ```

    ## Fix safety
    Not fixed automatically: the client has to move into the worker (an
    `initializer`, or the task function).

    ## Where it does not apply
    Worker-thread code is found across the project: the functions the worker's
    entry calls, in any module, transitively; a project's own wrappers
    (`run_parallel(fn, items)` around a thread pool, `start_thread(target)`
    around `threading.Thread`, a decorator that starts a thread); methods of
    objects whose methods a pool runs; executors returned by project functions
    or chosen by an expression (`debug and SerialExecutor or ThreadPoolExecutor`).
    A call through dynamic dispatch, a module outside the project, or a
    callable that only arrives as a parameter is not followed: no finding.

    Not for processes started with `spawn` or `forkserver`, nor for clients a
    pool task receives by pickling (that fails loudly instead).

    ## References
    - boto3 clients guide (multithreading or multiprocessing with clients): https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html
    - boto3 Session guide: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html
    - Python multiprocessing start methods: https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods
    - boto3 issue #1592: https://github.com/boto/boto3/issues/1592
    - boto3 issue #2750: https://github.com/boto/boto3/issues/2750
    - boto3 issue #801: https://github.com/boto/boto3/issues/801
    """

    code = "AWS204"
    name = "client-shared-across-fork"
    title = "A boto3 client created before a fork and used in the child process"
    message = (
        "boto3 client `{name}` {where} after a fork: the child shares the parent's connection "
        "pool and sockets; create the client in the worker process"
    )
    kind = ObjectKind.CLIENT

    def applies(self, use: SharedUse) -> bool:
        return self.kind in use.forked_kinds

    def where(self, use: SharedUse) -> str:
        return "is passed to a child process" if use.passed else "is used in a child process"
