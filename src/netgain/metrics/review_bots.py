"""Which review comments an AI review bot wrote: the bot table (`review_bots.toml`) as data.

A bot is recognised by its numeric GitHub user id when the table knows it (a renamed App keeps
its id) and otherwise by its exact login. Some logins are only a bot's when the API says so
(`user.type == "Bot"`): Copilot's inline comments are authored by the login `Copilot`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class ReviewBot:
    """One AI review product and the accounts it posts as."""

    tool: str
    logins: tuple[str, ...]
    id: int | None
    type_bot: bool
    source: str


@cache
def builtin_bots() -> tuple[ReviewBot, ...]:
    """The built-in table; a malformed entry is a packaging bug and fails loudly."""
    text = resources.files("netgain.metrics").joinpath("review_bots.toml").read_text("utf-8")
    return tuple(_bot(entry, "netgain/metrics/review_bots.toml") for entry in _entries(text))


def _entries(text: str) -> list[dict[str, Any]]:
    entries = tomllib.loads(text).get("bot", [])
    if not isinstance(entries, list):
        raise RuntimeError("review_bots.toml: [[bot]] must be an array of tables")
    return entries


def _bot(entry: Mapping[str, Any], where: str) -> ReviewBot:
    tool, logins, source = entry.get("tool"), entry.get("logins"), entry.get("source", "")
    bot_id = entry.get("id")
    if not isinstance(tool, str) or not tool:
        raise RuntimeError(f"{where}: a bot needs a tool name")
    if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
        raise RuntimeError(f"{where}: bot {tool!r}: logins must be a list of strings")
    if bot_id is not None and (isinstance(bot_id, bool) or not isinstance(bot_id, int)):
        raise RuntimeError(f"{where}: bot {tool!r}: id must be an integer")
    return ReviewBot(tool, tuple(logins), bot_id, bool(entry.get("type_bot")), str(source))


def match_bot(user: Any, bots: tuple[ReviewBot, ...]) -> str | None:
    """The bot tool that authored a comment whose `user` object is given, else None."""
    if not isinstance(user, dict):
        return None
    login = user.get("login")
    user_id = user.get("id")
    is_bot = user.get("type") == "Bot"
    for bot in bots:
        if bot.id is not None and isinstance(user_id, int) and user_id == bot.id:
            return bot.tool
    if not isinstance(login, str):
        return None
    folded = login.lower()
    for bot in bots:
        if any(folded == name.lower() for name in bot.logins) and (is_bot or not bot.type_bot):
            return bot.tool
    return None
