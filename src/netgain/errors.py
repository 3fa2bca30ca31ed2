"""Exceptions that carry a user-facing message and the CLI exit code they map to."""

from __future__ import annotations


class NetgainError(Exception):
    """An error the user can act on; the CLI prints the message without a traceback."""

    exit_code = 2


class UsageError(NetgainError):
    """Bad arguments or configuration (exit 2)."""


class ConfigError(NetgainError):
    """The configuration file is invalid; the message names the file, line and key."""


class GitError(NetgainError):
    """git failed in a way that stops the command (not a single unreadable commit)."""


class StoreError(NetgainError):
    """The store cannot be used (damaged, read-only, full, unreachable); the message names it and
    says what to do. Exit 2 like a configuration error: no verdict or figure was produced."""
