"""netgain.provenance: who wrote each added line (AI, human, unknown), with the evidence.

Pure parsers and attribution logic over netgain.git data types; this package never runs git.
Sources, strongest first: git-ai notes, Agent Trace records, commit markers, PR metadata, and a
team's own markers (specs/PROVENANCE.md).
"""

from netgain.provenance.agent_trace import (
    Contributor,
    TraceRecord,
    index_by_revision,
    parse_trace_lines,
    traces_for_commit,
)
from netgain.provenance.attribution import attribute_commit, classify_line, pr_metadata_evidence
from netgain.provenance.gitai import (
    LEGACY_REF_PREFIX,
    NOTES_REF,
    Attestation,
    AuthorshipNote,
    NoteFormatError,
    parse_note,
    read_note,
)
from netgain.provenance.markers import (
    MarkerRule,
    builtin_markers,
    detect_commit_markers,
    load_team_markers,
    marker_rules,
    tool_for_branch,
)
from netgain.provenance.model import (
    AttributedRange,
    AuthorKind,
    CommitAttribution,
    Evidence,
    LineCounts,
    ProvenanceWarning,
    ToolShare,
)
from netgain.provenance.tools import canonical_tool

__all__ = [
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
