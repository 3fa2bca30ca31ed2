"""Attribution of one commit's added lines to AI, humans or nobody-knows.

Rules (issue 2):
- Line-level evidence (a git-ai note, Agent Trace records for the commit) beats commit-level
  evidence. When it exists the commit is attributed by it alone: attested lines are intersected
  with the lines the commit ADDED (attestations describe the whole file and may cover older
  lines), and added lines it does not cover are unknown, even when a trailer names a tool (the
  trailer still appears in the evidence). Where a note and a trace both claim a line, the note wins;
  within one source the later entry wins.
- Otherwise commit-level markers (bot authors, trailers, ...) attribute every added line to the
  marker's tool; team human markers attribute them to humans; AI and human markers together are
  contradictory and leave the lines unknown with a warning. PR metadata (a `codex/` branch) is the
  weakest commit-level source and is only used when the commit itself carries no marker.
- No evidence: unknown, never human. Merge commits count zero lines; binary files contribute none.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netgain.git.model import Commit, LineRange
from netgain.provenance.agent_trace import TraceRecord
from netgain.provenance.entire import CheckpointCounts
from netgain.provenance.gitai import AuthorshipNote
from netgain.provenance.markers import MarkerRule, detect_commit_markers, tool_for_branch
from netgain.provenance.model import (
    AttributedRange,
    AuthorKind,
    CommitAttribution,
    Evidence,
    EvidenceKind,
    LineCounts,
    ProvenanceWarning,
    ToolShare,
)
from netgain.provenance.ranges import count, intersect, normalize, subtract


@dataclass(frozen=True, slots=True)
class _Claim:
    """A set of lines claimed by one entry of a line-level source, with its evidence slot."""

    ranges: list[LineRange]
    author: AuthorKind
    tool: str | None
    model: str | None
    slot: int  # index into the evidence accumulator list


@dataclass(slots=True)
class _EvidenceSlot:
    kind: EvidenceKind
    author: AuthorKind
    tool: str | None
    model: str | None
    label: str
    attested: int = 0
    added: int = 0


def pr_metadata_evidence(
    head_branch: str | None, rules: Sequence[MarkerRule] | None = None
) -> list[Evidence]:
    """Evidence from a pull request's head branch name (`codex/...`, `devin/...`)."""
    if not head_branch:
        return []
    tool = tool_for_branch(head_branch, rules)
    if tool is None:
        return []
    return [Evidence("pr-metadata", tool, None, f"head branch {head_branch!r} is a {tool} branch")]


def _added_ranges(
    commit: Commit, added: Mapping[str, Sequence[LineRange]]
) -> dict[str, list[LineRange]]:
    binary = {stat.path for stat in commit.files if stat.is_binary}
    return {
        path: normalize(ranges) for path, ranges in added.items() if path not in binary and ranges
    }


def _numstat_total(commit: Commit) -> int:
    return sum(stat.added or 0 for stat in commit.files if not stat.is_binary)


def _note_claims(note: AuthorshipNote, slots: list[_EvidenceSlot]) -> dict[str, list[_Claim]]:
    claims: dict[str, list[_Claim]] = {}
    index: dict[tuple[AuthorKind, str | None, str | None], int] = {}
    for path, attestations in note.files.items():
        for att in attestations:
            slot_key = (att.author, att.tool, att.model)
            if slot_key not in index:
                index[slot_key] = len(slots)
                who = att.tool or ("unnamed AI tool" if att.author is AuthorKind.AI else "human")
                slots.append(
                    _EvidenceSlot(
                        note.evidence_kind,
                        att.author,
                        att.tool,
                        att.model,
                        f"{note.source} ({who})",
                    )
                )
            slot = index[slot_key]
            slots[slot].attested += count(att.ranges)
            claims.setdefault(path, []).append(
                _Claim(list(att.ranges), att.author, att.tool, att.model, slot)
            )
    return claims


def _trace_claims(
    traces: Sequence[TraceRecord], slots: list[_EvidenceSlot]
) -> dict[str, list[_Claim]]:
    claims: dict[str, list[_Claim]] = {}
    index: dict[tuple[str, AuthorKind, str | None, str | None], int] = {}
    for record in sorted(traces, key=lambda r: r.timestamp):
        for path, path_claims in record.line_claims().items():
            for claim in path_claims:
                slot_key = (str(record.id), claim.author, claim.tool, claim.model)
                if slot_key not in index:
                    index[slot_key] = len(slots)
                    who = claim.tool or str(claim.author)
                    slots.append(
                        _EvidenceSlot(
                            "agent-trace",
                            claim.author,
                            claim.tool,
                            claim.model,
                            f"Agent Trace record {record.id} ({who})",
                        )
                    )
                slot = index[slot_key]
                slots[slot].attested += len(claim.range)
                claims.setdefault(path, []).append(
                    _Claim([claim.range], claim.author, claim.tool, claim.model, slot)
                )
    return claims


def _paint(
    remaining: list[LineRange],
    layers: Sequence[Mapping[str, list[_Claim]]],
    path: str,
    slots: list[_EvidenceSlot],
) -> list[AttributedRange]:
    """Assign each added line to the strongest, latest claim covering it; the rest is unknown."""
    runs: list[AttributedRange] = []
    for layer in layers:
        for claim in reversed(layer.get(path, [])):
            if not remaining:
                break
            taken = intersect(remaining, claim.ranges)
            if not taken:
                continue
            slots[claim.slot].added += count(taken)
            runs.extend(AttributedRange(r, claim.author, claim.tool, claim.model) for r in taken)
            remaining = subtract(remaining, taken)
    runs.extend(AttributedRange(r, AuthorKind.UNKNOWN, None, None) for r in remaining)
    return _merge_runs(runs)


def _merge_runs(runs: list[AttributedRange]) -> list[AttributedRange]:
    runs.sort(key=lambda run: run.range.start)
    merged: list[AttributedRange] = []
    for run in runs:
        if merged:
            last = merged[-1]
            same = (last.kind, last.tool, last.model) == (run.kind, run.tool, run.model)
            if same and last.range.end + 1 == run.range.start:
                merged[-1] = last._replace(range=LineRange(last.range.start, run.range.end))
                continue
        merged.append(run)
    return merged


def _tool_shares(runs: Mapping[str, list[AttributedRange]]) -> list[ToolShare]:
    lines: dict[str | None, int] = {}
    models: dict[str | None, set[str]] = {}
    for file_runs in runs.values():
        for run in file_runs:
            if run.kind is AuthorKind.AI:
                lines[run.tool] = lines.get(run.tool, 0) + len(run.range)
                if run.model:
                    models.setdefault(run.tool, set()).add(run.model)
    return sorted(
        (ToolShare(tool, n, tuple(sorted(models.get(tool, ())))) for tool, n in lines.items()),
        key=lambda share: (-share.lines, share.tool or ""),
    )


def _finish(result: CommitAttribution) -> CommitAttribution:
    ai_evidence = [e for e in result.evidence if e.author is AuthorKind.AI]
    result.tools = sorted({e.tool for e in ai_evidence if e.tool})
    result.models = sorted({e.model for e in ai_evidence if e.model})
    return result


def _line_level(
    commit: Commit,
    result: CommitAttribution,
    added: Mapping[str, Sequence[LineRange]] | None,
    note: AuthorshipNote | None,
    traces: Sequence[TraceRecord],
) -> None:
    slots: list[_EvidenceSlot] = []
    layers = []
    if note is not None:
        layers.append(_note_claims(note, slots))
        result.warnings.extend(note.warnings)
    if traces:
        layers.append(_trace_claims(traces, slots))
    result.level = "line"
    if added is None:
        total = _numstat_total(commit)
        result.counts = LineCounts(unknown=total)
        result.warnings.append(
            ProvenanceWarning(
                "attribution",
                "line-level evidence present but the commit's added line ranges were not "
                f"supplied; its {total} added lines are counted as unknown",
                sha=commit.sha,
            )
        )
    else:
        counts = LineCounts()
        for path, remaining in sorted(_added_ranges(commit, added).items()):
            runs = _paint(remaining, layers, path, slots)
            result.lines[path] = runs
            for run in runs:
                counts = counts.add(run.kind, len(run.range))
        result.counts = counts
        result.by_tool = _tool_shares(result.lines)
    line_evidence = [
        Evidence(
            slot.kind,
            slot.tool,
            slot.model,
            f"{slot.label}: attests {slot.attested} lines, {slot.added} of them added by this commit",
            slot.author,
        )
        for slot in slots
    ]
    if note is not None and not note.files:
        line_evidence.insert(
            0,
            Evidence(
                note.evidence_kind,
                None,
                None,
                f"{note.source}: note without attestations (no line written by a known author)",
                AuthorKind.UNKNOWN,
            ),
        )
    result.evidence[:0] = line_evidence


def _commit_level(
    commit: Commit,
    result: CommitAttribution,
    added: Mapping[str, Sequence[LineRange]] | None,
    markers_found: list[Evidence],
    pr: Sequence[Evidence],
) -> None:
    decisive = markers_found or [e for e in pr if e.kind == "pr-metadata"]
    ai = [e for e in decisive if e.author is AuthorKind.AI]
    human = [e for e in decisive if e.author is AuthorKind.HUMAN]
    if not ai and not human:
        kind, tool = AuthorKind.UNKNOWN, None
        result.level = "none"
    elif ai and human:
        kind, tool = AuthorKind.UNKNOWN, None
        result.level = "commit"
        result.warnings.append(
            ProvenanceWarning(
                "markers",
                "contradictory markers: "
                + ", ".join(e.tool or "human" for e in ai + human)
                + "; added lines left unknown",
                sha=commit.sha,
            )
        )
    else:
        kind = AuthorKind.AI if ai else AuthorKind.HUMAN
        tool = ai[0].tool if ai else None
        result.level = "commit"
    result.commit_kind = kind
    result.commit_tool = tool
    model = next((e.model for e in ai if e.tool == tool and e.model), None)
    if added is not None:
        for path, ranges in sorted(_added_ranges(commit, added).items()):
            result.lines[path] = [AttributedRange(r, kind, tool, model) for r in ranges]
        total = sum(count(runs) for runs in _added_ranges(commit, added).values())
    else:
        total = _numstat_total(commit)
    result.counts = LineCounts().add(kind, total)
    if kind is AuthorKind.AI and total:
        models = tuple(sorted({e.model for e in ai if e.tool == tool and e.model}))
        result.by_tool = [ToolShare(tool, total, models)]


def _is_other_ai_marker(evidence: Evidence) -> bool:
    """An AI marker other than Entire's own trailers (which only say a session was captured)."""
    own = evidence.detail.lower().startswith("trailer 'entire-")
    return evidence.author is AuthorKind.AI and evidence.kind != "pr-metadata" and not own


def _counted_level(
    commit: Commit,
    result: CommitAttribution,
    added: Mapping[str, Sequence[LineRange]] | None,
    checkpoint: CheckpointCounts,
    markers_found: Sequence[Evidence],
) -> bool:
    """Entire's measured counts: agent lines AI, a single session's human lines declared-human.

    Returns False (nothing set) when no session measured this commit: the markers decide.
    """
    if added is not None:
        total = sum(count(runs) for runs in _added_ranges(commit, added).values())
    else:
        total = _numstat_total(commit)
    sessions = [s for s in checkpoint.sessions if s.measured and s.agrees_with(total)]
    if not sessions:
        # say which reason holds: on entireio/cli "counts 157, the commit adds 157 (or measured
        # nothing): not used" read as a contradiction; those sessions had measured nothing
        counted = ", ".join(
            f"{s.total_committed}" + ("" if s.measured else " (no agent or human line measured)")
            for s in checkpoint.sessions
        )
        result.warnings.append(
            ProvenanceWarning(
                "entire",
                f"checkpoint {checkpoint.checkpoint_id} ({checkpoint.source}) counts {counted} "
                f"committed lines, the commit adds {total}: not used",
                sha=commit.sha,
            )
        )
        return False
    usable = CheckpointCounts(checkpoint.checkpoint_id, tuple(sessions), checkpoint.source)
    ai = min(usable.agent_lines, total)
    human_measured = usable.human_lines
    human = min(human_measured, total - ai) if human_measured is not None else 0
    if human and any(_is_other_ai_marker(e) for e in markers_found):
        # the commit's own AI marker contradicts the claim that a human wrote these lines
        result.warnings.append(
            ProvenanceWarning(
                "entire",
                f"checkpoint {checkpoint.checkpoint_id} counts {human} human lines but the commit "
                "carries an AI marker; those lines left unknown",
                sha=commit.sha,
            )
        )
        human = 0
    result.counts = LineCounts(ai=ai, human=human, unknown=total - ai - human)
    result.level = "commit"
    tool = usable.tool
    result.commit_tool = tool
    result.commit_kind = AuthorKind.AI if ai else AuthorKind.UNKNOWN
    if ai:
        result.by_tool = [ToolShare(tool, ai)]
    human_text = (
        f"{human_measured} by the human"
        if human_measured is not None
        else f"human lines not separable over {len(sessions)} sessions"
    )
    result.evidence.insert(
        0,
        Evidence(
            "session-record",
            tool,
            None,
            f"Entire checkpoint {checkpoint.checkpoint_id or '?'} ({checkpoint.source}): "
            f"{usable.agent_lines} lines by the agent, {human_text}, of "
            f"{max(s.total_committed for s in sessions)} committed",
        ),
    )
    return True


def attribute_commit(
    commit: Commit,
    *,
    added: Mapping[str, Sequence[LineRange]] | None,
    note: AuthorshipNote | None,
    traces: Sequence[TraceRecord] = (),
    markers: Sequence[MarkerRule],
    pr: Sequence[Evidence] = (),
    checkpoint: CheckpointCounts | None = None,
) -> CommitAttribution:
    """Attribute the lines `commit` added.

    Args:
        commit: the commit (trailers as git parsed them, numstat in `files`).
        added: added line ranges per new path (from the commit's diff). Needed for line-level
            evidence; when None, commit-level counts come from the numstat.
        note: the commit's git-ai note (or legacy blob), already parsed.
        traces: Agent Trace records; those whose revision is not this commit are ignored.
        markers: marker rules (built-in and team).
        pr: pull-request evidence (see `pr_metadata_evidence`), the weakest source.
        checkpoint: a session-capture tool's measured counts for the commit (Entire): beats
            markers, beaten by line-level evidence.

    Returns:
        The attribution, with every piece of evidence found and any warnings.
    """
    result = CommitAttribution(sha=commit.sha)
    markers_found = detect_commit_markers(commit, markers)
    usable_traces = [t for t in traces if t.matches_commit(commit.sha)]
    for record in traces:
        if not record.matches_commit(commit.sha):
            result.warnings.append(
                ProvenanceWarning(
                    "agent-trace",
                    f"record {record.id} is for revision {record.git_revision}, not this commit; "
                    "ignored",
                    sha=commit.sha,
                )
            )
    result.evidence = [*markers_found, *pr]
    if note is not None and note.sha != commit.sha:
        result.warnings.append(
            ProvenanceWarning(
                note.source,
                f"note was parsed for commit {note.sha} but attached to this commit; used anyway",
                sha=commit.sha,
            )
        )
    if commit.is_merge:
        # Lines of a merge are counted on the merged branch's own commits.
        result.level = "none"
        return _finish(result)
    if note is not None or usable_traces:
        _line_level(commit, result, added, note, usable_traces)
    elif checkpoint is None or not _counted_level(commit, result, added, checkpoint, markers_found):
        _commit_level(commit, result, added, markers_found, pr)
    return _finish(result)


def classify_line(
    attribution: CommitAttribution, path: str, line: int
) -> tuple[AuthorKind, str | None]:
    """Who wrote `line` of `path` as of the attributed commit (blame's orig path and line).

    Line level: the run covering the line, unknown when no run covers it. Commit level: the
    commit's kind and tool for any line the commit introduced.
    """
    if attribution.level == "line":
        runs = attribution.lines.get(path, [])
        position = bisect.bisect_right(runs, line, key=lambda run: run.range.start) - 1
        if position >= 0 and line in runs[position].range:
            run = runs[position]
            return run.kind, run.tool
        return AuthorKind.UNKNOWN, None
    if attribution.level == "commit":
        return attribution.commit_kind, attribution.commit_tool
    return AuthorKind.UNKNOWN, None
