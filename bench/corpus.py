"""The hand-labelled corpus: real public repositories that use boto3, each pinned to a commit.

    python bench/corpus.py list                          # the repositories and their pins
    python bench/corpus.py extract --mirror /work/.mirror --into /work/corpus
    python bench/corpus.py status --into /work/corpus    # which checkouts are there, at which commit

Nothing of these repositories is kept in this one: ``extract`` copies the Python
sources (and the files that mark a project root: ``pyproject.toml``,
``setup.cfg``, ``setup.py``) of the pinned commit out of a bare git directory
(``<mirror>/<owner>+<name>/repo`` or any directory given with ``--git-dir``)
into ``<into>/<name>``, and writes ``<into>/<name>/.corpus-commit``. Blobs that
the mirror lacks (large files are left out of snapshots) are skipped, so an
incomplete snapshot still extracts.

``bench/precision.py`` scores botolint against ``bench/labels/<name>.json``
over such a directory; a repository whose checkout is absent, or at another
commit, is skipped and said so.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

DEFAULT_CORPUS = Path(os.environ.get("BOTOLINT_CORPUS", "/work/corpus"))
COMMIT_FILE = ".corpus-commit"
_ROOT_MARKERS = {"pyproject.toml", "setup.cfg", "setup.py"}


@dataclass(frozen=True)
class Repo:
    name: str  # the checkout's directory and the label file's stem
    github: str  # owner/name
    commit: str
    why: str  # what it brings to the corpus

    @property
    def label_file(self) -> str:
        return f"{self.name}.json"


REPOS: Tuple[Repo, ...] = (
    Repo(
        "moto",
        "getmoto/moto",
        "0af643a5dbfc98797f08ee64f5be3ef8002d56ff",
        "the AWS mock: thousands of test clients, a server, its own patching of boto3",
    ),
    Repo(
        "cloud-custodian",
        "cloud-custodian/cloud-custodian",
        "df800e9e94d0860e0d8fbfebd9bc5b9b2d50367d",
        "policy engine: thread pools over resources, assumed-role sessions with refresh, Lambda (mu) handlers",
    ),
    Repo(
        "toil",
        "DataBiosphere/toil",
        "8593a3e155fa1b3c11dd0ab4e55d5037ec637f76",
        "workflow engine: AWS job store and provisioner, worker threads, session helpers in another module",
    ),
    Repo(
        "pacu",
        "RhinoSecurityLabs/pacu",
        "e597f23ecfb88b82f706c5f0cac9d4577c2af262",
        "exploitation framework: modules with a session object, CLI entry point, threads in some modules",
    ),
    Repo(
        "aws-sdk-pandas",
        "aws/aws-sdk-pandas",
        "cfe0ca818a1a0c8a93b42e8605888efd328a6617",
        "library taking boto3_session everywhere, thread pools with per-thread sessions",
    ),
    Repo(
        "ScoutSuite",
        "nccgroup/ScoutSuite",
        "7909f2fc6186063e5c9e7ddef8c4d7d1072c8f3d",
        "auditing tool: clients made by helpers, run_in_executor / thread pools across modules",
    ),
    Repo(
        "cloudaux",
        "Netflix-Skunkworks/cloudaux",
        "39d1dc11ccd794f21d95d3d1458abd94425b0927",
        "assume-role helpers (sts_conn decorator) and a client cache, credentials passed between modules",
    ),
    Repo(
        "datadog-serverless-functions",
        "DataDog/datadog-serverless-functions",
        "b9af797e0266b2be4011a94147419089833605c5",
        "Lambda forwarder: handler modules importing client helpers from other modules",
    ),
    Repo(
        "smart_open",
        "piskvorky/smart_open",
        "9d9022aa6d7d93e8dc7d721dd0e567349415af72",
        "library with client injection (client=None fallbacks) and a multiprocessing/thread pool",
    ),
    Repo(
        "s3-credentials",
        "simonw/s3-credentials",
        "4611f333407d2428b2e21771469e34fd52a5165d",
        "click CLI making IAM/STS clients, with and without --profile",
    ),
    Repo(
        "cloudmapper",
        "duo-labs/cloudmapper",
        "ec8fbf201b8b43e66720cd3ee9079a801e49c61c",
        "CLI commands collecting account data, a thread pool in collect, sessions per account",
    ),
    Repo(
        "repokid",
        "Netflix/repokid",
        "376aa82ed31fe66ac4b1aecc3c22b0fc4fcfc0ea",
        "IAM tool built on cloudaux: assumed roles, DynamoDB resources, CLI",
    ),
    Repo(
        "luigi",
        "spotify/luigi",
        "715f65c4a56a908ef0a1df4df6fc33b8420e2e6c",
        "scheduler whose contrib modules (s3, ecs, batch, redshift) make clients inside task methods",
    ),
    Repo(
        "aws-sam-cli",
        "aws/aws-sam-cli",
        "fe8f8dbb1160abce8ae13e0a4c5f8b456658afd3",
        "click CLI whose --profile comes from shared decorators; contexts that take a profile or a client",
    ),
    Repo(
        "prowler",
        "prowler-cloud/prowler",
        "3e000faa3109230b748e4418a13c11c9e59f5cfb",
        "security scanner: thread pools over regions given clients made first (clean), a Session passed to threads",
    ),
    Repo(
        "sagemaker-python-sdk",
        "aws/sagemaker-python-sdk",
        "a24812666d258d9d19c9a82d0c9385ca0bd3ba01",
        "SDK monorepo: a thread pool over JumpStart models that makes clients from a shared Session, library clients",
    ),
    Repo(
        "aws-config-rules",
        "awslabs/aws-config-rules",
        "b54d4a6c99e105c25ca46af9305770e4ba51c422",
        "hundreds of Lambda handlers that make clients per invocation in helpers, from assumed-role credentials",
    ),
)

BY_NAME: Dict[str, Repo] = {repo.name: repo for repo in REPOS}


def checkout(root: Path, repo: Repo) -> Optional[Path]:
    """The checkout of ``repo`` under ``root`` at its pinned commit, else None."""
    path = root / repo.name
    marker = path / COMMIT_FILE
    if not marker.is_file():
        return None
    if marker.read_text().strip() != repo.commit:
        return None
    return path


def status(root: Path) -> Iterator[Tuple[Repo, str]]:
    for repo in REPOS:
        path = root / repo.name
        if not path.is_dir():
            yield repo, "absent"
        elif not (path / COMMIT_FILE).is_file():
            yield repo, f"no {COMMIT_FILE} (not made by `corpus.py extract`)"
        elif checkout(root, repo) is None:
            yield repo, f"at {(path / COMMIT_FILE).read_text().strip()[:12]}, pinned {repo.commit[:12]}"
        else:
            yield repo, "ok"


def _wanted(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".py") or name in _ROOT_MARKERS


def extract(git_dir: Path, repo: Repo, into: Path) -> int:
    """Copy the wanted blobs of ``repo.commit`` into ``into / repo.name``; the number of files written."""
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(git + ["ls-tree", "-r", "-z", repo.commit], check=True, capture_output=True).stdout
    entries: List[Tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha = meta.split()
        name = path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and _wanted(name):
            entries.append((sha.decode(), name))
    target = into / repo.name
    target.mkdir(parents=True, exist_ok=True)
    batch = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    written = 0
    for sha, name in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            continue  # missing in this snapshot
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after the content
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    (target / COMMIT_FILE).write_text(repo.commit + "\n")
    return written


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    ext = sub.add_parser("extract")
    ext.add_argument("--mirror", type=Path, help="directory of <owner>+<name>/repo bare git directories")
    ext.add_argument("--git-dir", type=Path, help="with one --repo: its bare git directory")
    ext.add_argument("--repo", action="append", help="only these (names as in `list`)")
    ext.add_argument("--into", type=Path, default=DEFAULT_CORPUS)
    st = sub.add_parser("status")
    st.add_argument("--into", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)

    if args.command == "list":
        for repo in REPOS:
            print(f"{repo.name:30} {repo.github:40} {repo.commit[:12]}  {repo.why}")
        return 0
    if args.command == "status":
        for repo, state in status(args.into):
            print(f"{repo.name:30} {state}")
        return 0
    chosen = [BY_NAME[name] for name in args.repo] if args.repo else list(REPOS)
    if args.git_dir and len(chosen) != 1:
        parser.error("--git-dir needs exactly one --repo")
    failed = 0
    for repo in chosen:
        if checkout(args.into, repo) is not None:
            print(f"{repo.name}: already extracted")
            continue
        git_dir = args.git_dir or (args.mirror / repo.github.replace("/", "+") / "repo" if args.mirror else None)
        if git_dir is None or not git_dir.exists():
            print(f"{repo.name}: no git directory ({git_dir}); skipped", file=sys.stderr)
            failed += 1
            continue
        try:
            count = extract(git_dir, repo, args.into)
        except subprocess.CalledProcessError as error:
            print(
                f"{repo.name}: git failed ({error.stderr.decode(errors='replace').strip()}); skipped", file=sys.stderr
            )
            failed += 1
            continue
        print(f"{repo.name}: {count} files at {repo.commit[:12]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
