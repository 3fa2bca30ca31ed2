"""Gathering the facts about one change (`base..head`) that the policy rules decide on.

Each stage is timed (`ChangeContext.timings`) so that `netgain check` can show where time goes:
diff, provenance (blame-based share of the lines the change introduces), scan (the analyzer on the
changed Python, JavaScript and TypeScript files at head, findings narrowed to added lines),
signals, zones, familiarity, design documents and coverage. Work is proportional to the change, not to the repository.
"""

from __future__ import annotations

import ast
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from netgain import git
from netgain.analysis.findings import Finding, Severity, UnparsedFile
from netgain.analysis.index import module_name_for
from netgain.analysis.languages import FileKind, classify
from netgain.analysis.options import ScanOptions
from netgain.analysis.polyglot.grammars import LANGUAGES as SIGNAL_LANGUAGES
from netgain.analysis.polyglot.signals import NotParsed
from netgain.analysis.polyglot.signals import find_signals as find_polyglot_signals
from netgain.analysis.sarif_coverage import RunCoverage, run_coverage
from netgain.analysis.sarif_import import SarifImport
from netgain.analysis.scanner import scan
from netgain.analysis.signals import Signal, find_signals
from netgain.analysis.source import ParsedSource, parse_source
from netgain.analysis.suppressions import apply_inline_suppressions
from netgain.git.blame import CopySearch
from netgain.git.model import FileDiff, GitProblem
from netgain.git.partial import diff_between_available
from netgain.history.queries import CommitProvenance
from netgain.history.share import FileShare, ShareResult, compute_share
from netgain.policy.analysed import NETGAIN_SUFFIXES, FileAnalysis, classify_changed, unanalysed
from netgain.policy.attestation import apply_attestations, attesters
from netgain.policy.codeowners import SEARCH_ORDER, Codeowners, load_codeowners
from netgain.policy.comprehension import Checklist, FileRisk, file_risks, read_checklist
from netgain.policy.coverage import CoverageReport, DiffCoverage, diff_coverage
from netgain.policy.designdoc import DesignDocCheck, check_design_docs
from netgain.policy.docorigin import (
    check_owner_approval,
    check_predates,
    document_owners,
    fork_point,
    login_of,
)
from netgain.policy.familiarity import (
    FileHistory,
    author_commit_count,
    blame_removed,
    file_history,
    first_use,
)
from netgain.policy.freshness import StaleApproval, stale_approvals
from netgain.policy.github import PullRequest, latest_states
from netgain.policy.globs import path_matches
from netgain.policy.model import AuthorFacts, Facts, FindingFacts
from netgain.policy.people import Directory, norm
from netgain.policy.schema import Policy
from netgain.policy.suppression_review import ChangeSuppression, accept, suppressed_in_change
from netgain.policy.window_history import WindowHistory

_TEST_PATTERNS = (
    "test/",
    "tests/",
    "test_*.py",
    "*_test.py",
    "*_tests.py",
    "conftest.py",
    "__tests__/",
    "*.spec.*",
    "*.test.*",
    "spec/",
)

MAX_CONTEXT_FILES = 200  # unchanged modules read for one change's scan


@dataclass(slots=True)
class ZoneHit:
    name: str
    reasons: list[str] = field(default_factory=list)  # "path src/auth/x.py", "signal jwt at a.py:3"
    files: set[str] = field(default_factory=set)
    ai_lines: int = 0
    unknown_lines: int = 0
    # ai_lines plus the lines without AI evidence the gate counts as AI here (`unknown_as`)
    gate_ai_lines: int = 0
    unknown_as: str = "unknown"

    def to_dict(self) -> dict[str, object]:
        return {
            "zone": self.name,
            "reasons": self.reasons,
            "files": sorted(self.files),
            "ai_lines": self.ai_lines,
            "unknown_lines": self.unknown_lines,
            "gate_ai_lines": self.gate_ai_lines,
            "unknown_as": self.unknown_as,
        }


@dataclass(slots=True)
class ChangeContext:
    """The facts plus the evidence behind them (for the reasons and reports)."""

    root: Path
    base: str
    head: str
    pr: PullRequest
    author_login: str | None
    author_emails: list[str]
    diffs: list[FileDiff] = field(default_factory=list)
    added: dict[str, set[int]] = field(default_factory=dict)
    share: ShareResult | None = None
    findings: list[Finding] = field(default_factory=list)
    unparsed: list[UnparsedFile] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    unparsed_for_signals: list[NotParsed] = field(default_factory=list)  # other languages
    zones: dict[str, ZoneHit] = field(default_factory=dict)
    design_docs: list[DesignDocCheck] = field(default_factory=list)
    checklist: Checklist | None = None  # the PR description against [comprehension] checklist
    comprehension_risk: list[FileRisk] = field(default_factory=list)
    coverage: DiffCoverage | None = None
    history: FileHistory = field(default_factory=FileHistory)
    codeowners: Codeowners = field(default_factory=Codeowners)
    facts: Facts = field(default_factory=Facts)
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[GitProblem] = field(default_factory=list)
    policy_files: list[str] = field(default_factory=list)  # see policy.trusted
    not_analysed: list[str] = field(default_factory=list)  # changed files whose blob is missing
    # changed submodule pointers (gitlinks): no lines, but paths zones and CODEOWNERS must see
    submodules: list[FileDiff] = field(default_factory=list)
    # the risk model's reasons for facts.risk: the features that moved it most (netgain.risk)
    risk_reasons: list[dict[str, Any]] = field(default_factory=list)
    stale_approvals: list[StaleApproval] = field(default_factory=list)
    # where the analysed diff starts: the merge base of base and head (base when unrelated)
    diff_base: str = ""
    suppressions: list[ChangeSuppression] = field(default_factory=list)
    files: list[FileAnalysis] = field(default_factory=list)  # per changed file: analysed by whom
    imported: list[RunCoverage] = field(default_factory=list)  # `--import` runs and coverage

    @property
    def unanalysed(self) -> list[FileAnalysis]:
        """Changed code that neither netgain nor an imported scanner analysed for this head."""
        return unanalysed(self.files)

    def standing_states(self, invalidate_on_push: bool) -> dict[str, str]:
        """Each reviewer's standing review; stale approvals dropped when `invalidate_on_push`."""
        states = latest_states(self.pr.reviews)
        if invalidate_on_push:
            for stale in self.stale_approvals:
                if states.get(stale.login) == "APPROVED":
                    del states[stale.login]
        return states

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


ProvenanceLoader = Callable[[list[str]], dict[str, CommitProvenance]]


def is_test_path(path: str) -> bool:
    """Whether a changed path is a test (pytest, unittest and JavaScript conventions)."""
    return path_matches(_TEST_PATTERNS, path)


def _entropy(diffs: list[FileDiff]) -> float:
    counts = [d.added_count + d.removed_count for d in diffs]
    total = sum(counts)
    if total == 0:
        return 0.0
    return float(-sum((c / total) * math.log2(c / total) for c in counts if c))


def _read_head(
    root: Path, head: str, paths: list[str], blobs: git.CatFileBatch | None = None
) -> dict[str, bytes]:
    """The blobs of `paths` at `head`, through `blobs` (a caller's long-lived cat-file process,
    e.g. a replay's) or a process of their own."""
    if blobs is None:
        with git.CatFileBatch(root) as batch:
            return _read_head(root, head, paths, batch)
    out: dict[str, bytes] = {}
    names = [f"{head}:{p}" for p in paths]
    for (name, obj), path in zip(blobs.read_many(names), paths, strict=True):
        del name
        if obj is not None and obj.type == "blob":
            out[path] = obj.data
    return out


def _read_base_file(
    root: Path, base: str, path: str, blobs: git.CatFileBatch | None
) -> bytes | None:
    """`git.read_blob(root, base, path)`, through the long-lived cat-file process when there is
    one (a replay reads CODEOWNERS at every change's base: three processes a change otherwise)."""
    return git.read_blob(root, base, path) if blobs is None else blobs.blob_at(base, path)


def _import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth: only statements are visited (an import is never
    inside an expression), not the expressions that are most of a file's nodes."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        for _name, value in ast.iter_fields(node):
            if not isinstance(value, list):
                continue
            for item in value:
                if isinstance(item, ast.stmt):
                    stack.append(item)
                elif isinstance(item, ast.ExceptHandler | ast.match_case):
                    stack.extend(item.body)


def _imported_modules(
    root: Path,
    head: str,
    parsed: dict[str, ParsedSource | UnparsedFile],
    blobs: git.CatFileBatch | None = None,
) -> dict[str, bytes]:
    """Unchanged repository modules the changed files import (one level), read at head.

    The analyzer then follows a flow from an added line into a helper it calls (the sink in an
    unchanged file), as whole-program `netgain scan` would, at a cost proportional to the change.
    """
    names: set[str] = set()
    for path, source in parsed.items():
        if not isinstance(source, ParsedSource):
            continue  # the scan reports it
        package = module_name_for(path)[0].rsplit(".", 1)[0]
        for node in _import_statements(source.tree):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: max(0, len(parts) - (node.level - 1))]
                    base = ".".join(p for p in [*parts, base] if p)
                names.add(base)
                names.update(f"{base}.{a.name}" if base else a.name for a in node.names)
    if not names:
        return {}
    by_module: dict[str, str] = {}
    for path in git.ls_files(root, head):
        if path.endswith(".py") and path not in parsed:
            by_module.setdefault(module_name_for(path)[0], path)
    wanted = sorted({by_module[n] for n in names if n in by_module})[:MAX_CONTEXT_FILES]
    return _read_head(root, head, wanted, blobs) if wanted else {}


def _scan_changed(
    sources: dict[str, bytes],
    options: ScanOptions,
    parsed: dict[str, ParsedSource | UnparsedFile] | None = None,
) -> tuple[list[Finding], list[UnparsedFile], list[str]]:
    """The scan of `sources` written to a temporary folder; `parsed` are parses of some of them
    already made (for the imports to read along), not made again."""
    preparsed = {
        p: (sources[p], tree)
        for p, tree in (parsed or {}).items()
        if isinstance(tree, ParsedSource) and p in sources
    }
    with tempfile.TemporaryDirectory(prefix="netgain-check-") as tmp:
        root = Path(tmp)
        for path, data in sources.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        result = scan([root], root=root, options=options, preparsed=preparsed)
        # reasoned inline suppressions (`# netgain: ignore[...] reason`) count as in `netgain scan`
        apply_inline_suppressions(result.findings, root)
    return result.findings, result.unparsed, [str(p) for p in result.problems]


def gather(
    root: Path,
    base: str,
    head: str,
    policy: Policy,
    pr: PullRequest,
    *,
    provenance_for: ProvenanceLoader,
    scan_options: ScanOptions,
    author_login: str | None = None,
    author_emails: list[str] | None = None,
    coverage: CoverageReport | None = None,
    cache_dir: Path | None = None,
    policy_files: Callable[[list[FileDiff]], list[str]] | None = None,
    imports: list[SarifImport] | None = None,
    blobs: git.CatFileBatch | None = None,
    window: WindowHistory | None = None,
    whole_tree_files: int | None = None,
    copy_search: CopySearch = "whole-tree",
) -> ChangeContext:
    """Compute every fact of `base..head` (full commit ids) for `policy`.

    `policy` was read at the base (policy.trusted); so is CODEOWNERS, here. `policy_files` names
    the changed files that decide the verdict (`change.policy_files_changed`). `imports` are other
    scanners' SARIF results: those for this head add findings and cover their languages.
    `blobs` is a cat-file process to read the head's files through (a replay keeps one for all
    its changes instead of starting several per change); `window` is the history a replay read
    once for all its changes (policy.window_history), which answers familiarity's renames and
    commit counts. `copy_search` is where the AI-share blame looks for copied lines' origin and
    `whole_tree_files` bounds the files it does so for (`compute_share`); `netgain check` keeps
    the exact "whole-tree" search for every file, a replay may choose a cheaper one.
    """
    login = author_login or pr.author
    ctx = ChangeContext(root, base, head, pr, login, [])
    with ctx.stage("reviews"):
        ctx.stale_approvals = stale_approvals(root, base, head, pr.reviews)
    with ctx.stage("diff"):
        # The change is what head adds to the commit it forked from: what the pull request
        # shows, what merging it brings, and what the risk model reads (the commits
        # base..head). When the base branch moved on after the fork, a diff of the two trees
        # would also count the base branch's newer changes, reversed, as this change's lines:
        # on pallets/itsdangerous a 3-line change read as 928 added lines, and the files, zones
        # and findings of the base branch's own later work were judged as the change's.
        fork = window.fork_point(base, head) if window is not None else None
        if fork is None:
            fork, _ = fork_point(root, base, head)
        ctx.diff_base = fork or base  # unrelated histories: the whole difference, analysed
        label = f"{ctx.diff_base[:12]}..{head[:12]}"
        diffs, unreadable = diff_between_available(root, ctx.diff_base, head, label, deleted=True)
        ctx.diffs = [d for d in diffs if not d.is_submodule]
        # A submodule bump brings in another repository's code without a line in this diff
        # (humanlayer-style monorepos, py-tree-sitter's dependabot bumps of tree_sitter/core):
        # dropped with the line-based diffs, it made the change empty for zones, CODEOWNERS,
        # `change.paths` and the file count.
        ctx.submodules = [d for d in diffs if d.is_submodule]
        ctx.problems.extend(unreadable)
        # a changed file whose content is missing was not read: whatever its language, the
        # classification (_classify_files) decides whether it is code that holds the verdict
        ctx.not_analysed = [p.path for p in unreadable if p.path is not None]
        ctx.unparsed.extend(
            UnparsedFile(path, "not analysed: its content is missing (partial clone?)", None)
            for path in ctx.not_analysed
            if path.endswith(NETGAIN_SUFFIXES)
        )
        if policy_files is not None:
            # a file whose content is missing still changed: it may be a policy file
            gone = [FileDiff(p.path, None) for p in unreadable if p.path is not None]
            ctx.policy_files = policy_files(ctx.diffs + gone + ctx.submodules)
        for d in ctx.diffs:
            if d.added:
                ctx.added[d.path] = {n for r in d.added for n in range(r.start, r.end + 1)}
        change_shas = git.rev_list(root, [f"{base}..{head}"])
        emails = set(author_emails or [])
        if login and login in policy.people.aliases:
            emails.update(a.lower() for a in policy.people.aliases[login] if "@" in a)
        if not author_emails:
            known = window.authors_between(base, head) if window is not None else None
            if known is None:
                out = git.run_git(root, "log", "--no-merges", "--format=%ae", f"{base}..{head}")
                known = [out.decode("utf-8", "replace")]
            emails.update(e.lower() for text in known for e in text.split())
        ctx.author_emails = sorted(emails)
    existing = [d.old_path or d.path for d in ctx.diffs if d.status != "A"]
    new_dirs = sorted(
        {str(PurePosixPath(d.path).parent) + "/" for d in ctx.diffs if d.status == "A"} - {"./"}
    )

    def history_job() -> tuple[FileHistory, int, float]:
        # git-bound and independent of provenance and the scan: it runs alongside them
        start = time.perf_counter()
        history = file_history(root, base, existing + new_dirs, window)
        blame_removed(root, ctx.diff_base, ctx.diffs, history)  # the diff's own old side
        commits = author_commit_count(root, base, ctx.author_emails, window)
        return history, commits, time.perf_counter() - start

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="familiarity")
    background = pool.submit(history_job)
    with ctx.stage("provenance"):
        provenance = provenance_for(change_shas)
        text_paths = [d.path for d in ctx.diffs if d.status != "D" and not d.is_binary and d.added]
        # the blame is git's work (other processes): it runs while the scan parses and analyses
        blamed = pool.submit(
            compute_share,
            root,
            base,
            head,
            provenance,
            paths=text_paths,
            label=f"{base[:12]}..{head[:12]}",
            jobs=os.cpu_count() or 1,
            whole_tree_files=whole_tree_files,
            copy_search=copy_search,
        )
        share_problems_at = len(ctx.problems)
    scanned = [p for p in ctx.added if p.endswith(NETGAIN_SUFFIXES)]
    with ctx.stage("read"):
        sources = _read_head(root, head, scanned, blobs) if scanned else {}
        py_sources = {p: d for p, d in sources.items() if p.endswith((".py", ".pyi", ".ipynb"))}
        owners_files = (
            [policy.people.codeowners] if policy.people.codeowners else list(SEARCH_ORDER)
        )
        # the base's CODEOWNERS: a change must not choose its own owners
        owner_blobs = {p: _read_base_file(root, base, p, blobs) for p in owners_files}
        ctx.codeowners = load_codeowners(owner_blobs, explicit=policy.people.codeowners)
    with ctx.stage("scan"):
        findings: list[Finding] = []
        # parsed once for the imports to read along and for the signals (the scan parses its own)
        py_parsed = {p: parse_source(p, d) for p, d in py_sources.items()}
        if sources:
            context = _imported_modules(root, head, py_parsed, blobs)
            findings, unparsed, problems = _scan_changed(sources | context, scan_options, py_parsed)
            ctx.problems.extend(GitProblem("scan", p) for p in problems)
            # an unparsable imported (unchanged) file is not this change's problem to report
            ctx.unparsed += [u for u in unparsed if u.path in sources]
        findings += _imported_findings(ctx, imports or [])
        # the same diff filter and suppression review for netgain's and other tools' findings
        on_added = [
            f for f in findings if any(line in ctx.added.get(path, ()) for path, line in f.lines())
        ]
        ctx.findings = [f for f in on_added if not f.suppressed]
        _review_suppressions(ctx, policy, on_added, sources)
        _classify_files(ctx, blobs)
    with ctx.stage("signals"):
        ctx.signals, _unparsed = (
            find_signals(py_sources, ctx.added, py_parsed) if py_sources else ([], [])
        )
        other = [p for p in ctx.added if classify(p).language in SIGNAL_LANGUAGES]
        texts = _read_head(root, head, other, blobs) if other else {}
        found, ctx.unparsed_for_signals = find_polyglot_signals(texts, ctx.added)
        # a changed file still at head whose content a partial clone lacks was not searched
        at_head = {f.path for f in ctx.files}
        unread = {p for p in ctx.not_analysed if p in at_head} | (set(other) - set(texts))
        ctx.unparsed_for_signals += [
            NotParsed(p, "content missing (partial clone?): signals not searched", None)
            for p in sorted(unread)
            if classify(p).language in SIGNAL_LANGUAGES
        ]
        if found:
            ctx.signals = sorted(
                ctx.signals + found, key=lambda s: (s.path, s.line, s.family, s.detail)
            )
    with ctx.stage("provenance"):
        ctx.share = blamed.result()
        ctx.problems[share_problems_at:share_problems_at] = ctx.share.problems
    with ctx.stage("zones"):
        _zones(ctx, policy)
    with ctx.stage("familiarity"):
        try:
            ctx.history, commits_before, ctx.timings["history_in_background"] = background.result()
        finally:
            pool.shutdown()
        ctx.problems.extend(ctx.history.problems)
        author = _author_facts(ctx, existing, commits_before)
        author.first_signals = first_use(
            root,
            base,
            {s.family for s in ctx.signals},
            ctx.author_emails,
            cache_file=cache_dir / "familiarity.json" if cache_dir is not None else None,
            languages=_signal_languages(ctx.signals),
        )
    with ctx.stage("design_docs"):
        ctx.design_docs = check_design_docs(
            root,
            head,
            pr.body,
            policy.design_docs,
            provenance_for,
            repository=pr.repository,
            trust_human_claims=policy.provenance.trust_human_claims,
        )
        apply_attestations(
            ctx.design_docs,
            pr.reviews,
            ctx.standing_states(invalidate_on_push=True),
            attesters(
                Directory(policy, ctx.codeowners), {n: z.files for n, z in ctx.zones.items()}
            ),
            login,
        )
        _design_doc_origin(ctx, policy, login)
    with ctx.stage("comprehension"):
        ctx.checklist = read_checklist(pr.body, policy.comprehension.checklist)
        zone_files: dict[str, list[str]] = {}
        for name, hit in sorted(ctx.zones.items()):
            if policy.zones[name].design_doc:
                for path in sorted(hit.files):
                    zone_files.setdefault(path, []).append(name)
        if zone_files:
            ctx.comprehension_risk = file_risks(
                root, base, zone_files, provenance_for, policy.comprehension
            )
    with ctx.stage("coverage"):
        if coverage is not None:
            ctx.coverage = diff_coverage(coverage, ctx.added)
    ctx.facts = _facts(ctx, policy, author)
    return ctx


def _design_doc_origin(ctx: ChangeContext, policy: Policy, login: str | None) -> None:
    """`[design_docs] must_predate_change` and `owner_approval` (policy.docorigin): both only
    reject documents the authorship checks accepted."""
    config = policy.design_docs
    if not (config.must_predate_change or config.owner_approval):
        return
    fork, fork_date = fork_point(ctx.root, ctx.base, ctx.head)
    if config.must_predate_change:
        check_predates(ctx.design_docs, ctx.root, fork, fork_date, config)
    if config.owner_approval:
        people = Directory(policy, ctx.codeowners)
        zone_files = {n: z.files for n, z in ctx.zones.items()}
        check_owner_approval(
            ctx.design_docs,
            ctx.root,
            fork,
            lambda check: document_owners(people, zone_files, check),
            lambda email: login_of(people, email),
            ctx.pr.reviews,
            ctx.standing_states(invalidate_on_push=True),
            login,
        )


def _signal_languages(signals: list[Signal]) -> dict[str, set[str]]:
    """Family -> the languages this change uses it in (each has its own history regex)."""
    out: dict[str, set[str]] = {}
    for signal in signals:
        out.setdefault(signal.family, set()).add(classify(signal.path).language or "Python")
    return out


def _imported_findings(ctx: ChangeContext, imports: list[SarifImport]) -> list[Finding]:
    """Findings of the imported runs that are for this head; a run for other code is reported."""
    out: list[Finding] = []
    for imported in imports:
        ctx.problems.extend(GitProblem("import", str(p)) for p in imported.problems)
        for run in imported.runs:
            coverage = run_coverage(run, ctx.head)
            ctx.imported.append(coverage)
            if coverage.for_other_revision is not None:
                ctx.problems.append(
                    GitProblem(
                        "import",
                        f"{run.source}: {run.tool} results are for revision "
                        f"{coverage.for_other_revision[:12]}, not the head {ctx.head[:12]}: "
                        "ignored",
                    )
                )
                continue
            out += run.findings
    return out


def _classify_files(ctx: ChangeContext, blobs: git.CatFileBatch | None = None) -> None:
    """Who analysed each changed file (policy.analysed); scripts are recognised by `#!`."""
    paths = [d.path for d in ctx.diffs if d.status != "D"]
    # a file whose content is missing has no diff, but if it is still at head, nobody read it
    missing = [p for p in ctx.not_analysed if p not in paths]
    if missing:
        listed = git.run_git(ctx.root, "ls-tree", "-z", "--name-only", ctx.head, "--", *missing)
        at_head = {p.decode("utf-8", "surrogateescape") for p in listed.split(b"\0") if p}
        paths += [p for p in missing if p in at_head]
    unknown = [p for p in paths if classify(p).kind is FileKind.OTHER]
    heads = (
        {p: d[:256] for p, d in _read_head(ctx.root, ctx.head, unknown, blobs).items()}
        if unknown
        else {}
    )
    not_parsed = {
        u.path: f"could not be parsed: {u.reason}" + (f" (line {u.line})" if u.line else "")
        for u in ctx.unparsed
    }
    for path in ctx.not_analysed:
        not_parsed[path] = "its content is missing (partial clone?): fetch the blobs"
    ctx.files = classify_changed(paths, heads=heads, not_parsed=not_parsed, imported=ctx.imported)
    # a pinned commit of another repository, like a lock file's versions (never read as a blob)
    ctx.files += [
        FileAnalysis(d.path, str(FileKind.CONFIG), "") for d in ctx.submodules if d.status != "D"
    ]


def _review_suppressions(
    ctx: ChangeContext, policy: Policy, findings: list[Finding], sources: dict[str, bytes]
) -> None:
    """Findings silenced by this change's own suppressions count until a gate role approves."""
    ctx.suppressions = suppressed_in_change(findings, sources, ctx.added)
    if not ctx.suppressions:
        return
    roles = policy.gate_roles()
    people = Directory(policy, ctx.codeowners)
    members = set().union(*(people.role(r) for r in roles))
    author = norm(ctx.author_login) if ctx.author_login else None
    approvers = {
        norm(login)
        for login, state in ctx.standing_states(invalidate_on_push=True).items()
        if state == "APPROVED"
    }
    accept(ctx.suppressions, roles, (approvers & members) - {author})
    ctx.findings += [s.finding for s in ctx.suppressions if not s.accepted_by]


def _zones(ctx: ChangeContext, policy: Policy) -> None:
    share_by_file = {f.path: f for f in (ctx.share.files if ctx.share else [])}
    changed = [d.path for d in ctx.diffs + ctx.submodules]
    for name, zone in policy.zones.items():
        hit = ZoneHit(name)
        for path in changed:
            if path_matches(zone.paths, path):
                hit.files.add(path)
                hit.reasons.append(f"path {path} matches {', '.join(zone.paths)}")
        for signal in ctx.signals:
            if signal.family in zone.signals:
                hit.files.add(signal.path)
                hit.reasons.append(
                    f"signal {signal.family} ({signal.detail}) at {signal.path}:{signal.line}"
                )
        if hit.files:
            shares = [share_by_file[p] for p in sorted(hit.files) if p in share_by_file]
            hit.unknown_as = zone.effective_unknown_as(policy.provenance.unknown_as)
            hit.ai_lines = sum(f.ai for f in shares)
            hit.unknown_lines = sum(f.unknown for f in shares)
            hit.gate_ai_lines = sum(
                _gate_ai(f, hit.unknown_as, policy.provenance.trust_human_claims) for f in shares
            )
            ctx.zones[name] = hit


def _gate_ai(share: FileShare, unknown_as: str, trust_claims: bool) -> int:
    """Lines of one file the gate counts as AI: AI evidence, plus, where unknown counts as AI,
    the unknown lines and the human lines that rest only on the author's untrusted claim."""
    if unknown_as != "ai":
        return share.ai
    return share.ai + share.unknown + (0 if trust_claims else share.declared_human)


def _file_unknown_as(path: str, ctx: ChangeContext, policy: Policy) -> str:
    """ "ai" when any zone holding `path` counts unknown as AI, else the global setting."""
    for hit in ctx.zones.values():
        if path in hit.files and hit.unknown_as == "ai":
            return "ai"
    return policy.provenance.unknown_as


def gate_ai_lines(ctx: ChangeContext, policy: Policy) -> int:
    """Added lines the gate counts as AI (`change.ai_share`'s numerator), see docs/policy.md."""
    trust = policy.provenance.trust_human_claims
    files = ctx.share.files if ctx.share else []
    return sum(_gate_ai(f, _file_unknown_as(f.path, ctx, policy), trust) for f in files)


def _author_facts(ctx: ChangeContext, existing: list[str], commits_before: int) -> AuthorFacts:
    author = AuthorFacts(login=ctx.author_login or "", emails=ctx.author_emails)
    author.commits_before = commits_before
    known = [p for p in existing if ctx.history.touched_by(p, ctx.author_emails) > 0]
    author.files_known = len(known)
    author.files_new_to_author = sorted(set(existing) - set(known))
    author.familiar_share = float(len(known) / len(existing)) if existing else 1.0
    return author


def _facts(ctx: ChangeContext, policy: Policy, author: AuthorFacts) -> Facts:
    share = ctx.share
    ai = share.ai if share else 0
    human = share.human if share else 0
    unknown = share.unknown if share else 0
    total = ai + human + unknown
    paths = sorted({d.path for d in ctx.diffs + ctx.submodules})
    findings = FindingFacts(
        total=len(ctx.findings),
        unparsed_files=len(ctx.unparsed),
        suppressed_in_change=sum(1 for s in ctx.suppressions if not s.accepted_by),
    )
    for f in ctx.findings:
        key = str(f.severity)
        setattr(findings, key, getattr(findings, key) + 1)
    if ctx.findings:
        findings.max_severity = str(max(f.severity for f in ctx.findings))
    findings.cwes = sorted({c for f in ctx.findings for c in f.cwe})
    findings.rules = sorted({f.rule_id for f in ctx.findings})
    ai_zones = sorted(n for n, z in ctx.zones.items() if z.gate_ai_lines > 0)
    gate_ai = gate_ai_lines(ctx, policy)
    evidenced = share.line_evidence + share.commit_evidence if share else 0
    tests = [p for p in paths if is_test_path(p)]
    ratio = ctx.coverage.ratio if ctx.coverage is not None else None
    return Facts(
        base=ctx.base,
        head=ctx.head,
        ai_lines=ai,
        human_lines=human,
        unknown_lines=unknown,
        ai_share=float(gate_ai / total) if total else 0.0,
        measured_ai_share=float(ai / total) if total else 0.0,
        ai_share_of_attributed=float(ai / (ai + human)) if ai + human else 0.0,
        provenance_coverage=float(evidenced / total) if total else 1.0,
        unknown_share=float(unknown / total) if total else 0.0,
        line_evidence_lines=share.line_evidence if share else 0,
        commit_evidence_lines=share.commit_evidence if share else 0,
        declared_human_lines=share.declared_human if share else 0,
        unknown_as_ai_lines=gate_ai - ai,
        tools=sorted(share.by_tool) if share else [],
        lines_added=sum(d.added_count for d in ctx.diffs),
        lines_removed=sum(d.removed_count for d in ctx.diffs),
        files=len(paths),
        directories=len({str(PurePosixPath(p).parent) for p in paths}),
        subsystems=len({p.split("/", 1)[0] if "/" in p else "." for p in paths}),
        entropy=_entropy(ctx.diffs),
        paths=paths,
        policy_files_changed=list(ctx.policy_files),
        tests_changed=bool(tests),
        test_files=len(tests),
        zones=sorted(ctx.zones),
        ai_zones=ai_zones,
        design_doc_zones=[z for z in ai_zones if policy.zones[z].design_doc],
        signals=sorted({s.family for s in ctx.signals}),
        findings=findings,
        has_coverage=ratio is not None,
        diff_coverage=float(ratio) if ratio is not None else 0.0,
        design_doc_linked=any(d.accepted for d in ctx.design_docs),
        labels=list(ctx.pr.labels),
        title=ctx.pr.title,
        description=ctx.pr.body,
        draft=ctx.pr.draft,
        author=author,
        unanalysed_files=[f.path for f in ctx.unanalysed],
        unanalysed_languages=sorted({f.language for f in ctx.unanalysed}),
    )


def severity_at_least(findings: list[Finding], threshold: Severity) -> list[Finding]:
    """The findings a `scan_clean = threshold` requirement refuses."""
    return [f for f in findings if f.severity >= threshold]
