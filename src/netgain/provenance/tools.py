"""Canonical tool ids, so that a tool named by a note, a trace and a trailer is counted once.

git-ai writes `agent_id.tool` values such as "claude" or "cursor", Agent Trace writers put product
names in `tool.name`, and the marker table uses ids such as "claude-code". Per-tool shares are
only meaningful when they agree.
"""

from __future__ import annotations

import re

_ALIASES: dict[str, str] = {
    "claude": "claude-code",
    "claude-code": "claude-code",
    "claudecode": "claude-code",
    "anthropic-claude-code": "claude-code",
    "aider": "aider",
    "copilot": "copilot",
    "github-copilot": "copilot",
    "copilot-autofix": "copilot",
    "copilot-agent": "copilot-agent",
    "copilot-swe-agent": "copilot-agent",
    "github-copilot-coding-agent": "copilot-agent",
    "devin": "devin",
    "devin-ai": "devin",
    "jules": "jules",
    "google-jules": "jules",
    "codex": "codex",
    "openai-codex": "codex",
    "codex-cli": "codex",
    "cursor": "cursor",
    "cursor-agent": "cursor",
    "amp": "amp",
    "sourcegraph-amp": "amp",
    "factory": "factory",
    "factory-droid": "factory",
    "droid": "factory",
    "roo": "roo-code",
    "roo-code": "roo-code",
    "roocode": "roo-code",
    "windsurf": "windsurf",
    "gemini": "gemini",
    "gemini-cli": "gemini",
    "opencode": "opencode",
    "continue": "continue",
    "continue-dev": "continue",
    "cline": "cline",
    "anthropic-claude": "claude-code",
    "claude-code-action": "claude-code",
    "cursoragent": "cursor",
    "chatgpt-codex-connector": "codex",
    "gemini-code-assist": "gemini-code-assist",
    "amazon-q": "amazon-q",
    "amazon-q-developer": "amazon-q",
    "cody": "cody",
    "sourcegraph-cody": "cody",
    "jetbrains-ai": "jetbrains-ai",
    "coderabbit": "coderabbit",
    "coderabbitai": "coderabbit",
    "replit": "replit-agent",
    "replit-agent": "replit-agent",
    "openhands": "openhands",
    "windsurf-bot": "windsurf",
    "entire": "entire",
}

_SEPARATORS = re.compile(r"[\s_./]+")


def canonical_tool(name: str) -> str:
    """Map a tool name as written by any source to netgain's canonical id.

    Unknown names are kept (lower-cased, separators turned into dashes) rather than dropped:
    a new tool must still show up in per-tool shares.
    """
    key = _SEPARATORS.sub("-", name.strip().lower()).strip("-")
    key = key.removesuffix("[bot]")
    return _ALIASES.get(key, key) or "unnamed-tool"


def is_known_agent_label(name: str) -> bool:
    """True when `name` is a known AI tool name (used for git-ai 0.0.1 author labels)."""
    key = _SEPARATORS.sub("-", name.strip().lower()).strip("-").removesuffix("[bot]")
    return key in _ALIASES
