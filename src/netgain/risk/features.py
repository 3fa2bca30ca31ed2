"""Just-in-time change metrics (Kamei et al. 2013) plus AI provenance, in one oldest-first pass.

Why one pass with running state: blaming every commit costs a git process per file per commit; the
metrics only need, per file, its current size, its developers and its last change, and per author,
their commit count by year and by subsystem. Those are kept in dictionaries while the commits are
walked oldest first, so extraction is a few dictionary look-ups per touched file.

Definitions (per non-merge commit; "touched" = files in the commit's numstat):

* NS, ND, NF: distinct subsystems (first path component, "." for root files), directories, files.
* ENTROPY: Shannon entropy (bits) of the changed lines (added + deleted) over the touched files.
* LA, LD: lines added and deleted (binary files count 0).
* LT: lines of the touched files before the change (running sum of added - deleted per file).
* FIX: 1 when the message looks like a bug fix (`netgain.risk.labels.is_fix_message`).
* NDEV: distinct authors (by e-mail) who changed any touched file before.
* AGE: mean days since the previous change of each touched file that had one (0 if none).
* NUC: distinct earlier commits that last changed the touched files (Commit Guru's reading).
* EXP: the author's earlier commits; REXP: the same weighted 1 / (calendar years ago + 1);
  SEXP: the author's earlier commits to the touched subsystems (summed over subsystems).
* AI_SHARE: AI lines / attributed added lines; AI_TOOL: 1 when a tool is named.
* FAMILIARITY: share of touched pre-existing files the author changed before (1 when none existed).
* TESTS: touched test files.
* LA_CODE, LD_CODE, LA_TEST, LD_TEST, LA_OTHER, LD_OTHER: LA and LD of the product-code, test and
  other (docs, changelog, configuration) files (`netgain.risk.paths`). Why: on real histories the
  lines a later fix blames are code lines; a changelog entry or a test adds to LA without adding
  risk, and the split lets a model weigh them apart (docs/risk.md, "On real histories").

What the literature does not use, each with an indicator that is 1 when the value is unknown (the
value is then 0, which alone would read as "none"):

* API_NEW, API_FAMILIARITY, API_UNKNOWN: the API families of a change are the top-level modules
  its added Python lines import (`import a.b` and `from a.b import c` give `a`; relative imports
  are the project's own code and are left out). API_NEW counts those the author never imported
  before, API_FAMILIARITY is the share they did. Unknown when the change adds no import line or
  its diff could not be read. Why imports: they name the library a change starts to lean on
  ("first raw SQL this author ever wrote" is usually a first `import sqlite3` or `sqlalchemy`),
  and they come out of one `git diff-tree -p` pass with one regular expression, where call-level
  families would need a parse of every version of every file.
* ZONES, ZONES_UNKNOWN: how many `[zones.NAME] paths` globs of netgain.toml a touched file
  matches; unknown when the configuration names no zone paths (policy's built-in zones are not
  used: risk sits below policy, see docs/risk.md).
* FINDINGS, FINDINGS_UNKNOWN: security findings on the change's added lines, when a scan of the
  change is available (`netgain check` scans it); unknown for stored history (no per-commit scan).
* COVERAGE, COVERAGE_UNKNOWN: diff coverage (0-1) when a coverage report is given to `netgain
  check`; unknown otherwise, so in stored history.

A rename moves the old path's state to the new path.
"""

from __future__ import annotations

import json
import math
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from netgain.risk.paths import path_kind

# The families beyond Kamei's and AI provenance, each with its unknown indicator.
FAMILY_FEATURES: tuple[str, ...] = (
    "api_new",
    "api_familiarity",
    "api_unknown",
    "zones",
    "zones_unknown",
    "findings",
    "findings_unknown",
    "coverage",
    "coverage_unknown",
)
# LA and LD split by what the lines are (netgain.risk.paths): product code, tests, the rest.
SIZE_BY_KIND: tuple[str, ...] = ("la_code", "ld_code", "la_test", "ld_test", "la_other", "ld_other")
FEATURES: tuple[str, ...] = (
    "ns",
    "nd",
    "nf",
    "entropy",
    "la",
    "ld",
    "lt",
    "fix",
    "ndev",
    "age",
    "nuc",
    "exp",
    "rexp",
    "sexp",
    "ai_share",
    "ai_tool",
    "familiarity",
    "tests",
    *SIZE_BY_KIND,
    *FAMILY_FEATURES,
)

_SECONDS_PER_DAY = 86_400.0
_FIX = re.compile(r"\b(?:fix(?:e[sd]|ing)?|bugs?|patch(?:e[sd])?|hotfix|defect|regression)\b", re.I)


def _size_by_kind(files: Sequence[FileTouch], kinds: Sequence[int]) -> list[float]:
    """LA, LD of code, test and other files (SIZE_BY_KIND order); `kinds` as `_KIND_INDEX`."""
    out = [0.0] * 6
    for f, kind in zip(files, kinds, strict=True):
        at = 2 * kind
        out[at] += f.added or 0
        out[at + 1] += f.deleted or 0
    return out


_KIND_INDEX = {"code": 0, "test": 1, "other": 2}
_TEST = _KIND_INDEX["test"]  # path_kind is "test" exactly when TEST_PATH matches


def is_fix_message(message: str) -> bool:
    """True when a commit message reads as a bug fix (fix/bug/patch/hotfix/defect/regression)."""
    return _FIX.search(message) is not None


@dataclass(slots=True)
class FileTouch:
    """One file of a change as numstat reports it (added/deleted None for binary files)."""

    path: str
    added: int | None
    deleted: int | None
    old_path: str | None = None


@dataclass(slots=True)
class ChangeRecord:
    """The inputs of one non-merge commit, read from the store or generated by a benchmark."""

    sha: str
    author: str  # e-mail, lower-cased by the reader
    time: float  # author date, seconds since the epoch (UTC)
    message: str
    files: list[FileTouch]
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    tools: list[str] = field(default_factory=list)
    apis: tuple[str, ...] | None = None  # API families of the added lines (None: not read)
    findings: int | None = None  # security findings on the added lines (None: no scan)
    coverage: float | None = None  # diff coverage 0-1 (None: no coverage report)


@dataclass(slots=True)
class _FileState:
    lines: int = 0
    last_time: float = 0.0
    last_commit: int = -1
    devs: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _AuthorState:
    commits: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    by_subsystem: dict[str, int] = field(default_factory=dict)
    apis: set[str] = field(default_factory=set)


def subsystem(path: str) -> str:
    """First path component: the unit Kamei's NS and SEXP count."""
    head, sep, _ = path.partition("/")
    return head if sep else "."


def directory(path: str) -> str:
    """The containing directory ("." for root files)."""
    head, sep, _ = path.rpartition("/")
    return head if sep else "."


class FeatureExtractor:
    """Running state over a history; `push` must see commits oldest first."""

    def __init__(self, zones: dict[str, list[str]] | None = None) -> None:
        self.files: dict[str, _FileState] = {}
        self.authors: dict[str, _AuthorState] = {}
        self.count = 0
        self.zones = {name: tuple(globs) for name, globs in (zones or {}).items() if globs}
        self._zone_hits: dict[str, frozenset[str]] = {}  # path -> zones it lies in
        # path -> _KIND_INDEX of path_kind: paths recur from commit to commit, and the two
        # regular-expression searches per file touched were a fifth of the feature pass.
        self._kinds: dict[str, int] = {}

    def _kinds_of(self, files: Sequence[FileTouch]) -> list[int]:
        cache = self._kinds
        out: list[int] = []
        for f in files:
            kind = cache.get(f.path)
            if kind is None:
                kind = cache[f.path] = _KIND_INDEX[path_kind(f.path)]
            out.append(kind)
        return out

    def _zones_of(self, path: str) -> frozenset[str]:
        hit = self._zone_hits.get(path)
        if hit is None:
            from netgain.globs import matches

            hit = frozenset(n for n, globs in self.zones.items() if matches(globs, path))
            self._zone_hits[path] = hit
        return hit

    def features(self, change: ChangeRecord) -> list[float]:
        """The metrics of `change` against the state so far, without recording it."""
        files = self.files
        author = self.authors.get(change.author)
        now = change.time
        paths = [f.old_path or f.path for f in change.files]
        subsystems = {subsystem(f.path) for f in change.files}
        la = sum(f.added or 0 for f in change.files)
        ld = sum(f.deleted or 0 for f in change.files)
        churn = [(f.added or 0) + (f.deleted or 0) for f in change.files]
        total = sum(churn)
        entropy = 0.0
        if total:
            for c in churn:
                if c:
                    share = c / total
                    entropy -= share * math.log2(share)
        lt = 0
        devs: set[str] = set()
        ages: list[float] = []
        last: set[int] = set()
        existing = known = 0
        for p in paths:
            st = files.get(p)
            if st is None:
                continue
            existing += 1
            lt += st.lines
            devs |= st.devs
            if st.last_commit >= 0:
                ages.append(max(0.0, now - st.last_time) / _SECONDS_PER_DAY)
                last.add(st.last_commit)
            if change.author in st.devs:
                known += 1
        exp = rexp = sexp = 0.0
        if author is not None:
            exp = author.commits
            year = time.gmtime(now).tm_year
            rexp = sum(n / (max(0, year - y) + 1) for y, n in author.by_year.items())
            sexp = sum(author.by_subsystem.get(s, 0) for s in subsystems)
        attributed = change.ai_lines + change.human_lines + change.unknown_lines
        kinds = self._kinds_of(change.files)
        apis = change.apis
        api_new = api_fam = 0.0
        if apis:
            seen = author.apis if author is not None else set()
            known_apis = sum(1 for a in apis if a in seen)
            api_new = float(len(apis) - known_apis)
            api_fam = known_apis / len(apis)
        zones = 0.0
        if self.zones:
            touched: set[str] = set()
            for f in change.files:
                touched |= self._zones_of(f.path)
            zones = float(len(touched))
        return [
            float(len(subsystems)),
            float(len({directory(f.path) for f in change.files})),
            float(len(change.files)),
            entropy,
            float(la),
            float(ld),
            float(lt),
            1.0 if is_fix_message(change.message) else 0.0,
            float(len(devs)),
            sum(ages) / len(ages) if ages else 0.0,
            float(len(last)),
            float(exp),
            rexp,
            float(sexp),
            change.ai_lines / attributed if attributed else 0.0,
            1.0 if change.tools else 0.0,
            known / existing if existing else 1.0,
            float(sum(1 for kind in kinds if kind == _TEST)),
            *_size_by_kind(change.files, kinds),
            api_new,
            api_fam,
            0.0 if apis else 1.0,
            zones,
            0.0 if self.zones else 1.0,
            float(change.findings or 0),
            0.0 if change.findings is not None else 1.0,
            float(change.coverage or 0.0),
            0.0 if change.coverage is not None else 1.0,
        ]

    def record(self, change: ChangeRecord) -> None:
        """Fold `change` into the running state (after its features were taken)."""
        files = self.files
        index = self.count
        self.count += 1
        for f in change.files:
            st = files.pop(f.old_path, None) if f.old_path else None
            if st is None:
                st = files.get(f.path)
            if st is None:
                st = _FileState()
            files[f.path] = st
            st.lines = max(0, st.lines + (f.added or 0) - (f.deleted or 0))
            st.last_time = change.time
            st.last_commit = index
            st.devs.add(change.author)
        author = self.authors.get(change.author)
        if author is None:
            author = self.authors[change.author] = _AuthorState()
        author.commits += 1
        year = time.gmtime(change.time).tm_year
        author.by_year[year] = author.by_year.get(year, 0) + 1
        for s in {subsystem(f.path) for f in change.files}:
            author.by_subsystem[s] = author.by_subsystem.get(s, 0) + 1
        if change.apis:
            author.apis.update(change.apis)

    def dump(self) -> bytes:
        """The running state as compressed JSON (what `load` restores), zones excluded."""
        state = {
            "count": self.count,
            "files": [
                [p, st.lines, st.last_time, st.last_commit, sorted(st.devs)]
                for p, st in self.files.items()
            ],
            "authors": [
                [a, st.commits, list(st.by_year.items()), st.by_subsystem, sorted(st.apis)]
                for a, st in self.authors.items()
            ],
        }
        return zlib.compress(json.dumps(state, separators=(",", ":")).encode("utf-8"), 1)

    @classmethod
    def load(cls, blob: bytes, zones: dict[str, list[str]] | None = None) -> FeatureExtractor:
        """An extractor continuing from a `dump`; ValueError when the blob is not one."""
        try:
            state = json.loads(zlib.decompress(blob))
            out = cls(zones)
            out.count = int(state["count"])
            for p, lines, last_time, last_commit, devs in state["files"]:
                out.files[p] = _FileState(lines, last_time, last_commit, set(devs))
            for a, commits, by_year, by_subsystem, apis in state["authors"]:
                out.authors[a] = _AuthorState(
                    commits, {int(y): n for y, n in by_year}, dict(by_subsystem), set(apis)
                )
        except (zlib.error, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a feature-state snapshot ({exc})") from exc
        return out

    def push(self, change: ChangeRecord) -> list[float]:
        """Features of `change`, then record it: the one-pass step."""
        row = self.features(change)
        self.record(change)
        return row


def extract(changes: Iterable[ChangeRecord]) -> Iterator[tuple[ChangeRecord, list[float]]]:
    """Each change (oldest first) with its feature row, in one pass."""
    extractor = FeatureExtractor()
    for change in changes:
        yield change, extractor.push(change)


def as_dict(row: Sequence[float]) -> dict[str, float]:
    """A feature row keyed by feature name."""
    return dict(zip(FEATURES, row, strict=True))
