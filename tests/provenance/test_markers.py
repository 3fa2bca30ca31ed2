"""The built-in marker table (specs/PROVENANCE.md section 3), look-alikes, and team markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netgain.errors import ConfigError
from netgain.git.model import Identity
from netgain.provenance import (
    AuthorKind,
    builtin_markers,
    detect_commit_markers,
    load_team_markers,
    marker_rules,
    tool_for_branch,
)
from tests.provenance.helpers import GitRepo, make_commit

RULES = builtin_markers()

POSITIVE: list[tuple[str, dict[str, Any], str, str | None]] = [
    (
        "claude trailer",
        {"trailers": [("Co-Authored-By", "Claude <noreply@anthropic.com>")]},
        "claude-code",
        None,
    ),
    (
        "claude trailer naming the model",
        {"trailers": [("Co-Authored-By", "Claude Opus 4.6 (1M context) <noreply@anthropic.com>")]},
        "claude-code",
        "Claude Opus 4.6",
    ),
    (
        "claude trailer naming a model without suffix, lower-case key",
        {"trailers": [("co-authored-by", "Claude Sonnet 4.5 <noreply@anthropic.com>")]},
        "claude-code",
        "Claude Sonnet 4.5",
    ),
    (
        "claude code body line",
        {"message": "Fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"},
        "claude-code",
        None,
    ),
    (
        "claude code body line, old link",
        {"message": "Fix\n\nGenerated with [Claude Code](https://claude.ai/code)"},
        "claude-code",
        None,
    ),
    ("aider author", {"author": Identity("Ada Human (aider)", "ada@example.com")}, "aider", None),
    ("aider subject", {"message": "aider: Add retry to the client"}, "aider", None),
    (
        "aider trailer",
        {"trailers": [("Co-authored-by", "aider (openai/gpt-5) <aider@aider.chat>")]},
        "aider",
        "openai/gpt-5",
    ),
    (
        "aider trailer, noreply address",
        {"trailers": [("Co-authored-by", "aider (claude-sonnet-4) <noreply@aider.dev>")]},
        "aider",
        "claude-sonnet-4",
    ),
    (
        "aider trailer without model, other address",
        {"trailers": [("Co-authored-by", "aider <bot@example.com>")]},
        "aider",
        None,
    ),
    (
        "copilot coding agent author",
        {
            "author": Identity(
                "copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"
            )
        },
        "copilot-agent",
        None,
    ),
    (
        "copilot suggestions trailer",
        {"trailers": [("Co-authored-by", "Copilot <175728472+Copilot@users.noreply.github.com>")]},
        "copilot",
        None,
    ),
    (
        "copilot autofix body line",
        {"message": "Potential fix for code scanning alert no. 3\n\nCopilot Autofix powered by AI"},
        "copilot",
        None,
    ),
    (
        "copilot autofix co-author",
        {
            "trailers": [
                (
                    "Co-authored-by",
                    "Copilot Autofix powered by AI "
                    "<62310815+github-advanced-security[bot]@users.noreply.github.com>",
                )
            ]
        },
        "copilot",
        None,
    ),
    (
        "devin author",
        {
            "author": Identity(
                "Devin AI", "158243242+devin-ai-integration[bot]@users.noreply.github.com"
            )
        },
        "devin",
        None,
    ),
    (
        "devin co-author",
        {
            "trailers": [
                (
                    "Co-Authored-By",
                    "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
                )
            ]
        },
        "devin",
        None,
    ),
    (
        "jules co-author",
        {
            "trailers": [
                (
                    "Co-authored-by",
                    "google-labs-jules[bot] "
                    "<161369871+google-labs-jules[bot]@users.noreply.github.com>",
                )
            ]
        },
        "jules",
        None,
    ),
    (
        "codex co-author",
        {"trailers": [("Co-authored-by", "Codex <noreply@openai.com>")]},
        "codex",
        None,
    ),
    (
        "cursor co-author",
        {"trailers": [("Co-authored-by", "Cursor <cursoragent@cursor.com>")]},
        "cursor",
        None,
    ),
    (
        "cursor bot author",
        {"author": Identity("cursor[bot]", "206951365+cursor[bot]@users.noreply.github.com")},
        "cursor",
        None,
    ),
    ("amp co-author", {"trailers": [("Co-authored-by", "Amp <amp@ampcode.com>")]}, "amp", None),
    ("amp author", {"author": Identity("Amp", "amp@ampcode.com")}, "amp", None),
    (
        "factory author",
        {
            "author": Identity(
                "factory-droid[bot]", "138933559+factory-droid[bot]@users.noreply.github.com"
            )
        },
        "factory",
        None,
    ),
    (
        "factory co-author",
        {
            "trailers": [
                (
                    "Co-authored-by",
                    "factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>",
                )
            ]
        },
        "factory",
        None,
    ),
    ("roo code author", {"author": Identity("Roomote", "roomote@roocode.com")}, "roo-code", None),
    (
        "roo code co-author",
        {"trailers": [("Co-authored-by", "Roomote <roomote@roocode.com>")]},
        "roo-code",
        None,
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "tool", "model"),
    [case[1:] for case in POSITIVE],
    ids=[case[0] for case in POSITIVE],
)
def test_every_builtin_marker_is_detected(
    kwargs: dict[str, Any], tool: str, model: str | None
) -> None:
    evidence = detect_commit_markers(make_commit(**kwargs), RULES)
    assert [(e.kind, e.tool, e.model, e.author) for e in evidence] == [
        ("commit-marker", tool, model, AuthorKind.AI)
    ]
    assert evidence[0].detail  # says which field matched


NEGATIVE: list[tuple[str, dict[str, Any]]] = [
    ("plain human commit", {}),
    (
        "committer named (aider) is not evidence",
        {"committer": Identity("Ada Human (aider)", "ada@example.com")},
    ),
    (
        "prose mentioning claude",
        {"message": "Port the parser\n\nI asked Claude about the grammar, then wrote it myself."},
    ),
    (
        "trailer-like line in the body is not a trailer",
        {
            "message": "Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
            "was what the old template said; we removed it.",
        },
    ),
    (
        "generated-with line that is negated prose",
        {
            "message": "Fix\n\nNot generated with [Claude Code](https://claude.com/claude-code) at all"
        },
    ),
    ("aider mentioned mid-subject", {"message": "Document how aider: prefixes work"}),
    (
        "a human co-author",
        {"trailers": [("Co-authored-by", "Grace Hopper <grace@example.com>")]},
    ),
    (
        "claude address under another key",
        {"trailers": [("Reviewed-by", "Claude <noreply@anthropic.com>")]},
    ),
    (
        "a human co-author whose name starts with Aider",
        {"trailers": [("Co-authored-by", "Aider Smith <aider.smith@example.com>")]},
    ),
    ("a human named Devin", {"author": Identity("Devin Smith", "devin@example.com")}),
    (
        "copilot named in a non-coauthor trailer",
        {"trailers": [("Suggested-by", "Copilot <175728472+Copilot@users.noreply.github.com>")]},
    ),
]


@pytest.mark.parametrize("kwargs", [c[1] for c in NEGATIVE], ids=[c[0] for c in NEGATIVE])
def test_look_alikes_are_not_evidence(kwargs: dict[str, Any]) -> None:
    assert detect_commit_markers(make_commit(**kwargs), RULES) == []


def test_several_markers_on_one_commit_are_all_reported() -> None:
    commit = make_commit(
        "aider: refactor\n\nbody",
        author=Identity("Ada Human (aider)", "ada@example.com"),
        trailers=[("Co-authored-by", "aider (gpt-5) <aider@aider.chat>")],
    )
    evidence = detect_commit_markers(commit, RULES)
    assert [e.tool for e in evidence] == ["aider", "aider", "aider"]
    assert {e.model for e in evidence} == {None, "gpt-5"}


def test_real_git_trailer_parsing_decides_what_is_a_trailer(tmp_path: Path) -> None:
    """Only the last paragraph, as git parses it, holds trailers; a quoted one in prose does not."""
    repo = GitRepo(tmp_path)
    repo.write("a.txt", "1\n")
    prose = repo.commit(
        "Explain trailers\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
        "is the trailer Claude Code adds; this sentence makes the paragraph prose."
    )
    repo.write("a.txt", "1\n2\n")
    real = repo.commit(
        "Add line\n\nBody text.\n\nCo-Authored-By: Claude Opus 4.6 (1M context) "
        "<noreply@anthropic.com>"
    )
    assert repo.read_commit(prose).trailers == []
    assert detect_commit_markers(repo.read_commit(prose), RULES) == []
    evidence = detect_commit_markers(repo.read_commit(real), RULES)
    assert [(e.tool, e.model) for e in evidence] == [("claude-code", "Claude Opus 4.6")]


def test_committer_aider_in_a_real_repo_is_not_evidence(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    repo.write("a.txt", "1\n")
    sha = repo.commit("Human change", GIT_COMMITTER_NAME="Ada Human (aider)")
    commit = repo.read_commit(sha)
    assert commit.committer.name == "Ada Human (aider)"
    assert detect_commit_markers(commit, RULES) == []


@pytest.mark.parametrize(
    ("branch", "tool"),
    [
        ("codex/fix-login", "codex"),
        ("refs/heads/devin/1718-add-tests", "devin"),
        ("copilot/fix-42", "copilot-agent"),
        ("cursor/refactor", "cursor"),
        ("claude/issue-7", "claude-code"),
        ("Codex/UPPER", "codex"),
        ("feature/codex/not-a-prefix", None),
        ("main", None),
        ("codexfix", None),
    ],
)
def test_tool_for_branch(branch: str, tool: str | None) -> None:
    assert tool_for_branch(branch) == tool


def test_branch_rules_do_not_fire_on_commits() -> None:
    assert detect_commit_markers(make_commit("codex/ is the branch prefix"), RULES) == []


def test_team_markers_ai_and_human() -> None:
    rules = load_team_markers(
        {
            "markers": [
                {"tool": "internal-bot", "field": "trailer", "pattern": "^AI-Assisted: yes"},
                {"kind": "human", "field": "trailer", "pattern": "^AI-Assisted: none"},
            ]
        }
    )
    ai = detect_commit_markers(make_commit(trailers=[("AI-Assisted", "YES")]), rules)
    assert [(e.kind, e.tool, e.author) for e in ai] == [
        ("team-marker", "internal-bot", AuthorKind.AI)
    ]
    human = detect_commit_markers(make_commit(trailers=[("AI-Assisted", "none")]), rules)
    assert [(e.kind, e.tool, e.author) for e in human] == [("team-marker", None, AuthorKind.HUMAN)]


def test_team_marker_with_model_group() -> None:
    rules = load_team_markers(
        {
            "markers": [
                {
                    "tool": "bot",
                    "field": "body-line",
                    "pattern": "^model: (?P<m>\\S+)$",
                    "model_group": "m",
                }
            ]
        }
    )
    evidence = detect_commit_markers(make_commit("x\n\nmodel: gpt-5"), rules)
    assert [(e.tool, e.model) for e in evidence] == [("bot", "gpt-5")]


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ({"markers": [{"tool": "x", "field": "trailer", "pattern": "(["}]}, "markers[0].pattern"),
        ({"markers": [{"tool": "x", "field": "footer", "pattern": "a"}]}, "markers[0].field"),
        ({"markers": [{"field": "trailer", "pattern": "a"}]}, "tool is required"),
        (
            {"markers": [{"tool": "x", "field": "trailer", "pattern": "a", "colour": 1}]},
            "markers[0].colour",
        ),
        (
            {"markers": [{"tool": "x", "field": "trailer", "pattern": "a", "model_group": "m"}]},
            "model_group",
        ),
        ({"markers": [{"tool": "x", "field": "trailer"}]}, "markers[0].pattern"),
        ({"marker": []}, "provenance.marker"),
    ],
)
def test_team_marker_errors_name_the_key(section: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_team_markers(section, "netgain.toml")
    message = str(info.value)
    assert message.startswith("netgain.toml: ")
    assert fragment in message


def test_marker_rules_can_drop_the_builtin_table() -> None:
    team = {"tool": "bot", "field": "author", "pattern": "^bot <"}
    assert len(marker_rules({"markers": [team]})) == len(RULES) + 1
    only_team = marker_rules({"builtin_markers": False, "markers": [team]})
    assert [r.tool for r in only_team] == ["bot"]
