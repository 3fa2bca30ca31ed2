"""Import other scanners' SARIF 2.1.0 (Semgrep, CodeQL, Bandit, gitleaks, ...) as findings.

Teams already run scanners for other languages; netgain merges their results so that one report,
one baseline and one `--fail-on` gate cover everything. Imported SARIF is hostile input:

* a file that cannot be read, is not JSON or is not SARIF-shaped yields an error-level problem naming
  the file (and the JSON line and column when the parser knows them); the CLI exits 2 after writing
  every report, because the gate's answer would be incomplete;
* a malformed result inside an otherwise good file is skipped with a warning-level problem naming the
  file and the result's JSON path; the remaining results are imported.

Each imported finding keeps its tool's name (`Finding.tool`) and its original rule id, so the SARIF
output re-emits it in a run of its own under the original tool.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from netgain.analysis.findings import Confidence, Finding, Location, Severity, TraceStep
from netgain.analysis.problems import Problem, ProblemLevel
from netgain.analysis.source import read_text_inside
from netgain.jsoninput import JsonInputError, loads
from netgain.text import split_lines

_CWE_TAG = re.compile(r"(?:^|/)cwe[-_/:]?0*(\d{1,5})\b", re.IGNORECASE)
_LEVEL_SEVERITY = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.NOTE,
}
_WORD_SEVERITY = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "low": Severity.LOW,
    "info": Severity.NOTE,
    "informational": Severity.NOTE,
    "undefined": Severity.NOTE,
}
_PRECISION_CONFIDENCE = {
    "very-high": Confidence.HIGH,
    "high": Confidence.HIGH,
    "medium": Confidence.MEDIUM,
    "low": Confidence.LOW,
}
# Tools whose every rule is about one weakness but whose SARIF carries no CWE tag.
_TOOL_DEFAULT_CWE = {"gitleaks": (798,), "trufflehog": (798,), "detect-secrets": (798,)}
_SECRET_TOOLS = frozenset(_TOOL_DEFAULT_CWE)
# Findings about credentials: their snippets quote the secret, so they are masked like gitleaks'.
_SECRET_CWES = frozenset({259, 321, 798})
MAX_PROBLEMS = 1000


class _MalformedError(ValueError):
    """A result that cannot be turned into a finding; the message says which field is wrong."""


@dataclass(frozen=True, slots=True)
class ImportedRule:
    """What the original tool said about a rule, kept to re-emit it in the SARIF output."""

    id: str
    name: str | None = None
    short_description: str | None = None
    full_description: str | None = None
    help_uri: str | None = None
    cwe: tuple[int, ...] = ()
    security_severity: str | None = None


@dataclass(slots=True)
class ImportedRun:
    """The findings of one SARIF run, with its tool's identity."""

    tool: str
    source: str
    version: str | None = None
    information_uri: str | None = None
    rules: dict[str, ImportedRule] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class SarifImport:
    """Everything read from one file; `readable` is False when nothing at all could be imported."""

    source: str
    runs: list[ImportedRun] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True

    @property
    def findings(self) -> list[Finding]:
        return [f for run in self.runs for f in run.findings]


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _MalformedError(f"{where} must be an object, not {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _MalformedError(f"{where} must be an array, not {type(value).__name__}")
    return value


def _sub(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """`obj[key]` when it is an object, else an empty one: optional SARIF objects stay optional."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """`message`-like objects: `{"text": ...}` or `{"markdown": ...}`; plain strings tolerated."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("text", "markdown"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def cwes_from_tags(tags: Any) -> tuple[int, ...]:
    """CWE numbers from `external/cwe/cwe-089`, `CWE-89: ...` or `cwe/89` tags, in tag order."""
    found: list[int] = []
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str):
                match = _CWE_TAG.search(tag.strip())
                if match and int(match.group(1)) not in found:
                    found.append(int(match.group(1)))
    return tuple(found)


def _cwe_from_refs(refs: Any) -> tuple[int, ...]:
    """CWE numbers from `taxa` or rule `relationships` pointing into a CWE taxonomy."""
    found: list[int] = []
    for ref in refs if isinstance(refs, list) else []:
        if not isinstance(ref, dict):
            continue
        target = ref.get("target") if isinstance(ref.get("target"), dict) else ref
        component = target.get("toolComponent") if isinstance(target, dict) else None
        name = component.get("name") if isinstance(component, dict) else None
        ident = target.get("id") if isinstance(target, dict) else None
        if isinstance(ident, str) and (
            (isinstance(name, str) and name.upper() == "CWE") or ident.upper().startswith("CWE")
        ):
            digits = re.sub(r"\D", "", ident)
            # CWE ids have at most 4 digits; a longer run is not one (and int() of more than
            # 4,300 digits raises ValueError)
            if digits and len(digits) <= 6 and int(digits) not in found:
                found.append(int(digits))
    return tuple(found)


def _severity_from_score(score: Any) -> Severity | None:
    try:
        value = float(score)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond a double
        return None
    if not math.isfinite(value):  # "nan" and "inf" are strings float() accepts
        return None
    if value >= 9.0:
        return Severity.CRITICAL
    if value >= 7.0:
        return Severity.HIGH
    if value >= 4.0:
        return Severity.MEDIUM
    if value > 0.0:
        return Severity.LOW
    return Severity.NOTE


def _local_path(uri: str, base_uri: str | None, root: Path) -> str:
    """A root-relative POSIX path when the URI points inside the root, else the URI's path."""
    try:
        parsed = urllib.parse.urlsplit(uri)
    except ValueError:  # e.g. "http://[x": an unclosed IPv6 host; keep the text as a path
        return PurePosixPath(uri).as_posix().removeprefix("./")
    if parsed.scheme == "file" or (not parsed.scheme and base_uri):
        raw = urllib.parse.unquote(parsed.path)
        if not parsed.scheme and base_uri:
            base = urllib.parse.urlsplit(base_uri)
            if base.scheme == "file":
                raw = urllib.parse.unquote(base.path).rstrip("/") + "/" + raw
        candidate = Path(raw)
        if candidate.is_absolute():
            try:
                return candidate.relative_to(root.resolve()).as_posix()
            except ValueError:
                return candidate.as_posix()
        uri = raw
    elif parsed.scheme:
        return uri
    path = PurePosixPath(urllib.parse.unquote(uri))
    return path.as_posix().removeprefix("./")


def _mask(snippet: str) -> str:
    """Keep only a secret's first characters: imported secret scanners quote the secret itself."""
    text = snippet.strip()
    return text[:4] + "*" * 8 if len(text) > 4 else "*" * 8


def _read_line(root: Path, rel: str, line: int, cache: dict[str, list[str] | None]) -> str:
    if rel not in cache:
        text = read_text_inside(root, rel)
        cache[rel] = split_lines(text) if text is not None else None
    lines = cache[rel]
    return lines[line - 1] if lines is not None and 0 < line <= len(lines) else ""


@dataclass(slots=True)
class _RunContext:
    tool: str
    root: Path
    base_uris: dict[str, str]
    artifacts: list[str]
    rules: list[dict[str, Any]]
    extension_rules: list[list[dict[str, Any]]]
    lines: dict[str, list[str] | None]


def _location(raw: Any, where: str, ctx: _RunContext, message: str = "") -> Location:
    loc = _obj(raw, where)
    physical = _obj(loc.get("physicalLocation"), f"{where}.physicalLocation")
    artifact = _obj(physical.get("artifactLocation"), f"{where}.physicalLocation.artifactLocation")
    uri = artifact.get("uri")
    index = artifact.get("index")
    if not isinstance(uri, str) and isinstance(index, int) and 0 <= index < len(ctx.artifacts):
        uri = ctx.artifacts[index]
    if not isinstance(uri, str) or not uri:
        raise _MalformedError(f"{where}.physicalLocation.artifactLocation has no uri")
    base_id = artifact.get("uriBaseId")
    base_uri = ctx.base_uris.get(base_id) if isinstance(base_id, str) else None
    path = _local_path(uri, base_uri, ctx.root)
    region = _sub(physical, "region")
    line = _int(region.get("startLine")) or 1
    column = _int(region.get("startColumn")) or 1
    snippet = _text(region.get("snippet")) or ""
    if ctx.tool.lower() in _SECRET_TOOLS and snippet:
        snippet = _mask(snippet)
    if not snippet:
        snippet = _read_line(ctx.root, path, line, ctx.lines).strip()
        if ctx.tool.lower() in _SECRET_TOOLS and snippet:
            snippet = _mask(snippet)
    return Location(
        path=path,
        line=line,
        column=column,
        end_line=_int(region.get("endLine")),
        end_column=_int(region.get("endColumn")),
        snippet=snippet.strip(),
    )


def _rule_descriptor(result: dict[str, Any], ctx: _RunContext) -> dict[str, Any] | None:
    """The reportingDescriptor a result refers to: by index, by toolComponent, then by id."""
    rule_ref = _sub(result, "rule")
    index = rule_ref.get("index", result.get("ruleIndex"))
    component = rule_ref.get("toolComponent")
    pool = ctx.rules
    if isinstance(component, dict) and isinstance(component.get("index"), int):
        comp_index = component["index"]
        if 0 <= comp_index < len(ctx.extension_rules):
            pool = ctx.extension_rules[comp_index]
    if isinstance(index, int) and 0 <= index < len(pool) and isinstance(pool[index], dict):
        return pool[index]
    rule_id = result.get("ruleId") or rule_ref.get("id")
    for candidates in (ctx.rules, *ctx.extension_rules):
        for rule in candidates:
            if isinstance(rule, dict) and rule.get("id") == rule_id:
                return rule
    return None


def _imported_rule(rule: dict[str, Any], tool: str) -> ImportedRule:
    props = _sub(rule, "properties")
    cwe = cwes_from_tags(props.get("tags")) or cwes_from_tags(props.get("cwe"))
    cwe = cwe or _cwe_from_refs(rule.get("relationships"))
    cwe = cwe or _TOOL_DEFAULT_CWE.get(tool.lower(), ())
    help_uri = rule.get("helpUri")
    severity = props.get("security-severity")
    return ImportedRule(
        id=str(rule.get("id")),
        name=rule.get("name") if isinstance(rule.get("name"), str) else None,
        short_description=_text(rule.get("shortDescription")),
        full_description=_text(rule.get("fullDescription")),
        help_uri=help_uri if isinstance(help_uri, str) else None,
        cwe=cwe,
        security_severity=str(severity) if isinstance(severity, str | int | float) else None,
    )


def _finding(result_raw: Any, where: str, ctx: _RunContext, run: ImportedRun) -> Finding:
    result = _obj(result_raw, where)
    descriptor = _rule_descriptor(result, ctx)
    rule_ref = _sub(result, "rule")
    rule_id = result.get("ruleId") or rule_ref.get("id") or (descriptor or {}).get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise _MalformedError(f"{where} has no ruleId")
    if descriptor is not None:
        rule = _imported_rule(descriptor, ctx.tool)
    else:
        rule = ImportedRule(id=rule_id, cwe=_TOOL_DEFAULT_CWE.get(ctx.tool.lower(), ()))
    run.rules.setdefault(rule_id, rule)
    message = _text(result.get("message"))
    if message is None:
        raise _MalformedError(f"{where}.message has no text")
    locations = _list(result.get("locations"), f"{where}.locations")
    if not locations:
        raise _MalformedError(f"{where} has no locations (netgain reports findings in files)")
    location = _location(locations[0], f"{where}.locations[0]", ctx)

    props = _sub(result, "properties")
    desc_props = _sub(descriptor or {}, "properties")
    default_level = _sub(descriptor or {}, "defaultConfiguration").get("level")
    level = result.get("level") or default_level or "warning"
    severity = (
        _severity_from_score(props.get("security-severity"))
        or _severity_from_score(desc_props.get("security-severity"))
        or _WORD_SEVERITY.get(str(props.get("issue_severity", "")).lower())
        or _LEVEL_SEVERITY.get(str(level))
        or Severity.MEDIUM
    )
    confidence = (
        _PRECISION_CONFIDENCE.get(str(props.get("issue_confidence", "")).lower())
        or _PRECISION_CONFIDENCE.get(str(desc_props.get("precision", "")).lower())
        or Confidence.MEDIUM
    )
    cwe = _cwe_from_refs(result.get("taxa")) or cwes_from_tags(props.get("tags")) or rule.cwe

    trace: list[TraceStep] = []
    flows = _list(result.get("codeFlows"), f"{where}.codeFlows")
    if flows:
        flow = _obj(flows[0], f"{where}.codeFlows[0]")
        threads = _list(flow.get("threadFlows"), f"{where}.codeFlows[0].threadFlows")
        if threads:
            thread = _obj(threads[0], f"{where}.codeFlows[0].threadFlows[0]")
            steps = _list(thread.get("locations"), f"{where}.codeFlows[0].threadFlows[0].locations")
            for i, step_raw in enumerate(steps):
                step_where = f"{where}.codeFlows[0].threadFlows[0].locations[{i}]"
                step = _obj(step_raw, step_where)
                inner = _obj(step.get("location"), f"{step_where}.location")
                step_loc = _location(inner, f"{step_where}.location", ctx)
                trace.append(TraceStep(step_loc, _text(inner.get("message")) or ""))
    if _SECRET_CWES.intersection(cwe) and ctx.tool.lower() not in _SECRET_TOOLS:
        if location.snippet:
            location = replace(location, snippet=_mask(location.snippet))
        trace = [
            replace(step, location=replace(step.location, snippet=_mask(step.location.snippet)))
            if step.location.snippet
            else step
            for step in trace
        ]
    finding = Finding(
        rule_id=rule_id,
        message=message,
        severity=severity,
        confidence=confidence,
        location=location,
        cwe=cwe,
        trace=trace,
        tool=ctx.tool,
    )
    sarif_suppressions = result.get("suppressions")
    if isinstance(sarif_suppressions, list) and sarif_suppressions:
        first = sarif_suppressions[0] if isinstance(sarif_suppressions[0], dict) else {}
        if first.get("status") in (None, "accepted"):
            finding.suppressed = str(first.get("justification") or f"suppressed in {ctx.tool}")
            finding.suppression_kind = str(first.get("kind") or "external")
    return finding


def _problem(source: str, message: str, level: ProblemLevel = ProblemLevel.ERROR) -> Problem:
    return Problem(kind="sarif-import", level=level, message=message, path=source)


def _stopped(problems: list[Problem], source: str, where: str) -> bool:
    """True once the file made MAX_PROBLEMS problems, after one saying where reading stopped.

    A log with that many malformed runs or results is not a scanner's output: reading on costs
    time and memory per bad item (a 10 MB array of `{}` made three million problems in 14 s).
    """
    if len(problems) < MAX_PROBLEMS:
        return False
    problems.append(_problem(source, f"stopped reading at {where} after {MAX_PROBLEMS:,} problems"))
    return True


def import_sarif(path: Path, *, root: Path) -> SarifImport:
    """Read one SARIF file into findings; never raises for bad content (see module docstring)."""
    source = str(path)
    imported = SarifImport(source=source)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        imported.readable = False
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        imported.problems.append(_problem(source, f"cannot read SARIF file: {reason}"))
        return imported
    try:
        data = loads(text)
    except JsonInputError as exc:
        imported.readable = False
        imported.problems.append(
            Problem(
                kind="sarif-import",
                level=ProblemLevel.ERROR,
                message=f"not valid JSON at line {exc.line} column {exc.column}: {exc.msg}",
                path=source,
                line=exc.line,
            )
        )
        return imported
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        imported.readable = False
        imported.problems.append(
            _problem(source, "not a SARIF log: expected a JSON object with a 'runs' array")
        )
        return imported
    version = data.get("version")
    if version != "2.1.0":
        imported.problems.append(
            _problem(
                source,
                f"SARIF version {version!r} is not 2.1.0; reading it as 2.1.0",
                ProblemLevel.WARNING,
            )
        )
    for run_index, run_raw in enumerate(data["runs"]):
        where = f"runs[{run_index}]"
        if _stopped(imported.problems, source, where):
            break
        try:
            run_obj = _obj(run_raw, where)
            run = _read_run(run_obj, where, source, root, imported.problems)
        except _MalformedError as exc:
            imported.problems.append(_problem(source, f"{exc}; run skipped"))
            continue
        imported.runs.append(run)
    if data["runs"] and not imported.runs:
        imported.readable = False
    return imported


def _read_run(
    run_obj: dict[str, Any], where: str, source: str, root: Path, problems: list[Problem]
) -> ImportedRun:
    tool_obj = _obj(run_obj.get("tool"), f"{where}.tool")
    driver = _obj(tool_obj.get("driver"), f"{where}.tool.driver")
    name = driver.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _MalformedError(f"{where}.tool.driver has no name")
    version = driver.get("semanticVersion") or driver.get("version")
    info_uri = driver.get("informationUri")
    base_uris: dict[str, str] = {}
    original = run_obj.get("originalUriBaseIds")
    if isinstance(original, dict):
        for key, value in original.items():
            if isinstance(value, dict) and isinstance(value.get("uri"), str):
                base_uris[key] = value["uri"]
    artifacts: list[str] = []
    for artifact in _list(run_obj.get("artifacts"), f"{where}.artifacts"):
        loc = artifact.get("location") if isinstance(artifact, dict) else None
        artifacts.append(loc.get("uri", "") if isinstance(loc, dict) else "")
    extensions = [
        [r for r in _list(ext.get("rules"), "rules") if isinstance(r, dict)]
        for ext in _list(tool_obj.get("extensions"), f"{where}.tool.extensions")
        if isinstance(ext, dict)
    ]
    ctx = _RunContext(
        tool=name.strip(),
        root=root,
        base_uris=base_uris,
        artifacts=artifacts,
        rules=[
            r
            for r in _list(driver.get("rules"), f"{where}.tool.driver.rules")
            if isinstance(r, dict)
        ],
        extension_rules=extensions,
        lines={},
    )
    run = ImportedRun(
        tool=ctx.tool,
        source=source,
        version=str(version) if isinstance(version, str | int | float) else None,
        information_uri=info_uri if isinstance(info_uri, str) else None,
    )
    problems.extend(_tool_notifications(run_obj, ctx, source))
    for result_index, result in enumerate(_list(run_obj.get("results"), f"{where}.results")):
        result_where = f"{where}.results[{result_index}]"
        if _stopped(problems, source, result_where):
            break
        try:
            run.findings.append(_finding(result, result_where, ctx, run))
        except _MalformedError as exc:
            problems.append(_problem(source, f"{exc}; result skipped", ProblemLevel.WARNING))
    return run


def _tool_notifications(run_obj: dict[str, Any], ctx: _RunContext, source: str) -> list[Problem]:
    """The imported tool's own error and warning notifications (e.g. Bandit's unparsable files).

    A file another scanner could not read is a coverage gap of the merged report, so it is kept.
    """
    found: list[Problem] = []
    invocations = run_obj.get("invocations")
    for invocation in invocations if isinstance(invocations, list) else []:
        if not isinstance(invocation, dict):
            continue
        for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
            notes = invocation.get(key)
            for note in notes if isinstance(notes, list) else []:
                if not isinstance(note, dict) or note.get("level") not in ("error", "warning"):
                    continue
                text = _text(note.get("message")) or "(no message)"
                path: str | None = None
                locations = note.get("locations")
                if isinstance(locations, list) and locations and isinstance(locations[0], dict):
                    artifact = _sub(_sub(locations[0], "physicalLocation"), "artifactLocation")
                    if isinstance(artifact.get("uri"), str):
                        path = _local_path(artifact["uri"], None, ctx.root)
                found.append(
                    Problem(
                        kind="imported-tool-notification",
                        level=ProblemLevel.WARNING,
                        message=f"{ctx.tool} ({Path(source).name}): {text}",
                        path=path,
                    )
                )
    return found
