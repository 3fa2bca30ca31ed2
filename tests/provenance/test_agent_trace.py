"""Agent Trace JSON lines: validation, the `version: "1.0"` quirk, overrides and revision lookup."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netgain.git.model import LineRange
from netgain.provenance import AuthorKind, index_by_revision, parse_trace_lines, traces_for_commit

SHA = "0123456789abcdef0123456789abcdef01234567"
SOURCE = ".agent-trace/traces.jsonl"


def record(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": "0.1.0",
        "id": "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e",
        "timestamp": "2026-01-15T10:00:00Z",
        "vcs": {"type": "git", "revision": SHA},
        "tool": {"name": "cursor", "version": "2.0"},
        "files": [
            {
                "path": "./src/app.py",
                "conversations": [
                    {
                        "url": "https://example.com/c/1",
                        "contributor": {
                            "type": "ai",
                            "model_id": "anthropic/claude-opus-4-5-20251101",
                        },
                        "ranges": [
                            {"start_line": 1, "end_line": 5},
                            {
                                "start_line": 6,
                                "end_line": 7,
                                "contributor": {"type": "human"},
                            },
                        ],
                    }
                ],
            }
        ],
        "metadata": {"dev.cursor": {"workspace": "x"}},
    }
    data.update(overrides)
    return data


def jsonl(*items: Any) -> bytes:
    return b"\n".join(
        item if isinstance(item, bytes) else json.dumps(item).encode() for item in items
    )


def test_valid_record_and_range_override() -> None:
    records, warnings = parse_trace_lines(jsonl(record()), SOURCE)
    assert warnings == []
    (rec,) = records
    assert rec.tool_id == "cursor"
    assert rec.git_revision == SHA
    claims = rec.line_claims()
    assert list(claims) == ["src/app.py"]  # "./" is dropped so paths match diffs
    ai, human = claims["src/app.py"]
    assert (ai.range, ai.author, ai.tool, ai.model) == (
        LineRange(1, 5),
        AuthorKind.AI,
        "cursor",
        "anthropic/claude-opus-4-5-20251101",
    )
    # The range-level contributor overrides the conversation's, and carries no tool/model.
    assert (human.range, human.author, human.tool, human.model) == (
        LineRange(6, 7),
        AuthorKind.HUMAN,
        None,
        None,
    )


def test_version_1_0_is_kept_with_a_warning() -> None:
    records, warnings = parse_trace_lines(jsonl(record(version="1.0")), SOURCE)
    assert len(records) == 1
    assert [(w.source, w.line, w.sha) for w in warnings] == [(SOURCE, 1, SHA)]
    assert "'1.0'" in warnings[0].message and "semver" in warnings[0].message


def test_bad_lines_are_reported_and_the_rest_continues() -> None:
    data = jsonl(
        record(id="00000000-0000-4000-8000-000000000001"),
        b"{not json",
        b"",
        b"[1, 2]",
        record(id="not-a-uuid"),
        record(timestamp="2026-01-15 10:00"),  # no timezone: not RFC 3339
        record(version="banana"),
        record(
            files=[
                {"path": "a.py", "conversations": [{"ranges": [{"start_line": 5, "end_line": 2}]}]}
            ]
        ),
        b"\xff\xfe",
        record(id="00000000-0000-4000-8000-000000000002"),
    )
    records, warnings = parse_trace_lines(data, SOURCE)
    assert [str(r.id)[-1] for r in records] == ["1", "2"]
    assert [w.line for w in warnings] == [2, 4, 5, 6, 7, 8, 9]
    assert all(w.source == SOURCE for w in warnings)
    by_line = {w.line: w.message for w in warnings}
    assert "not valid JSON" in by_line[2]
    assert "JSON object" in by_line[4]
    assert "id" in by_line[5]
    assert "timestamp" in by_line[6]
    assert "not a version number" in by_line[7]
    assert "files[0].conversations[0].ranges[0]" in by_line[8]
    assert "UTF-8" in by_line[9]


def test_record_without_git_revision_is_kept_but_reported() -> None:
    records, warnings = parse_trace_lines(
        jsonl(record(vcs=None), record(vcs={"type": "jj", "revision": "kxyz"})), SOURCE
    )
    assert len(records) == 2
    assert [w.line for w in warnings] == [1, 2]
    assert index_by_revision(records) == {}


def test_mixed_and_missing_contributors() -> None:
    files = [
        {
            "path": "a.py",
            "conversations": [
                {"contributor": {"type": "mixed"}, "ranges": [{"start_line": 1, "end_line": 1}]},
                {"ranges": [{"start_line": 2, "end_line": 2}]},
                {"contributor": {"type": "unknown"}, "ranges": [{"start_line": 3, "end_line": 3}]},
            ],
        }
    ]
    (rec,), _ = parse_trace_lines(jsonl(record(files=files)), SOURCE)
    assert [c.author for c in rec.line_claims()["a.py"]] == [
        AuthorKind.AI,
        AuthorKind.UNKNOWN,
        AuthorKind.UNKNOWN,
    ]


def test_lookup_by_full_and_abbreviated_revision() -> None:
    full = record(id="00000000-0000-4000-8000-000000000001", timestamp="2026-01-15T12:00:00Z")
    short = record(
        id="00000000-0000-4000-8000-000000000002",
        timestamp="2026-01-15T11:00:00+01:00",  # 10:00Z: older than `full`
        vcs={"type": "git", "revision": SHA[:7].upper()},
    )
    too_short = record(
        id="00000000-0000-4000-8000-000000000003", vcs={"type": "git", "revision": SHA[:6]}
    )
    other = record(
        id="00000000-0000-4000-8000-000000000004", vcs={"type": "git", "revision": "f" * 40}
    )
    records, _ = parse_trace_lines(jsonl(full, short, too_short, other), SOURCE)
    index = index_by_revision(records)
    assert set(index) == {SHA, SHA[:7], SHA[:6], "f" * 40}
    found = traces_for_commit(index, SHA)
    assert [str(r.id)[-1] for r in found] == ["2", "1"]  # oldest first
    assert records[1].matches_commit(SHA)
    assert not records[2].matches_commit(SHA)


def test_pretty_printed_record_and_json_array_files() -> None:
    pretty = json.dumps(record(), indent=2).encode()
    records, warnings = parse_trace_lines(pretty, SOURCE)
    assert (len(records), warnings) == (1, [])
    array = json.dumps([record(), {"version": "0.1.0"}, record(version="1.0")]).encode()
    records, warnings = parse_trace_lines(array, SOURCE)
    assert len(records) == 2
    assert [w.message.split(":")[0] for w in warnings] == ["item 1", "item 2"]
    assert all(w.line is None for w in warnings)


@pytest.mark.xfail(
    strict=True,
    reason="known gap: absolute trace paths are not made repository-relative (the reader does "
    "not know the repository root of the machine that wrote the trace)",
)
def test_absolute_trace_paths_match_repository_paths() -> None:
    files = [
        {
            "path": "/home/dev/repo/src/app.py",
            "conversations": [{"ranges": [{"start_line": 1, "end_line": 1}]}],
        }
    ]
    (rec,), _ = parse_trace_lines(jsonl(record(files=files)), SOURCE)
    assert list(rec.line_claims()) == ["src/app.py"]
