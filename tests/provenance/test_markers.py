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
    (
        "claude github app author",
        {"author": Identity("claude[bot]", "209825114+claude[bot]@users.noreply.github.com")},
        "claude-code",
        None,
    ),
    (
        "a renamed bot is found by its numeric id",
        {"author": Identity("claude-v2[bot]", "209825114+claude-v2[bot]@users.noreply.github.com")},
        "claude-code",
        None,
    ),
    (
        "codex connector co-author",
        {
            "trailers": [
                (
                    "Co-authored-by",
                    "chatgpt-codex-connector[bot] "
                    "<199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>",
                )
            ]
        },
        "codex",
        None,
    ),
    (
        "gemini code assist suggestion co-author",
        {
            "trailers": [
                (
                    "Co-authored-by",
                    "gemini-code-assist[bot] "
                    "<176961590+gemini-code-assist[bot]@users.noreply.github.com>",
                )
            ]
        },
        "gemini-code-assist",
        None,
    ),
    (
        "amazon q bot author",
        {
            "author": Identity(
                "amazon-q-developer[bot]",
                "208079219+amazon-q-developer[bot]@users.noreply.github.com",
            )
        },
        "amazon-q",
        None,
    ),
    (
        "cline bot, id-less legacy address",
        {"author": Identity("cline[bot]", "cline[bot]@users.noreply.github.com")},
        "cline",
        None,
    ),
    (
        "continue bot co-author",
        {
            "trailers": [
                ("Co-authored-by", "Continue <230936708+continue[bot]@users.noreply.github.com>")
            ]
        },
        "continue",
        None,
    ),
    (
        "cody bot author",
        {
            "author": Identity(
                "sourcegraph-cody[bot]", "201248094+sourcegraph-cody[bot]@users.noreply.github.com"
            )
        },
        "cody",
        None,
    ),
    (
        "jetbrains ai bot author",
        {
            "author": Identity(
                "jetbrains-ai[bot]", "220155983+jetbrains-ai[bot]@users.noreply.github.com"
            )
        },
        "jetbrains-ai",
        None,
    ),
    (
        "assisted-by, kernel AGENT:MODEL form",
        {"trailers": [("Assisted-by", "Claude:claude-opus-4-6")]},
        "claude-code",
        "claude-opus-4-6",
    ),
    (
        "assisted-by naming the agent, model and analysis tools",
        {"trailers": [("Assisted-by", "Codex:gpt-5-4 coccinelle sparse")]},
        "codex",
        "gpt-5-4",
    ),
    (
        "assisted-by naming a product",
        {"trailers": [("Assisted-by", "GitHub Copilot")]},
        "copilot",
        None,
    ),
    (
        "replit agent checkpoint",
        {
            "trailers": [
                ("Replit-Commit-Author", "Agent"),
                ("Replit-Commit-Session-Id", "5e5ec4ea-3b62-4fbd-8ff5-a1174ccc19b4"),
            ]
        },
        "replit-agent",
        None,
    ),
    (
        "entire checkpoint",
        {"trailers": [("Entire-Checkpoint", "a3b2c1d4e5f6")]},
        "entire",
        None,
    ),
    (
        "amp thread trailer alone",
        {
            "trailers": [
                (
                    "Amp-Thread-ID",
                    "https://ampcode.com/threads/T-019cb9fe-b11b-753f-99e7-8ecc52b73ec4",
                )
            ]
        },
        "amp",
        None,
    ),
    (
        "opencode footer with model",
        {"message": "Fix\n\n🤖 Generated with [opencode](https://opencode.ai) (gpt-5)"},
        "opencode",
        "gpt-5",
    ),
    (
        "claude code committing as the author, model named",
        {"author": Identity("Claude Opus 5 (1M context)", "noreply@anthropic.com")},
        "claude-code",
        "Claude Opus 5",
    ),
    (
        "claude[bot] co-author with a misconfigured id keeps its login",
        {
            "trailers": [
                ("Co-authored-by", "claude[bot] <41898282+claude[bot]@users.noreply.github.com>")
            ]
        },
        "claude-code",
        None,
    ),
    ("ai-assisted naming a product", {"trailers": [("AI-assisted", "Codex")]}, "codex", None),
    (
        "claude-generated-by with a usage note",
        {"trailers": [("Claude-Generated-By", "Claude Code (cli/claude-opus-4-5=100%)")]},
        "claude-code",
        "cli/claude-opus-4-5=100%",
    ),
    (
        "assisted-by a vendor and model",
        {"trailers": [("Assisted-by", "OpenAI GPT-5.4")]},
        "openai",
        "GPT-5.4",
    ),
    (
        "opencode co-author",
        {"trailers": [("Co-Authored-By", "opencode <noreply@opencode.ai>")]},
        "opencode",
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
        "a person's noreply address with a bot's id but no plus",
        {"author": Identity("Ann", "209825114@users.noreply.github.com")},
    ),
    (
        "a person whose noreply id merely starts like a bot's",
        {"author": Identity("Ann", "2098251140+ann@users.noreply.github.com")},
    ),
    (
        "github-actions id with a claude[bot] name is the actions bot, not claude",
        {
            "trailers": [
                ("Co-authored-by", "x <41898282+github-actions[bot]@users.noreply.github.com>")
            ]
        },
    ),
    (
        "a bot id reviewing, not co-authoring",
        {
            "trailers": [
                (
                    "Reviewed-by",
                    "gemini-code-assist[bot] "
                    "<176961590+gemini-code-assist[bot]@users.noreply.github.com>",
                )
            ]
        },
    ),
    (
        "assisted-by a person",
        {"trailers": [("Assisted-by", "Claude Dupont <claude.dupont@example.com>")]},
    ),
    ("assisted-by a person named Claude, no address", {"trailers": [("Assisted-by", "Claude")]}),
    ("assisted-by a link", {"trailers": [("Assisted-by", "https://example.com/help")]}),
    ("replit deployment is not code", {"trailers": [("Replit-Commit-Author", "Deployment")]}),
    (
        "a person at anthropic is not claude",
        {"author": Identity("Ashwin Bhat", "ashwin@anthropic.com")},
    ),
    (
        "a release robot of an AI project is not AI-written code",
        {"author": Identity("gemini-cli-robot", "gemini-cli-robot@google.com")},
    ),
    (
        "a disclosure sentence in a trailer block is prose",
        {
            "trailers": [
                ("Disclosure", "This commit was made with the assistance of AI (ampcode.com)")
            ]
        },
    ),
    ("ai-assisted yes without a tool", {"trailers": [("AI-assisted", "yes, partly")]}),
    (
        "prose about assisted-by and entire trailers",
        {
            "message": "Docs\n\nWe add Assisted-by: Claude:claude-opus-4-6 and an\n"
            "Entire-Checkpoint: a3b2c1d4e5f6 trailer when an agent helped."
        },
    ),
    (
        "opencode footer quoted in prose",
        {"message": "Docs\n\nStrip 'Generated with [opencode](https://opencode.ai)' from commits"},
    ),
    (
        "amp thread link in prose",
        {"message": "Fix\n\nSee https://ampcode.com/threads/T-1234 for the discussion."},
    ),
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


def test_every_builtin_rule_names_its_source() -> None:
    assert [rule.pattern for rule in RULES if not rule.source] == []


def test_prose_mentions_in_a_real_repo_are_not_evidence(tmp_path: Path) -> None:
    """git parses the trailer block: a quoted trailer in prose never counts, a real one does."""
    repo = GitRepo(tmp_path)
    repo.write("a.txt", "1\n")
    prose = repo.commit(
        "Document disclosure\n\nAssisted-by: Claude:claude-opus-4-6\n"
        "is the kernel's trailer; Replit writes Replit-Commit-Author: Agent."
    )
    repo.write("a.txt", "1\n2\n")
    real = repo.commit(
        "Add line\n\nBody.\n\nAssisted-by: Claude:claude-opus-4-6\n"
        "Co-authored-by: gemini-code-assist[bot] "
        "<176961590+gemini-code-assist[bot]@users.noreply.github.com>"
    )
    assert detect_commit_markers(repo.read_commit(prose), RULES) == []
    evidence = detect_commit_markers(repo.read_commit(real), RULES)
    assert sorted((e.tool, e.model) for e in evidence) == [
        ("claude-code", "claude-opus-4-6"),
        ("gemini-code-assist", None),
    ]


def test_team_bot_accounts_are_matched_by_id() -> None:
    rules = marker_rules({"bots": [{"tool": "our-agent", "id": 424242, "login": "our-agent[bot]"}]})
    renamed = make_commit(author=Identity("x[bot]", "424242+x[bot]@users.noreply.github.com"))
    evidence = detect_commit_markers(renamed, rules)
    assert [(e.kind, e.tool) for e in evidence] == [("team-marker", "our-agent")]


@pytest.mark.parametrize(
    ("bot", "fragment"),
    [
        ({"tool": "x", "id": 0, "login": "x[bot]"}, "provenance.bots[0].id"),
        ({"tool": "x", "id": 5, "login": "x y"}, "provenance.bots[0].login"),
    ],
)
def test_team_bot_errors_name_the_key(bot: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        load_team_markers({"bots": [bot]})


def test_ai_assisted_none_is_a_declared_human_claim() -> None:
    evidence = detect_commit_markers(make_commit(trailers=[("AI-Assisted", "none")]), RULES)
    assert [(e.kind, e.tool, e.author) for e in evidence] == [
        ("commit-marker", None, AuthorKind.HUMAN)
    ]
