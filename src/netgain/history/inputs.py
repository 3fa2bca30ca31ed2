"""Collecting the repository-wide provenance evidence once per ingest.

git-ai notes, legacy authorship blobs and Agent Trace records are read in bulk (one `git notes`
listing and one `cat-file --batch` each), parsed, and indexed by commit, so that attributing a
commit is a dictionary lookup in the streaming loop. Malformed evidence becomes a warning naming
the commit; it never stops the ingest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.git.model import Commit, GitProblem
from netgain.history.carry import CarryResult, carry_notes
from netgain.history.entire_branch import read_checkpoints
from netgain.history.trace_match import TraceMatch, match_traces
from netgain.provenance import (
    AuthorshipNote,
    NoteFormatError,
    TraceRecord,
    index_by_revision,
    parse_note,
    parse_trace_lines,
    traces_for_commit,
)
from netgain.provenance.entire import CheckpointCounts, checkpoint_ids, trailer_counts

NOTES_REF = "refs/notes/ai"
LEGACY_PREFIX = "refs/ai/authorship/"
TRACE_NOTES_REF = "refs/notes/agent-trace"
TRACE_DIR = ".agent-trace/"
TRACE_FILE = ".agent-trace/traces.jsonl"


@dataclass(slots=True)
class ProvenanceInputs:
    notes: dict[str, AuthorshipNote] = field(default_factory=dict)
    traces: dict[str, list[TraceRecord]] = field(default_factory=dict)
    problems: list[GitProblem] = field(default_factory=list)
    notes_tip: str | None = None
    trace_match: TraceMatch | None = None  # how trace records were tied to commits
    carry: CarryResult | None = None  # notes carried across squash / rebase merges
    checkpoints: dict[str, CheckpointCounts] = field(default_factory=dict)  # Entire, by id

    def checkpoint_for(self, commit: Commit) -> CheckpointCounts | None:
        """Entire's counts for `commit`: its checkpoint on the branch, else its trailer."""
        for checkpoint_id in checkpoint_ids(commit):
            found = self.checkpoints.get(checkpoint_id)
            if found is not None:
                return found
        return trailer_counts(commit)

    def traces_for(self, sha: str) -> list[TraceRecord]:
        """Trace records for `sha`, also when a record names it by an abbreviated revision."""
        if not self.traces:
            return []
        return traces_for_commit(self.traces, sha)

    def has_line_evidence(self, sha: str) -> bool:
        return sha in self.notes or bool(self.traces_for(sha))


def _parse_notes(blobs: dict[str, bytes], source: str, inputs: ProvenanceInputs) -> None:
    for sha, blob in blobs.items():
        try:
            inputs.notes.setdefault(sha, parse_note(blob, sha))
        except NoteFormatError as exc:
            inputs.problems.append(
                GitProblem("bad-note", f"{source} note for {sha[:12]}: {exc}", sha=sha)
            )


def _trace_files(repo: Path, head: str) -> list[str]:
    """Every `*.jsonl` under `.agent-trace/` at `head`: the reference file comes first.

    The specification leaves storage open; writers that rotate or split the file per session
    keep it in the same directory.
    """
    listing = git.run_git(repo, "ls-tree", "-r", "-z", "--name-only", head, "--", TRACE_DIR)
    found = [git.decode_path(p) for p in listing.split(b"\0") if p]
    files = [p for p in found if p.endswith(".jsonl")]
    return sorted(files, key=lambda p: (p != TRACE_FILE, p))


def collect_inputs(repo: Path, head: str | None) -> ProvenanceInputs:
    """Read every note, legacy blob and trace record that can attribute a commit's lines."""
    inputs = ProvenanceInputs(notes_tip=git.rev_parse(repo, NOTES_REF))
    _parse_notes(git.read_notes(repo, NOTES_REF), NOTES_REF, inputs)
    legacy = git.list_refs(repo, LEGACY_PREFIX)
    if legacy:
        blobs: dict[str, bytes] = {}
        for ref, _object_id in legacy.items():
            data = git.read_object(repo, ref)
            if data is None:
                inputs.problems.append(GitProblem("missing-blob", f"{ref}: cannot read"))
            else:
                blobs[ref.removeprefix(LEGACY_PREFIX)] = data
        _parse_notes(blobs, LEGACY_PREFIX, inputs)

    if head is not None and inputs.notes:
        carried = carry_notes(repo, head, inputs.notes)
        for sha, note in carried.notes.items():
            inputs.notes.setdefault(sha, note)
        inputs.problems.extend(carried.problems)
        inputs.carry = carried

    records: list[TraceRecord] = []
    if head is not None:
        for trace_file in _trace_files(repo, head):
            data = git.read_blob(repo, head, trace_file)
            if data is not None:
                parsed, warnings = parse_trace_lines(data, f"{trace_file}@{head[:12]}")
                records.extend(parsed)
                inputs.problems.extend(
                    GitProblem("bad-trace", str(w), sha=w.sha, path=trace_file) for w in warnings
                )
    for sha, blob in git.read_notes(repo, TRACE_NOTES_REF).items():
        parsed, warnings = parse_trace_lines(blob, f"{TRACE_NOTES_REF} note for {sha[:12]}")
        records.extend(parsed)
        inputs.problems.extend(GitProblem("bad-trace", str(w), sha=sha) for w in warnings)
    if head is not None and records:
        matched = match_traces(repo, head, records)
        records = matched.records
        inputs.problems.extend(matched.problems)
        inputs.trace_match = matched
    inputs.traces = {rev: list(recs) for rev, recs in index_by_revision(records).items()}
    inputs.checkpoints, checkpoint_problems = read_checkpoints(repo)
    inputs.problems.extend(checkpoint_problems)
    return inputs
