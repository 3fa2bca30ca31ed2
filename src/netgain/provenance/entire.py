"""Entire CLI checkpoints: the agent/human line counts a session-capture tool records per commit.

Entire (entireio/cli) watches an agent session and, when the user commits, adds the trailer
`Entire-Checkpoint: <12 hex>` to the commit and writes the checkpoint to the orphan branch
`entire/checkpoints/v1`, sharded as `<id[:2]>/<id[2:]>/`: a `metadata.json` summary and one
numbered directory per session, each with its own `metadata.json` (`CommittedMetadata` in
entireio/cli `checkpoint/checkpoint.go`). A session's `initial_attribution` is computed at commit
time by diffing the agent's checkpoint snapshots against the committed tree:

    {"agent_lines": 146, "human_added": 54, "human_modified": 3, "human_removed": 0,
     "total_committed": 200, "agent_percentage": 73.0, "calculated_at": "..."}

These are exact counts for the commit but name no line, so they are **commit-level evidence with
counts**: `agent_lines` become AI lines and, for a checkpoint with one session, `human_added +
human_modified` (Entire's own sum: `total_committed = agent + added + modified`) human lines,
clamped to the lines git counts for the commit. The checkpoint branch is written by the author's
own tooling and pushed with the change, so those human lines are a *claim* (declared-human), like
`AI-Assisted: none`. With several distinct sessions each one counts the others' agent lines as
human edits, so only the agent lines are summed and the rest stays unknown; sessions written with
identical counts at the same moment (a checkpoint copied to several session slots, seen on
entireio/cli's own branch) count once. Counts are used only when they describe the commit git
shows: a session whose `total_committed` differs from the commit's added lines by more than 10%
(checkpoints condensed over several commits, commits rewritten after measuring: 99 of 266 on
entireio/cli) or that measured nothing (all zero) is not used, and the commit falls back to its
markers. The documented
`Entire-Attribution: 73% agent (146/200 lines)` trailer (docs/architecture/attribution.md) is read
too, for commits whose checkpoint branch was not fetched.

This module parses; netgain.history reads the branch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from netgain.git.model import Commit
from netgain.provenance.tools import canonical_tool

CHECKPOINT_BRANCH = "entire/checkpoints/v1"
CHECKPOINT_TRAILER = "entire-checkpoint"
ATTRIBUTION_TRAILER = "entire-attribution"
_CHECKPOINT_ID = re.compile(r"[0-9a-f]{12}")
_ATTRIBUTION = re.compile(r"(\d+(?:\.\d+)?)%\s+agent\s+\((\d+)\s*/\s*(\d+)\s+lines?\)", re.I)
# entireio/cli agent.AgentType display names; "Agent" is its fallback for an unknown agent.
_GENERIC_AGENT = {"", "agent", "unknown"}


@dataclass(frozen=True, slots=True)
class SessionCounts:
    """One session's `initial_attribution`: what Entire measured for the commit."""

    agent: str | None  # canonical tool id, None when Entire did not know the agent
    agent_lines: int
    human_added: int  # pure additions plus modified lines: the human's new lines
    total_committed: int
    calculated_at: str = ""

    @property
    def measured(self) -> bool:
        """False for Entire's empty fallback (no agent and no human line: nothing measured)."""
        return bool(self.agent_lines or self.human_added)

    def agrees_with(self, added: int) -> bool:
        """True when the session counted the commit git shows (within 10% or 2 lines).

        A checkpoint condensed over several commits, or a commit rewritten after Entire
        measured it, has counts for another change: they must not attribute this one.
        """
        return abs(self.total_committed - added) <= max(2, added // 10)


@dataclass(frozen=True, slots=True)
class CheckpointCounts:
    """The line counts of one checkpoint, over its sessions.

    Attributes:
        checkpoint_id: the 12-hex id the commit's trailer names.
        sessions: the sessions that recorded an attribution.
        source: where the counts were read (`entire/checkpoints/v1:a3/b2c4d5e6f7` or the trailer).
    """

    checkpoint_id: str
    sessions: tuple[SessionCounts, ...]
    source: str

    @property
    def agent_lines(self) -> int:
        return sum(s.agent_lines for s in self.sessions)

    @property
    def human_lines(self) -> int | None:
        """Lines Entire measured as the human's, known only for a single session."""
        return self.sessions[0].human_added if len(self.sessions) == 1 else None

    @property
    def tool(self) -> str:
        agents = sorted({s.agent for s in self.sessions if s.agent})
        return agents[0] if agents else "entire"


def checkpoint_path(checkpoint_id: str) -> str:
    """The checkpoint's directory on the branch: `a3b2c4d5e6f7` -> `a3/b2c4d5e6f7`."""
    return f"{checkpoint_id[:2]}/{checkpoint_id[2:]}"


def checkpoint_ids(commit: Commit) -> list[str]:
    """The checkpoint ids named by the commit's `Entire-Checkpoint` trailers (as git parsed them)."""
    found: list[str] = []
    for trailer in commit.trailers:
        if trailer.key.strip().lower() == CHECKPOINT_TRAILER:
            value = trailer.value.strip().lower()
            if _CHECKPOINT_ID.fullmatch(value) and value not in found:
                found.append(value)
    return found


def _count(data: dict[str, object], key: str) -> int:
    value = data.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"initial_attribution.{key}: expected a non-negative integer, got {value!r}"
        )
    return value


def parse_session_metadata(blob: bytes) -> SessionCounts | None:
    """A session `metadata.json`'s attribution; None when the session recorded none.

    Raises:
        ValueError: the blob is not the documented JSON object.
    """
    try:
        data = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    attribution = data.get("initial_attribution")
    if attribution is None:
        return None
    if not isinstance(attribution, dict):
        raise ValueError("initial_attribution: not an object")
    raw_agent = data.get("agent")
    agent = raw_agent.strip() if isinstance(raw_agent, str) else ""
    calculated = attribution.get("calculated_at")
    human = _count(attribution, "human_added") + _count(attribution, "human_modified")
    return SessionCounts(
        None if agent.lower() in _GENERIC_AGENT else canonical_tool(agent),
        _count(attribution, "agent_lines"),
        human,
        _count(attribution, "total_committed"),
        calculated if isinstance(calculated, str) else "",
    )


def trailer_counts(commit: Commit) -> CheckpointCounts | None:
    """Counts from an `Entire-Attribution: 73% agent (146/200 lines)` trailer, if present."""
    ids = checkpoint_ids(commit)
    for trailer in commit.trailers:
        if trailer.key.strip().lower() != ATTRIBUTION_TRAILER:
            continue
        match = _ATTRIBUTION.fullmatch(trailer.value.strip())
        if match is None:
            continue
        agent, total = int(match.group(2)), int(match.group(3))
        if agent > total:
            continue
        session = SessionCounts(None, agent, total - agent, total)
        return CheckpointCounts(ids[0] if ids else "", (session,), "Entire-Attribution trailer")
    return None
