"""The public API of netgain.provenance is pinned: changing it must be a deliberate act."""

from __future__ import annotations

from netgain import provenance


def test_public_api_is_pinned() -> None:
    assert sorted(provenance.__all__) == sorted(
        [
            "LEGACY_REF_PREFIX",
            "NOTES_REF",
            "Attestation",
            "AttributedRange",
            "AuthorKind",
            "AuthorshipNote",
            "CommitAttribution",
            "Contributor",
            "Evidence",
            "LineCounts",
            "MarkerRule",
            "NoteFormatError",
            "ProvenanceWarning",
            "ToolShare",
            "TraceRecord",
            "attribute_commit",
            "builtin_markers",
            "canonical_tool",
            "classify_line",
            "detect_commit_markers",
            "index_by_revision",
            "load_team_markers",
            "marker_rules",
            "parse_note",
            "parse_trace_lines",
            "pr_metadata_evidence",
            "read_note",
            "tool_for_branch",
            "traces_for_commit",
        ]
    )
    for name in provenance.__all__:
        assert getattr(provenance, name) is not None


def test_builtin_table_covers_every_tool_of_the_spec() -> None:
    tools = {rule.tool for rule in provenance.builtin_markers()}
    assert tools >= {
        "claude-code",
        "aider",
        "copilot-agent",
        "copilot",
        "devin",
        "jules",
        "codex",
        "cursor",
        "amp",
        "factory",
        "roo-code",
    }
    # issue 15: GitHub App bots of further agents, session-capture tools and footers
    assert tools >= {
        "gemini-code-assist",
        "amazon-q",
        "cline",
        "continue",
        "cody",
        "jetbrains-ai",
        "replit-agent",
        "entire",
        "opencode",
    }


def test_canonical_tool_aliases() -> None:
    assert provenance.canonical_tool("Claude") == "claude-code"
    assert provenance.canonical_tool("GitHub Copilot") == "copilot"
    assert provenance.canonical_tool("  Brand New_Tool ") == "brand-new-tool"
