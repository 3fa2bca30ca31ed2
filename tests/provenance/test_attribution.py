"""attribute_commit and classify_line: every expected figure below is computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgain.git.model import FileStat, LineRange
from netgain.provenance import (
    AuthorKind,
    CommitAttribution,
    LineCounts,
    ToolShare,
    attribute_commit,
    builtin_markers,
    classify_line,
    load_team_markers,
    parse_note,
    parse_trace_lines,
    pr_metadata_evidence,
)
from tests.provenance.helpers import GitRepo, added_ranges, make_commit
from tests.provenance.test_gitai import FULL_NOTE, LEGACY, metadata

SHA = "e" * 40
RULES = builtin_markers()
COPILOT = ("Co-authored-by", "Copilot <175728472+Copilot@users.noreply.github.com>")
CLAUDE = ("Co-Authored-By", "Claude Opus 4.6 (1M context) <noreply@anthropic.com>")

R = LineRange


def runs(result: CommitAttribution, path: str) -> list[tuple[int, int, str, str | None]]:
    return [(r.range.start, r.range.end, str(r.kind), r.tool) for r in result.lines[path]]


def test_note_is_intersected_with_added_lines_and_trailer_stays_evidence() -> None:
    # Note (FULL_NOTE): src/app.py claude 1-4,9,12 and human 5-6; "docs/read me.md" cursor 3.
    # Added: src/app.py 3-6 and 10; docs 1-3; a binary image.
    #   src/app.py: 3,4 -> ai (claude); 5,6 -> human; 10 -> unknown; 1,2,9,12 were not added.
    #   docs: 3 -> ai (cursor); 1,2 -> unknown.
    # Totals: ai 3, human 2, unknown 3. The Copilot trailer does not change any line.
    commit = make_commit(
        sha=SHA,
        trailers=[COPILOT],
        files=[
            FileStat("src/app.py", 5, 1),
            FileStat("docs/read me.md", 3, 0),
            FileStat("img.png", None, None),
        ],
    )
    note = parse_note(FULL_NOTE.encode(), SHA)
    added = {"src/app.py": [R(3, 6), R(10, 10)], "docs/read me.md": [R(1, 3)], "img.png": []}
    result = attribute_commit(commit, added=added, note=note, markers=RULES)
    assert result.level == "line"
    assert result.counts == LineCounts(ai=3, human=2, unknown=3)
    assert runs(result, "src/app.py") == [
        (3, 4, "ai", "claude-code"),
        (5, 6, "human", None),
        (10, 10, "unknown", None),
    ]
    assert runs(result, "docs/read me.md") == [(1, 2, "unknown", None), (3, 3, "ai", "cursor")]
    assert "img.png" not in result.lines
    assert result.by_tool == [
        ToolShare("claude-code", 2, ("claude-opus-4-6",)),
        ToolShare("cursor", 1, ("gpt-5",)),
    ]
    assert result.tools == ["claude-code", "copilot", "cursor"]
    assert result.models == ["claude-opus-4-6", "gpt-5"]
    kinds = [(e.kind, e.tool) for e in result.evidence]
    assert kinds == [
        ("git-ai-note", "claude-code"),
        ("git-ai-note", None),
        ("git-ai-note", "cursor"),
        ("commit-marker", "copilot"),
    ]
    # claude attests 6 lines (1-4, 9, 12) of which 2 were added by this commit
    assert "attests 6 lines, 2 of them added" in result.evidence[0].detail

    assert classify_line(result, "src/app.py", 4) == (AuthorKind.AI, "claude-code")
    assert classify_line(result, "src/app.py", 5) == (AuthorKind.HUMAN, None)
    assert classify_line(result, "src/app.py", 10) == (AuthorKind.UNKNOWN, None)
    assert classify_line(result, "src/app.py", 1) == (AuthorKind.UNKNOWN, None)  # not added
    assert classify_line(result, "other.py", 1) == (AuthorKind.UNKNOWN, None)


def test_later_note_entry_wins_on_overlap() -> None:
    # s_ claims 1-10, then h_ claims 5-6: lines 5-6 are human, the other 8 AI.
    text = "a.py\n  s_0a1b2c3d4e5f60::t_1 1-10\n  h_abcdefabcdef01 5-6\n---\n" + metadata()
    commit = make_commit(sha=SHA, files=[FileStat("a.py", 10, 0)])
    result = attribute_commit(
        commit, added={"a.py": [R(1, 10)]}, note=parse_note(text.encode(), SHA), markers=RULES
    )
    assert result.counts == LineCounts(ai=8, human=2, unknown=0)
    assert runs(result, "a.py") == [
        (1, 4, "ai", "claude-code"),
        (5, 6, "human", None),
        (7, 10, "ai", "claude-code"),
    ]


def test_note_beats_trace_and_trace_fills_the_gaps() -> None:
    # added 1-5; note: claude 1-2; trace (codex, AI) 1-4 -> 3-4 codex; 5 unknown.
    note_text = "a.py\n  s_0a1b2c3d4e5f60::t_1 1-2\n---\n" + metadata()
    trace = {
        "version": "0.1.0",
        "id": "00000000-0000-4000-8000-000000000009",
        "timestamp": "2026-01-15T10:00:00Z",
        "vcs": {"type": "git", "revision": SHA[:8]},
        "tool": {"name": "Codex"},
        "files": [
            {
                "path": "a.py",
                "conversations": [
                    {"contributor": {"type": "ai"}, "ranges": [{"start_line": 1, "end_line": 4}]}
                ],
            }
        ],
    }
    traces, warnings = parse_trace_lines(json.dumps(trace).encode(), "t.jsonl")
    assert warnings == []
    commit = make_commit(sha=SHA, files=[FileStat("a.py", 5, 0)])
    result = attribute_commit(
        commit,
        added={"a.py": [R(1, 5)]},
        note=parse_note(note_text.encode(), SHA),
        traces=traces,
        markers=RULES,
    )
    assert result.counts == LineCounts(ai=4, human=0, unknown=1)
    assert runs(result, "a.py") == [
        (1, 2, "ai", "claude-code"),
        (3, 4, "ai", "codex"),
        (5, 5, "unknown", None),
    ]
    assert [e.kind for e in result.evidence] == ["git-ai-note", "agent-trace"]
    assert "attests 4 lines, 2 of them added" in result.evidence[1].detail


def test_trace_alone_gives_line_level_attribution() -> None:
    trace = {
        "version": "1.0",
        "id": "00000000-0000-4000-8000-000000000001",
        "timestamp": "2026-01-15T10:00:00Z",
        "vcs": {"type": "git", "revision": SHA},
        "tool": {"name": "cursor"},
        "files": [
            {
                "path": "a.py",
                "conversations": [
                    {
                        "contributor": {"type": "ai", "model_id": "openai/gpt-5"},
                        "ranges": [
                            {"start_line": 2, "end_line": 3},
                            {"start_line": 4, "end_line": 4, "contributor": {"type": "human"}},
                        ],
                    }
                ],
            }
        ],
    }
    traces, warnings = parse_trace_lines(json.dumps(trace).encode(), "t.jsonl")
    assert len(warnings) == 1  # version "1.0"
    commit = make_commit(sha=SHA, files=[FileStat("a.py", 4, 0)])
    result = attribute_commit(
        commit, added={"a.py": [R(1, 4)]}, note=None, traces=traces, markers=RULES
    )
    # 1 unknown; 2-3 AI (cursor); 4 human (range override)
    assert result.counts == LineCounts(ai=2, human=1, unknown=1)
    assert result.models == ["openai/gpt-5"]


def test_trace_for_another_commit_is_ignored_with_a_warning() -> None:
    trace = {
        "version": "0.1.0",
        "id": "00000000-0000-4000-8000-000000000001",
        "timestamp": "2026-01-15T10:00:00Z",
        "vcs": {"type": "git", "revision": "f" * 40},
        "files": [],
    }
    traces, _ = parse_trace_lines(json.dumps(trace).encode(), "t.jsonl")
    commit = make_commit(sha=SHA, files=[FileStat("a.py", 4, 0)])
    result = attribute_commit(commit, added=None, note=None, traces=traces, markers=RULES)
    assert result.level == "none"
    assert result.counts == LineCounts(unknown=4)
    assert len(result.warnings) == 1 and "not this commit" in result.warnings[0].message


def test_legacy_note_later_author_wins() -> None:
    # human 1,3-5; Cursor 4-8 (later entry); claude 20-21. Added 1-10.
    # human: 1,3 (4-5 taken by Cursor) = 2; cursor 4-8 = 5; unknown 2,9,10 = 3.
    commit = make_commit(sha=SHA, files=[FileStat("src/app.py", 10, 0)])
    result = attribute_commit(
        commit,
        added={"src/app.py": [R(1, 10)]},
        note=parse_note(json.dumps(LEGACY).encode(), SHA),
        markers=RULES,
    )
    assert result.counts == LineCounts(ai=5, human=2, unknown=3)
    assert {e.kind for e in result.evidence} == {"git-ai-legacy"}
    assert result.tools == ["claude-code", "cursor"]


def test_note_without_attestations_leaves_lines_unknown() -> None:
    note = parse_note(("---\n" + metadata(prompts={})).encode(), SHA)
    commit = make_commit(sha=SHA, trailers=[CLAUDE], files=[FileStat("a.py", 7, 0)])
    result = attribute_commit(commit, added={"a.py": [R(1, 7)]}, note=note, markers=RULES)
    assert result.level == "line"
    assert result.counts == LineCounts(unknown=7)
    assert [e.kind for e in result.evidence] == ["git-ai-note", "commit-marker"]
    assert result.tools == ["claude-code"]  # named by the trailer, credited with no line
    assert result.by_tool == []


def test_line_evidence_without_added_ranges_is_unknown_with_a_warning() -> None:
    commit = make_commit(sha=SHA, files=[FileStat("src/app.py", 6, 0)])
    result = attribute_commit(
        commit, added=None, note=parse_note(FULL_NOTE.encode(), SHA), markers=RULES
    )
    assert result.counts == LineCounts(unknown=6)
    assert any("added line ranges were not supplied" in w.message for w in result.warnings)


def test_commit_marker_attributes_all_added_lines_from_numstat() -> None:
    # numstat: 10 + 3 text lines, one binary file -> 13 AI lines.
    commit = make_commit(
        sha=SHA,
        trailers=[CLAUDE],
        files=[FileStat("a.py", 10, 2), FileStat("b.bin", None, None), FileStat("c.py", 3, 0)],
    )
    result = attribute_commit(commit, added=None, note=None, markers=RULES)
    assert result.level == "commit"
    assert result.counts == LineCounts(ai=13)
    assert (result.commit_tool, result.commit_kind) == ("claude-code", AuthorKind.AI)
    assert result.models == ["Claude Opus 4.6"]
    assert result.by_tool == [ToolShare("claude-code", 13, ("Claude Opus 4.6",))]
    assert result.lines == {}
    # blame-based share: any line this commit introduced is the commit's tool
    assert classify_line(result, "a.py", 99) == (AuthorKind.AI, "claude-code")


def test_commit_marker_with_added_ranges() -> None:
    commit = make_commit("aider: add x", sha=SHA, files=[FileStat("a.py", 3, 0)])
    result = attribute_commit(commit, added={"a.py": [R(2, 3), R(7, 7)]}, note=None, markers=RULES)
    assert result.counts == LineCounts(ai=3)
    assert runs(result, "a.py") == [(2, 3, "ai", "aider"), (7, 7, "ai", "aider")]


def test_team_human_marker_attributes_lines_to_humans() -> None:
    rules = RULES + load_team_markers(
        {"markers": [{"kind": "human", "field": "trailer", "pattern": "^AI-Assisted: none$"}]}
    )
    commit = make_commit(sha=SHA, trailers=[("AI-Assisted", "none")])  # numstat: 10 lines
    result = attribute_commit(commit, added=None, note=None, markers=rules)
    assert result.counts == LineCounts(human=10)
    assert result.level == "commit"
    assert result.tools == []
    assert classify_line(result, "src/app.py", 1) == (AuthorKind.HUMAN, None)


def test_contradictory_markers_leave_lines_unknown_with_a_warning() -> None:
    rules = RULES + load_team_markers(
        {"markers": [{"kind": "human", "field": "trailer", "pattern": "^AI-Assisted: none$"}]}
    )
    commit = make_commit(sha=SHA, trailers=[("AI-Assisted", "none"), CLAUDE])
    result = attribute_commit(commit, added=None, note=None, markers=rules)
    assert result.counts == LineCounts(unknown=10)
    assert len(result.warnings) == 1 and "contradictory" in result.warnings[0].message


def test_no_evidence_is_unknown_never_human() -> None:
    result = attribute_commit(make_commit(sha=SHA), added=None, note=None, markers=RULES)
    assert result.level == "none"
    assert result.counts == LineCounts(ai=0, human=0, unknown=10)
    assert result.evidence == [] and result.tools == []
    assert classify_line(result, "src/app.py", 1) == (AuthorKind.UNKNOWN, None)


def test_merge_commits_count_zero_lines() -> None:
    merge = make_commit(sha=SHA, parents=("1" * 40, "2" * 40), trailers=[CLAUDE])
    result = attribute_commit(merge, added={"src/app.py": [R(1, 10)]}, note=None, markers=RULES)
    assert result.counts == LineCounts()
    assert result.level == "none"
    assert [e.tool for e in result.evidence] == ["claude-code"]


def test_pr_branch_is_the_weakest_source() -> None:
    pr = pr_metadata_evidence("refs/heads/codex/fix-login")
    assert [(e.kind, e.tool) for e in pr] == [("pr-metadata", "codex")]
    plain = attribute_commit(make_commit(sha=SHA), added=None, note=None, markers=RULES, pr=pr)
    assert (plain.counts, plain.commit_tool) == (LineCounts(ai=10), "codex")
    marked = attribute_commit(
        make_commit(sha=SHA, trailers=[CLAUDE]), added=None, note=None, markers=RULES, pr=pr
    )
    assert marked.commit_tool == "claude-code"
    assert marked.tools == ["claude-code", "codex"]
    assert pr_metadata_evidence("feature/x") == [] and pr_metadata_evidence(None) == []


def test_to_dict_is_json_with_the_documented_shape() -> None:
    commit = make_commit(sha=SHA, trailers=[COPILOT], files=[FileStat("src/app.py", 5, 1)])
    note = parse_note(FULL_NOTE.encode(), SHA)
    result = attribute_commit(
        commit, added={"src/app.py": [R(3, 6), R(10, 10)]}, note=note, markers=RULES
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"sha", "added", "tools", "models", "evidence", "level"}
    assert data["added"] == {"ai": 2, "human": 2, "unknown": 1}
    assert data["level"] == "line"
    assert set(data["evidence"][0]) == {"kind", "tool", "model", "detail"}
    detailed = json.loads(json.dumps(result.to_dict(detailed=True)))
    assert detailed["lines"]["src/app.py"][0] == {
        "start": 3,
        "end": 4,
        "kind": "ai",
        "tool": "claude-code",
        "model": "claude-opus-4-6",
    }


def test_line_counts_add_up() -> None:
    total = LineCounts(1, 2, 3) + LineCounts(10, 20, 30)
    assert total == LineCounts(11, 22, 33)
    assert total.total == 66
    assert sum([LineCounts(1, 0, 0)] * 3, LineCounts()) == LineCounts(3, 0, 0)


def test_end_to_end_with_a_note_written_by_git(tmp_path: Path) -> None:
    """The note covers the whole file; only the 3 lines the commit added are counted."""
    repo = GitRepo(tmp_path)
    repo.write("app.py", "one\ntwo\nthree\n")
    repo.commit("Start")
    repo.write("app.py", "one\nnew a\nnew b\ntwo\nthree\nnew c\n")
    sha = repo.commit("Extend\n\nCo-authored-by: Codex <noreply@openai.com>")
    note_text = "app.py\n  s_0a1b2c3d4e5f60::t_00000000000001 1-6\n---\n" + metadata()
    repo.git("notes", "--ref=ai", "add", "-m", note_text, sha)

    commit = repo.read_commit(sha)
    added = added_ranges(repo, sha)
    assert added == {"app.py": [R(2, 3), R(6, 6)]}
    note = parse_note(repo.git("notes", "--ref=ai", "show", sha).encode(), sha)
    result = attribute_commit(commit, added=added, note=note, markers=RULES)
    assert result.counts == LineCounts(ai=3, human=0, unknown=0)
    assert result.level == "line"
    assert result.tools == ["claude-code", "codex"]  # codex: trailer evidence only
    assert result.by_tool == [ToolShare("claude-code", 3, ("claude-opus-4-6",))]


@pytest.mark.parametrize("line", [0, -1])
def test_classify_line_outside_any_file(line: int) -> None:
    result = attribute_commit(
        make_commit(sha=SHA, files=[FileStat("a.py", 2, 0)]),
        added={"a.py": [R(1, 2)]},
        note=parse_note(FULL_NOTE.encode(), SHA),
        markers=RULES,
    )
    assert classify_line(result, "a.py", line) == (AuthorKind.UNKNOWN, None)


def test_note_warnings_and_foreign_notes_reach_the_attribution() -> None:
    text = "a.py\n  s_ffffffffffffff::t_1 1-2\n---\n" + metadata()
    note = parse_note(text.encode(), "9" * 40)
    commit = make_commit(sha=SHA, files=[FileStat("a.py", 2, 0)])
    result = attribute_commit(commit, added={"a.py": [R(1, 2)]}, note=note, markers=RULES)
    # an unknown session id is still AI, of an unnamed tool
    assert result.counts == LineCounts(ai=2)
    assert result.by_tool == [ToolShare(None, 2, ())]
    messages = [w.message for w in result.warnings]
    assert any("metadata.sessions" in m for m in messages)
    assert any("parsed for commit 9999" in m for m in messages)
    assert all(w.sha in (SHA, "9" * 40) for w in result.warnings)


def test_a_malformed_note_costs_one_warning_and_nothing_else() -> None:
    """Three commits; the middle one's note is broken. It falls back to its trailer."""
    from netgain.provenance import read_note

    good = "a.py\n  s_0a1b2c3d4e5f60::t_1 1-3\n---\n" + metadata()
    blobs = {
        "1" * 40: good.encode(),
        "2" * 40: b"a.py\n  s_0a1b2c3d4e5f60::t_1 1-3\n",
        "3" * 40: None,
    }
    results = []
    warnings = []
    for sha, blob in blobs.items():
        note = None
        if blob is not None:
            note, found = read_note(blob, sha)
            warnings.extend(found)
        commit = make_commit(sha=sha, trailers=[CLAUDE], files=[FileStat("a.py", 3, 0)])
        results.append(
            attribute_commit(commit, added={"a.py": [R(1, 3)]}, note=note, markers=RULES)
        )
    assert [(w.sha, w.line) for w in warnings] == [("2" * 40, None)]
    assert "missing the '---'" in warnings[0].message
    assert [(r.level, r.counts) for r in results] == [
        ("line", LineCounts(ai=3)),
        ("commit", LineCounts(ai=3)),
        ("commit", LineCounts(ai=3)),
    ]
