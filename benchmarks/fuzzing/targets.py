"""Every parser netgain owns as a fuzz target: input bytes in, the contract checked.

A target writes the bytes where netgain would read them (a file in `workdir`, a note blob, a
commit message), runs the parser as netgain runs it, then uses the result a little (matches a
path against CODEOWNERS, evaluates a condition) so that lazily compiled patterns run too. It
returns when the outcome keeps the contract of `benchmarks.fuzzing.contract`, raises ContractError
when it does not, and lets every other exception through: that is the crash a fuzzer looks for.

tests/fuzz runs the targets under hypothesis; benchmarks/fuzz.py runs long campaigns and 10 MB
pathological inputs over the same registry (`TARGETS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from benchmarks.fuzzing import seeds
from benchmarks.fuzzing.contract import check, line_count, line_in, names_file
from netgain.analysis.baseline import load_baseline
from netgain.analysis.js.scan import scan_js
from netgain.analysis.polyglot.signals import signals_in
from netgain.analysis.sarif_import import import_sarif
from netgain.analysis.suppressions import apply_inline_suppressions, parse_suppressions
from netgain.config import load_config
from netgain.errors import ConfigError, UsageError
from netgain.git.model import Commit, Identity
from netgain.git.trailers import parse_trailers
from netgain.history.ingest import get_repository
from netgain.incidents.formats import parse_file
from netgain.incidents.importer import import_records
from netgain.incidents.prexport import read_pull_requests
from netgain.incidents.records import ParseResult
from netgain.metrics.review_export import read_review_exports
from netgain.policy.codeowners import parse_codeowners
from netgain.policy.conditions import ConditionError, compile_condition, evaluate
from netgain.policy.coverage import parse_coverage
from netgain.policy.github import parse_event, parse_reviews
from netgain.policy.globs import path_matches, url_matches
from netgain.policy.model import sample_facts
from netgain.policy.schema import load_policy
from netgain.provenance.agent_trace import index_by_revision, parse_trace_lines
from netgain.provenance.gitai import read_note
from netgain.provenance.markers import builtin_markers, detect_commit_markers, marker_rules
from netgain.store.engine import open_store

Kind = Literal["json", "jsonl", "text", "csv", "export", "toml", "xml-or-lcov", "cel"]
SHA = "c" * 40
PATHS = ("src/auth/login.py", "docs/adr/0001-tokens.md", "a\udcff/b.py", "x" * 300)


@dataclass(frozen=True, slots=True)
class Target:
    """One parser: `run(data, workdir)` reads `data` as netgain would and checks the contract."""

    name: str
    family: str  # the tests/fuzz file that covers it
    kind: Kind  # which structure-aware mutations fit its input
    seeds: tuple[bytes, ...]
    run: Callable[[bytes, Path], None]


def _write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# --- provenance ---------------------------------------------------------------------------------


def run_gitai(data: bytes, workdir: Path) -> None:
    note, warnings = read_note(data, SHA)  # parse_note, with its NoteFormatError as a warning
    for warning in warnings:
        check(warning.sha == SHA, f"the error does not name the commit: {warning}")
        if warning.line is not None:
            line_in(warning.line, line_count(data), warning.message)
    for attestations in note.files.values() if note else ():
        for item in attestations:
            check(all(1 <= r.start <= r.end for r in item.ranges), f"bad range in {item}")


def run_agent_trace(data: bytes, workdir: Path) -> None:
    records, warnings = parse_trace_lines(data, "traces.jsonl")
    last = line_count(data)
    for warning in warnings:
        check(warning.source == "traces.jsonl", f"warning names another file: {warning}")
        if not warning.message.startswith("item "):  # a JSON document names the item instead
            line_in(warning.line, last, warning)
    index_by_revision(records)
    for record in records:
        record.line_claims()


def run_trailers(data: bytes, workdir: Path) -> None:
    message = data.decode("utf-8", "surrogateescape")  # how the git reader decodes messages
    trailers = parse_trailers(message)
    for trailer in trailers:
        check(bool(trailer.key) and "\n" not in trailer.key, f"bad trailer key {trailer.key!r}")
    who = Identity("Ada", "ada@example.com")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    commit = Commit(SHA, (), who, when, who, when, message, trailers=trailers)
    detect_commit_markers(commit, builtin_markers())


def run_markers(data: bytes, workdir: Path) -> None:
    """Team marker rules in netgain.toml's [provenance] table, then matched against a commit."""
    path = _write(workdir, "netgain.toml", data)
    try:
        raw = load_config(workdir, path)
        rules = marker_rules(raw.section("provenance"), raw.source)
    except ConfigError as exc:
        names_file(str(exc), str(path), line=False)
        return
    text = data.decode("utf-8", "replace")
    who = Identity(text[:200], "x@example.com")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    commit = Commit(SHA, (), who, when, who, when, text, trailers=parse_trailers(text))
    detect_commit_markers(commit, rules)


# --- analysis -----------------------------------------------------------------------------------


def run_sarif(data: bytes, workdir: Path) -> None:
    path = _write(workdir, "scan.sarif", data)
    result = import_sarif(path, root=workdir)
    last = line_count(data)
    for problem in result.problems:
        if problem.kind == "sarif-import":
            check(problem.path == str(path), f"problem names another file: {problem}")
            if "not valid JSON" in problem.message:
                line_in(problem.line, last, problem.message)
    for finding in result.findings:
        check(finding.location.line >= 1, f"finding without a line: {finding}")
    apply_inline_suppressions(result.findings, workdir)


def _json_file(filename: str, read: Callable[[Path], object]) -> Callable[[bytes, Path], None]:
    """A reader of one JSON file whose documented error is a UsageError naming the file, and the
    line when the JSON itself is bad (baselines, event payloads, review lists)."""

    def run(data: bytes, workdir: Path) -> None:
        path = _write(workdir, filename, data)
        try:
            read(path)
        except UsageError as exc:
            names_file(str(exc), str(path), line="not valid JSON" in str(exc))

    return run


def run_code_signals(data: bytes, workdir: Path) -> None:
    """The same bytes as each language the signal layer reads, every line added."""
    del workdir
    last = line_count(data)
    for name in ("a.ts", "a.tsx", "a.js", "A.java", "a.go", "a.rb", "a.php", "A.cs"):
        signals, problem = signals_in(name, data, set(range(1, last + 1)))
        for signal in signals:
            check(signal.path == name, f"{signal} names another file")
            line_in(signal.line, last, signal)
        if problem is not None:
            check(problem.path == name, f"{problem} names another file")
            if problem.line is not None:
                line_in(problem.line, last, problem)


def run_suppressions(data: bytes, workdir: Path) -> None:
    last = line_count(data)
    for item in parse_suppressions(data.decode("utf-8", "replace")):
        line_in(item.line, last, item)
        check(item.target in (item.line, item.line + 1), f"bad target: {item}")


def run_js_taint(data: bytes, workdir: Path) -> None:
    """A TypeScript file through the JS/TS analysis: it never crashes; a broken file is reported
    with a line of the file; findings point into the file."""
    path = _write(workdir, "route.ts", data)
    result = scan_js([(path, "route.ts")], enabled=lambda rule: True)
    last = line_count(data)
    for unparsed in result.unparsed:
        check(unparsed.path == "route.ts", f"unparsed names another file: {unparsed}")
        if unparsed.line is not None:
            line_in(unparsed.line, last, unparsed)
    for finding in result.findings:
        line_in(finding.location.line, last, finding)
        for step in finding.trace:
            line_in(step.location.line, last, step)


# --- incidents and exports ----------------------------------------------------------------------


def _incidents(fmt: str | None, filename: str) -> Callable[[bytes, Path], None]:
    def run(data: bytes, workdir: Path) -> None:
        path = _write(workdir, filename, data)
        try:
            result = parse_file(path, fmt)
        except UsageError as exc:
            names_file(str(exc), str(path), line=True)
            return
        _check_import_problems(result, str(path), data)

    return run


def _check_import_problems(result: ParseResult, name: str, data: bytes) -> None:
    last = line_count(data)
    for problem in (*result.problems, *result.skipped):
        check(problem.file == name, f"problem names another file: {problem}")
        line_in(problem.line, last, problem)


@cache
def _store(workdir: Path) -> Engine:
    return open_store(f"sqlite:///{workdir / 'fuzz.db'}")


def run_incident_store(data: bytes, workdir: Path) -> None:
    """Detect the format, parse, and store: the whole `netgain incidents import` path."""
    path = _write(
        workdir, "export.json" if data.lstrip()[:1] in (b"[", b"{") else "export.csv", data
    )
    try:
        result = parse_file(path)
    except UsageError as exc:
        names_file(str(exc), str(path), line=True)
        return
    with Session(_store(workdir)) as session:  # rolled back: every example starts empty
        repo_id = get_repository(session, workdir, False).id
        report = import_records(session, repo_id, result, str(path))
        session.rollback()
    check(report.inserted + report.updated + report.unchanged <= len(result.records), "counts")


def _pull_requests(fmt: str) -> Callable[[bytes, Path], None]:
    def run(data: bytes, workdir: Path) -> None:
        path = _write(workdir, "pulls.json", data)
        try:
            export = read_pull_requests(path, fmt)
        except UsageError as exc:
            names_file(str(exc), str(path), line=True)
            return
        last = line_count(data)
        for problem in (*export.problems, *export.skipped):
            check(problem.file == str(path), f"problem names another file: {problem}")
            line_in(problem.line, last, problem)

    return run


def run_review_export(data: bytes, workdir: Path) -> None:
    path = _write(workdir, "reviews.json", data)
    try:
        _, notes = read_review_exports([path])
    except UsageError as exc:
        names_file(str(exc), str(path), line=True)
        return
    for note in notes:
        names_file(note, str(path), line=True)


# --- policy and gate inputs -----------------------------------------------------------------------


def run_coverage(data: bytes, workdir: Path) -> None:
    path = _write(workdir, "coverage.report", data)
    try:
        report = parse_coverage(path)
    except UsageError as exc:
        names_file(str(exc), str(path), line="no coverage records" not in str(exc))
        return
    for candidate in PATHS:
        report.lookup(candidate)


def run_codeowners(data: bytes, workdir: Path) -> None:
    owners = parse_codeowners(data.decode("utf-8", "replace"), "CODEOWNERS")
    last = line_count(data)
    for problem in owners.problems:
        line_in(problem.line, last, problem.message)
    for entry in owners.entries:
        line_in(entry.line, last, entry)
    for candidate in PATHS:
        owners.owners_of(candidate)


def run_policy(data: bytes, workdir: Path) -> None:
    path = _write(workdir, "netgain.toml", data)
    try:
        policy = load_policy(workdir, path)
    except ConfigError as exc:
        names_file(str(exc), str(path), line="invalid TOML" in str(exc))
        return
    for zone in policy.zones.values():
        for candidate in PATHS:
            path_matches(zone.paths, candidate)
    for candidate in PATHS:
        path_matches(policy.design_docs.paths, candidate)
        url_matches(policy.design_docs.urls, "https://wiki.example.com/" + candidate)


def run_cel(data: bytes, workdir: Path) -> None:
    text = data.decode("utf-8", "replace")

    def where(message: str) -> ConfigError:
        return ConfigError(f"netgain.toml:7: rules[0].if: {message}")

    try:
        compile_condition(text, where=where)
    except ConfigError as exc:
        names_file(str(exc), "netgain.toml", line=True)
        return
    try:
        evaluate(text, sample_facts())
    except ConditionError as exc:
        check(bool(str(exc)), "ConditionError without a message")


TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target("gitai-note", "provenance", "text", seeds.GITAI, run_gitai),
        Target("agent-trace", "provenance", "jsonl", seeds.AGENT_TRACE, run_agent_trace),
        Target("trailers", "provenance", "text", seeds.COMMIT_MESSAGES, run_trailers),
        Target("provenance-markers", "provenance", "toml", seeds.POLICIES, run_markers),
        Target("sarif", "analysis", "json", seeds.SARIF_LOGS, run_sarif),
        Target(
            "baseline", "analysis", "json", seeds.BASELINES, _json_file("b.json", load_baseline)
        ),
        Target("suppressions", "analysis", "text", seeds.SUPPRESSED_SOURCES, run_suppressions),
        Target("code-signals", "analysis", "text", seeds.CODE_SOURCES, run_code_signals),
        Target("js-taint", "analysis", "text", seeds.JS_SOURCES, run_js_taint),
        Target("incidents-csv", "incidents", "csv", seeds.CSV_GENERIC, _incidents("csv", "i.csv")),
        Target(
            "incidents-pagerduty",
            "incidents",
            "csv",
            seeds.CSV_PAGERDUTY,
            _incidents("pagerduty", "pd.csv"),
        ),
        Target(
            "incidents-json", "incidents", "json", seeds.JSON_GENERIC, _incidents("json", "i.json")
        ),
        Target("incidents-jira", "incidents", "json", seeds.JIRA, _incidents("jira", "jira.json")),
        Target(
            "incidents-github",
            "incidents",
            "json",
            seeds.GITHUB_ISSUES,
            _incidents("github", "issues.json"),
        ),
        Target(
            "incidents-detect", "incidents", "export", seeds.INCIDENT_EXPORTS, _incidents(None, "x")
        ),
        Target(
            "incidents-store", "incidents", "export", seeds.INCIDENT_EXPORTS, run_incident_store
        ),
        Target("prs-github", "exports", "json", seeds.PULLS_GITHUB, _pull_requests("github")),
        Target("prs-gitlab", "exports", "json", seeds.PULLS_GITLAB, _pull_requests("gitlab")),
        Target("review-export", "exports", "json", seeds.REVIEW_EXPORTS, run_review_export),
        Target("coverage", "policy", "xml-or-lcov", seeds.COVERAGE, run_coverage),
        Target("codeowners", "policy", "text", seeds.CODEOWNERS, run_codeowners),
        Target("policy", "policy", "toml", seeds.POLICIES, run_policy),
        Target("cel", "policy", "cel", seeds.CEL_CONDITIONS, run_cel),
        Target(
            "github-event", "policy", "json", seeds.EVENTS, _json_file("event.json", parse_event)
        ),
        Target(
            "github-reviews",
            "policy",
            "json",
            seeds.REVIEW_LISTS,
            _json_file("reviews.json", parse_reviews),
        ),
    )
}
