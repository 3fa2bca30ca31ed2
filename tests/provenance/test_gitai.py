"""git-ai notes: authorship/3.0.0 text notes, legacy 0.0.1 JSON blobs, and malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgain.git.model import LineRange
from netgain.provenance import AuthorKind, NoteFormatError, parse_note, read_note
from tests.provenance.helpers import GitRepo

SHA = "c" * 40
SESSION = "s_0a1b2c3d4e5f60"
TRACE = "t_99887766554433"
HUMAN_KEY = "h_abcdefabcdef01"
PROMPT = "0123456789abcdef"


def metadata(**extra: object) -> str:
    data: dict[str, object] = {
        "schema_version": "authorship/3.0.0",
        "git_ai_version": "1.4.0",
        "base_commit_sha": "d" * 40,
        "prompts": {
            PROMPT: {
                "agent_id": {"tool": "cursor", "id": "p1", "model": "gpt-5"},
                "human_author": "Ada <ada@example.com>",
                "total_additions": 12,
                "total_deletions": 1,
                "accepted_lines": 10,
                "overriden_lines": 2,
            }
        },
        "sessions": {
            SESSION: {
                "agent_id": {"tool": "claude", "id": "abc", "model": "claude-opus-4-6"},
                "human_author": "Ada <ada@example.com>",
                "custom_attributes": {"team": "core"},
            }
        },
        "humans": {HUMAN_KEY: {"author": "Ada <ada@example.com>"}},
    }
    data.update(extra)
    return json.dumps(data, indent=2)


FULL_NOTE = (
    "src/app.py\n"
    f"  {SESSION}::{TRACE} 1-4,9,12\n"
    f"  {HUMAN_KEY} 5-6\n"
    '"docs/read me.md"\n'
    f"  {PROMPT} 3\n"
    "---\n" + metadata()
)


def test_full_note_resolves_sessions_humans_and_prompts() -> None:
    note = parse_note(FULL_NOTE.encode(), SHA)
    assert note.schema_version == "authorship/3.0.0"
    assert note.base_commit_sha == "d" * 40
    assert note.git_ai_version == "1.4.0"
    assert list(note.files) == ["src/app.py", "docs/read me.md"]
    session, human = note.files["src/app.py"]
    assert session.key_kind == "session"
    assert session.ranges == (LineRange(1, 4), LineRange(9, 9), LineRange(12, 12))
    assert (session.author, session.tool, session.model) == (
        AuthorKind.AI,
        "claude-code",
        "claude-opus-4-6",
    )
    assert session.line == 2
    assert (human.key_kind, human.author, human.tool, human.ranges) == (
        "human",
        AuthorKind.HUMAN,
        None,
        (LineRange(5, 6),),
    )
    (prompt,) = note.files["docs/read me.md"]
    assert (prompt.key_kind, prompt.tool, prompt.model, prompt.line) == (
        "prompt",
        "cursor",
        "gpt-5",
        5,
    )
    assert note.prompts[PROMPT].overriden_lines == 2
    assert note.humans == {HUMAN_KEY: "Ada <ada@example.com>"}
    assert note.warnings == []
    assert note.evidence_kind == "git-ai-note"


def test_note_without_attestations() -> None:
    note = parse_note(("---\n" + metadata(prompts={})).encode(), SHA)
    assert note.files == {}
    assert note.prompts == {}


def test_sessions_and_humans_are_optional() -> None:
    meta = json.dumps({"schema_version": "authorship/3.0.0", "base_commit_sha": "", "prompts": {}})
    note = parse_note(f"a.py\n  {PROMPT} 1\n---\n{meta}".encode(), SHA)
    assert note.sessions == {} and note.humans == {}
    (entry,) = note.files["a.py"]
    # A prompt id missing from the metadata is still AI, but its tool is unknown: warned.
    assert (entry.author, entry.tool) == (AuthorKind.AI, None)
    assert [(w.line, w.sha) for w in note.warnings] == [(2, SHA)]
    assert "metadata.prompts" in note.warnings[0].message


def test_seven_hex_prompt_keys_and_crlf_line_ends() -> None:
    meta = metadata(prompts={"abc1234": {"agent_id": {"tool": "windsurf", "id": "1", "model": ""}}})
    text = f"a.py\n  abc1234 2-3\n---\n{meta}".replace("\n", "\r\n")
    note = parse_note(text.encode(), SHA)
    (entry,) = note.files["a.py"]
    assert (entry.tool, entry.model, entry.ranges) == ("windsurf", None, (LineRange(2, 3),))


def test_newer_minor_schema_is_read_with_a_warning() -> None:
    note = parse_note(("---\n" + metadata(schema_version="authorship/3.1.0")).encode(), SHA)
    assert len(note.warnings) == 1
    assert "3.1.0" in note.warnings[0].message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (f"a.py\n  {PROMPT} 1\n" + metadata(), None, "missing the '---'"),
        (f"a.py\n   {PROMPT} 1\n---\n" + metadata(), 2, "exactly two spaces"),
        (f"a.py\n\t{PROMPT} 1\n---\n" + metadata(), 2, "column 0"),
        (f"  {PROMPT} 1\n---\n" + metadata(), 1, "before any file path"),
        (f"a.py\n  {PROMPT} 4-2\n---\n" + metadata(), 2, "runs backwards"),
        (f"a.py\n  {PROMPT} 0\n---\n" + metadata(), 2, "start at 1"),
        (f"a.py\n  {PROMPT} 1,,2\n---\n" + metadata(), 2, "bad line range"),
        (f"a.py\n  {PROMPT} x-2\n---\n" + metadata(), 2, "bad line range"),
        (f"a.py\n  {PROMPT}\n---\n" + metadata(), 2, "no line ranges"),
        ("a.py\n  zz_not_a_key 1\n---\n" + metadata(), 2, "unrecognised attestation key"),
        (f'"a b.py\n  {PROMPT} 1\n---\n' + metadata(), 1, "unterminated quoted"),
        ("a.py\n  " + PROMPT + ' 1\n---\n{\n  "prompts": {,\n}', 5, "not valid JSON"),
        ("---\n", 2, "no JSON metadata"),
        ("---\n[1, 2]", 2, "must be a JSON object"),
        ("---\n" + json.dumps({"schema_version": "authorship/3.0.0"}), 2, "metadata.prompts"),
        (
            "---\n" + metadata(sessions={SESSION: {"agent_id": {"id": "x", "model": "m"}}}),
            2,
            f"metadata.sessions.{SESSION}.agent_id.tool",
        ),
        ("---\n" + metadata(schema_version="authorship/2.0.0"), 2, "unsupported schema_version"),
        ("   \n\n", None, "empty note"),
    ],
)
def test_malformed_notes_name_the_line(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(NoteFormatError) as info:
        parse_note(text.encode(), SHA)
    assert info.value.line == line
    assert info.value.sha == SHA
    assert fragment in str(info.value)


def test_invalid_utf8_names_the_line() -> None:
    blob = b"a.py\n  " + PROMPT.encode() + b" 1\nb\xff.py\n---\n{}"
    with pytest.raises(NoteFormatError) as info:
        parse_note(blob, SHA)
    assert info.value.line == 3


def test_read_note_turns_errors_into_a_warning_naming_the_commit() -> None:
    note, warnings = read_note(b"garbage without divider", SHA)
    assert note is None
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning.source, warning.sha) == ("refs/notes/ai", SHA)
    assert SHA in str(warning)


# --- legacy authorship/0.0.1 -------------------------------------------------------------------

LEGACY = {
    "files": {
        "src/app.py": {
            "file": "src/app.py",
            "authors": [
                {"author": "Ada Lovelace", "lines": [1, [3, 5]], "agent_metadata": None},
                {"author": "Cursor", "lines": [[4, 8], 4], "agent_metadata": None},
                {
                    "author": "ada",
                    "lines": [[20, 21]],
                    "agent_metadata": {
                        "agent_id": {"tool": "claude", "id": "s1", "model": "claude-sonnet-4"}
                    },
                },
            ],
        }
    },
    "schema_version": "authorship/0.0.1",
}


def test_legacy_blob_is_parsed() -> None:
    note = parse_note(json.dumps(LEGACY).encode(), SHA)
    assert note.is_legacy and note.evidence_kind == "git-ai-legacy"
    assert note.source == f"refs/ai/authorship/{SHA}"
    human, cursor, claude = note.files["src/app.py"]
    assert (human.author, human.tool, human.ranges) == (
        AuthorKind.HUMAN,
        None,
        (LineRange(1, 1), LineRange(3, 5)),
    )
    # Duplicated and overlapping ranges are merged.
    assert (cursor.author, cursor.tool, cursor.ranges) == (
        AuthorKind.AI,
        "cursor",
        (LineRange(4, 8),),
    )
    assert (claude.author, claude.tool, claude.model) == (
        AuthorKind.AI,
        "claude-code",
        "claude-sonnet-4",
    )


@pytest.mark.parametrize(
    ("blob", "fragment"),
    [
        ('{"files": {}, "schema_version": "authorship/0.0.1"', "not valid JSON"),
        ('{"files": {}, "schema_version": "authorship/9"}', "schema_version"),
        (
            '{"files": {"a": {"authors": [{"author": "x"}]}}, "schema_version": "authorship/0.0.1"}',
            "lines",
        ),
        (
            '{"files": {"a": {"authors": [{"author": "x", "lines": [[5, 2]]}]}},'
            ' "schema_version": "authorship/0.0.1"}',
            "bad line range",
        ),
    ],
)
def test_malformed_legacy_blobs(blob: str, fragment: str) -> None:
    with pytest.raises(NoteFormatError) as info:
        parse_note(blob.encode(), SHA)
    assert fragment in str(info.value)


# --- notes written and read back by the real git CLI -------------------------------------------


def test_note_written_by_git_notes_is_read_back(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("src/app.py", "a\nb\nc\n")
    sha = repo.commit("Add app")
    repo.git("notes", "--ref=ai", "add", "-m", FULL_NOTE, sha)
    assert repo.git("for-each-ref", "--format=%(refname)", "refs/notes/").split() == [
        "refs/notes/ai"
    ]
    shown = repo.git("notes", "--ref=ai", "show", sha)
    note = parse_note(shown.encode(), sha)
    assert note.sha == sha
    assert [a.key for a in note.files["src/app.py"]] == [f"{SESSION}::{TRACE}", HUMAN_KEY]
    assert note.files["docs/read me.md"][0].tool == "cursor"


def test_note_without_attestations_via_git(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("a.txt", "x\n")
    sha = repo.commit("Add a")
    repo.git("notes", "--ref=ai", "add", "-m", "---\n" + metadata(prompts={}), sha)
    note = parse_note(repo.git("notes", "--ref=ai", "show", sha).encode(), sha)
    assert note.files == {}


def test_legacy_blob_stored_under_refs_ai_authorship(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("a.txt", "x\n")
    sha = repo.commit("Add a")
    blob_path = tmp_path / "blob.json"
    blob_path.write_text(json.dumps(LEGACY), encoding="utf-8")
    blob = repo.git("hash-object", "-w", str(blob_path)).strip()
    repo.git("update-ref", f"refs/ai/authorship/{sha}", blob)
    data = repo.git("cat-file", "blob", f"refs/ai/authorship/{sha}")
    note = parse_note(data.encode(), sha)
    assert note.is_legacy
    assert len(note.files["src/app.py"]) == 3


def test_quoted_path_with_a_newline_spans_lines() -> None:
    text = f'"odd\nname.py"\n  {PROMPT} 1\n"two words.py"\n  {PROMPT} 2\n---\n' + metadata()
    note = parse_note(text.encode(), SHA)
    assert list(note.files) == ["odd\nname.py", "two words.py"]
    assert note.files["two words.py"][0].line == 5


def test_unknown_ids_keep_their_kind_and_are_warned() -> None:
    text = "a.py\n  s_ffffffffffffff::t_1 1\n  h_eeeeeeeeeeeeee 2\n---\n" + metadata()
    note = parse_note(text.encode(), SHA)
    session, human = note.files["a.py"]
    assert (session.author, session.tool) == (AuthorKind.AI, None)
    assert human.author is AuthorKind.HUMAN
    assert [w.line for w in note.warnings] == [2, 3]
    # read_note reports only failures; these warnings travel on the note itself
    same, warnings = read_note(text.encode(), SHA)
    assert same is not None and warnings == [] and len(same.warnings) == 2
