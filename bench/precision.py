"""Score ``botolint check`` against the hand labels of the corpus (bench/corpus.py).

    python bench/precision.py                                # every checkout under $BOTOLINT_CORPUS
    python bench/precision.py --corpus /work/corpus --repo pacu
    python bench/precision.py --botolint /work/base-orig/.venv/bin/botolint --cache-dir /tmp/c-base
    python bench/precision.py --findings-dir DIR             # score saved `check --format json` output
    python bench/precision.py --unlabelled                   # print each finding no label covers
    python bench/precision.py --skip aws-config-rules        # leave a repository out
    python bench/precision.py --json                         # the figures as JSON

It runs the given botolint (default: the one next to this interpreter) as
``botolint check --format json .`` inside each checkout, so it works with any
commit of botolint that has ``check --format json``: put a commit in its own
venv and pass its executable. ``--save-findings DIR`` keeps the raw output so a
later run can score it again with ``--findings-dir``.

Labels are ``bench/labels/<repo>.json``::

    {"repo": "pacu", "commit": "<40 hex>", "labels": [
      {"path": "pacu/main.py", "line": 120, "code": "AWS101", "snippet": "boto3.client('sts'",
       "verdict": "tp", "note": "library code, default session"},
      {"path": "...", "line": 9, "code": "AWS203", "snippet": "...", "verdict": "fp", "reason": "..."},
      {"path": "...", "line": 40, "code": "AWS301", "snippet": "...", "verdict": "missed",
       "cross_module": true, "note": "client made per invocation by a helper in utils.py"}]}

``tp`` and ``missed`` are both sites a maintainer would act on (``missed``
means botolint did not report it when it was labelled); ``fp`` is a finding a
maintainer would not act on, with its reason. A label is found in the checkout
by its path and its snippet: the line nearest to ``line`` (within
``WINDOW`` lines) whose text contains the snippet (whitespace ignored), so
labels survive small line moves. A label whose snippet is not there is stale
and reported.

Per rule and overall: findings, findings matched to a label, precision
(tp / (tp + fp) of the matched findings), recall (expected sites found /
expected sites), the unlabelled findings (in test paths and elsewhere), and
the cross-module expected sites found, x/y.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus as corpus_module  # noqa: E402

LABELS = BENCH / "labels"
WINDOW = 30
VERDICTS = ("tp", "fp", "missed")
EXPECTED = ("tp", "missed")
_TEST_PATH = re.compile(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_test\.py$|(^|/)conftest\.py$")


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def _squash(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str
    message: str = ""


@dataclass
class Label:
    path: str
    line: int
    code: str
    snippet: str
    verdict: str
    reason: str = ""
    cross_module: bool = False
    category: str = ""
    resolved: Optional[int] = None  # the line in the checkout, once found

    @property
    def expected(self) -> bool:
        return self.verdict in EXPECTED


class LabelError(ValueError):
    pass


def load_labels(path: Path) -> Tuple[str, List[Label]]:
    """The commit and the labels of one label file; raises LabelError on a malformed one."""
    data = json.loads(path.read_text())
    labels = []
    seen = set()
    for index, raw in enumerate(data.get("labels", [])):
        where = f"{path.name}: label {index}"
        for key in ("path", "line", "code", "snippet", "verdict"):
            if key not in raw:
                raise LabelError(f"{where}: no {key!r}")
        if raw["verdict"] not in VERDICTS:
            raise LabelError(f"{where}: verdict {raw['verdict']!r} is not one of {VERDICTS}")
        if raw["verdict"] == "fp" and not raw.get("reason"):
            raise LabelError(f"{where}: an fp needs a reason")
        if not _squash(raw["snippet"]):
            raise LabelError(f"{where}: empty snippet")
        key = (raw["path"], raw["line"], raw["code"])
        if key in seen:
            raise LabelError(f"{where}: {key} is labelled twice")
        seen.add(key)
        labels.append(
            Label(
                path=raw["path"],
                line=int(raw["line"]),
                code=raw["code"],
                snippet=raw["snippet"],
                verdict=raw["verdict"],
                reason=raw.get("reason") or raw.get("note", ""),
                cross_module=bool(raw.get("cross_module", False)),
                category=raw.get("category", ""),
            )
        )
    return data.get("commit", ""), labels


def resolve(labels: Iterable[Label], root: Path) -> List[Label]:
    """Set each label's ``resolved`` line in the checkout; the stale ones are returned."""
    stale = []
    texts: Dict[str, Optional[List[str]]] = {}
    for label in labels:
        if label.path not in texts:
            try:
                texts[label.path] = (root / label.path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                texts[label.path] = None
        lines = texts[label.path]
        label.resolved = None
        if lines is None:
            stale.append(label)
            continue
        want = _squash(label.snippet)
        best = None
        for delta in range(WINDOW + 1):
            for candidate in (label.line - delta, label.line + delta):
                if 1 <= candidate <= len(lines) and want in _squash(lines[candidate - 1]):
                    best = candidate
                    break
            if best is not None:
                break
        if best is None:
            stale.append(label)
        label.resolved = best
    return stale


@dataclass
class Score:
    findings: int = 0
    tp: int = 0
    fp: int = 0
    unlabelled: int = 0
    unlabelled_test: int = 0
    expected: int = 0
    found: int = 0
    cross_expected: int = 0
    cross_found: int = 0

    def add(self, other: "Score") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.found / self.expected if self.expected else None


@dataclass
class RepoResult:
    name: str
    by_code: Dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    stale: List[Label] = field(default_factory=list)
    unlabelled: List[Finding] = field(default_factory=list)
    false_positives: List[Tuple[Finding, Label]] = field(default_factory=list)
    misses: List[Label] = field(default_factory=list)

    def total(self) -> Score:
        score = Score()
        for part in self.by_code.values():
            score.add(part)
        return score


def score(findings: Sequence[Finding], labels: Sequence[Label], name: str = "") -> RepoResult:
    """Match findings to resolved labels by (path, line, code)."""
    result = RepoResult(name)
    index: Dict[Tuple[str, int, str], Label] = {}
    for label in labels:
        if label.resolved is not None:
            index[(label.path, label.resolved, label.code)] = label
    hit = set()
    for finding in findings:
        part = result.by_code[finding.code]
        part.findings += 1
        label = index.get((finding.path, finding.line, finding.code))
        if label is None:
            part.unlabelled += 1
            if is_test_path(finding.path):
                part.unlabelled_test += 1
            result.unlabelled.append(finding)
            continue
        if label.expected:
            part.tp += 1
            hit.add(id(label))
        else:
            part.fp += 1
            result.false_positives.append((finding, label))
    for label in labels:
        if not label.expected or label.resolved is None:
            continue
        part = result.by_code[label.code]
        part.expected += 1
        found = id(label) in hit
        part.found += found
        if label.cross_module:
            part.cross_expected += 1
            part.cross_found += found
        if not found:
            result.misses.append(label)
    return result


def categories(results: Sequence[RepoResult]) -> Dict[str, List[Tuple[Tuple[str, str], int]]]:
    """False positives (per finding) and misses (per site) counted by (rule, category), most first."""
    fps: Dict[Tuple[str, str], int] = defaultdict(int)
    misses: Dict[Tuple[str, str], int] = defaultdict(int)
    for r in results:
        for finding, label in r.false_positives:
            fps[(finding.code, label.category)] += 1
        for label in r.misses:
            misses[(label.code, label.category)] += 1
    order = lambda counts: sorted(counts.items(), key=lambda item: (-item[1], item[0]))  # noqa: E731
    return {"false positives": order(fps), "misses": order(misses)}


def _relative(path: str, root: Optional[Path]) -> str:
    if root is not None and os.path.isabs(path):
        try:
            path = os.path.relpath(path, root)
        except ValueError:
            pass
    return path.replace(os.sep, "/").removeprefix("./")


def parse_findings(text: str, root: Optional[Path] = None) -> List[Finding]:
    """``check --format json`` output; paths relative to the checkout (absolute ones are made relative to root)."""
    data = json.loads(text) if text.strip() else []
    return [Finding(_relative(item["path"], root), int(item["line"]), item["code"], item.get("message", ""))
            for item in data]


def run_botolint(botolint: str, root: Path, cache_dir: Optional[Path], jobs: int) -> str:
    command = [botolint, "check", "--format", "json", "-j", str(jobs)]
    command += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
    command.append(".")
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} in {root} exited {completed.returncode}: {completed.stderr[-2000:]}")
    return completed.stdout


def _pct(value: Optional[float]) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def table(rows: Dict[str, Score]) -> List[str]:
    out = [f"{'rule':8} {'findings':>8} {'tp':>5} {'fp':>5} {'unlab':>6} {'(test)':>6} {'precision':>9} "
           f"{'found':>6} {'expect':>6} {'recall':>7} {'cross':>7}"]
    for code in sorted(rows):
        s = rows[code]
        cross = f"{s.cross_found}/{s.cross_expected}" if s.cross_expected else "-"
        out.append(f"{code:8} {s.findings:8} {s.tp:5} {s.fp:5} {s.unlabelled:6} {s.unlabelled_test:6} "
                   f"{_pct(s.precision):>9} {s.found:6} {s.expected:6} {_pct(s.recall):>7} {cross:>7}")
    return out


def markdown(rows: Dict[str, Score], total: Score) -> List[str]:
    out = [
        "| rule | findings | tp | fp | unlabelled (in tests) | precision | found / expected | recall | cross-module |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for code, s in sorted(rows.items()) + [("**all**", total)]:
        cross = f"{s.cross_found}/{s.cross_expected}" if s.cross_expected else "-"
        out.append(f"| {code} | {s.findings} | {s.tp} | {s.fp} | {s.unlabelled} ({s.unlabelled_test}) | "
                   f"{_pct(s.precision).strip()} | {s.found}/{s.expected} | {_pct(s.recall).strip()} | {cross} |")
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=corpus_module.DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--repo", action="append", help="only these repositories")
    parser.add_argument("--skip", action="append", default=[], help="leave these repositories out")
    parser.add_argument("--botolint", default=str(Path(sys.executable).with_name("botolint")))
    parser.add_argument("--cache-dir", type=Path, help="botolint's result cache (default: none)")
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--findings-dir", type=Path, help="read <repo>.json findings from here instead of running")
    parser.add_argument("--save-findings", type=Path, help="write each repository's raw findings here")
    parser.add_argument("--unlabelled", action="store_true", help="list the findings no label covers")
    parser.add_argument("--details", action="store_true", help="list the false positives and misses")
    parser.add_argument("--categories", action="store_true",
                        help="count the false positives and misses by rule and label category, most first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the per-rule table as Markdown")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a stale label or a skipped repository")
    args = parser.parse_args(argv)

    repos = [corpus_module.BY_NAME[name] for name in args.repo] if args.repo else list(corpus_module.REPOS)
    repos = [repo for repo in repos if repo.name not in args.skip]
    results: List[RepoResult] = []
    problems = 0
    for repo in repos:
        label_file = args.labels / repo.label_file
        root = corpus_module.checkout(args.corpus, repo)
        if root is None:
            print(f"# {repo.name}: no checkout at {repo.commit[:12]} under {args.corpus}; skipped", file=sys.stderr)
            problems += 1
            continue
        labels: List[Label] = []
        if label_file.exists():
            commit, labels = load_labels(label_file)
            if commit and commit != repo.commit:
                print(f"# {repo.name}: labels are for {commit[:12]}, checkout is {repo.commit[:12]}", file=sys.stderr)
        if args.findings_dir:
            saved = args.findings_dir / f"{repo.name}.json"
            if not saved.exists():
                print(f"# {repo.name}: no {saved}; skipped", file=sys.stderr)
                problems += 1
                continue
            text = saved.read_text()
        else:
            text = run_botolint(args.botolint, root, args.cache_dir, args.jobs)
        if args.save_findings:
            args.save_findings.mkdir(parents=True, exist_ok=True)
            (args.save_findings / f"{repo.name}.json").write_text(text)
        stale = resolve(labels, root)
        result = score(parse_findings(text, root.resolve()), labels, repo.name)
        result.stale = stale
        problems += len(stale)
        results.append(result)

    overall: Dict[str, Score] = defaultdict(Score)
    for result in results:
        for code, part in result.by_code.items():
            overall[code].add(part)
    total = Score()
    for part in overall.values():
        total.add(part)

    if args.json:
        def dump(s: Score) -> dict:
            return {**{name: getattr(s, name) for name in s.__dataclass_fields__},
                    "precision": s.precision, "recall": s.recall}
        print(json.dumps({
            "overall": dump(total),
            "by_code": {code: dump(s) for code, s in sorted(overall.items())},
            "by_repo": {r.name: dump(r.total()) for r in results},
            "stale": [f"{r.name}:{label.path}:{label.line}:{label.code}" for r in results for label in r.stale],
        }, indent=2))
    elif args.markdown:
        print("\n".join(markdown(overall, total)))
    else:
        print("\n".join(table(overall)))
        print("\n".join(table({"ALL": total})[1:]))
        print()
        print(f"{'repository':30} {'findings':>8} {'tp':>5} {'fp':>5} {'unlab':>6} {'precision':>9} {'recall':>7}")
        for r in results:
            s = r.total()
            print(f"{r.name:30} {s.findings:8} {s.tp:5} {s.fp:5} {s.unlabelled:6} {_pct(s.precision):>9} "
                  f"{_pct(s.recall):>7}")
        for r in results:
            for label in r.stale:
                print(f"STALE {r.name}/{label.path}:{label.line} {label.code} snippet {label.snippet!r} not found")
    if args.details:
        for r in results:
            for finding, label in r.false_positives:
                print(f"FP   {r.name}/{finding.path}:{finding.line} {finding.code}  {label.reason}")
            for label in r.misses:
                cross = " [cross-module]" if label.cross_module else ""
                print(f"MISS {r.name}/{label.path}:{label.resolved} {label.code}{cross}  {label.reason}")
    if args.categories:
        for kind, counts in categories(results).items():
            print(f"{kind}:")
            for (code, category), count in counts:
                print(f"  {count:5}  {code:7} {category or '(none)'}")
    if args.unlabelled:
        for r in results:
            root = args.corpus / r.name
            for finding in r.unlabelled:
                try:
                    text = (root / finding.path).read_text(errors="replace").splitlines()[finding.line - 1].strip()
                except (OSError, IndexError):
                    text = ""
                print(f"UNLABELLED {r.name}/{finding.path}:{finding.line} {finding.code}  {text[:100]}")
    return 1 if args.strict and problems else 0


if __name__ == "__main__":
    sys.exit(main())
