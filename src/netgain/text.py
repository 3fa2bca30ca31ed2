"""Text hygiene for values that came from hostile input and must be stored or printed."""

from __future__ import annotations


def storable(text: str) -> str:
    """Make `text` valid UTF-8 for a database or JSON.

    git paths are decoded with `surrogateescape` so they round-trip to git; lone surrogates cannot
    be stored, so they become `\\xNN` escapes (readable, and distinct from the valid characters).
    NUL bytes, which PostgreSQL rejects in text, become `\\x00`.
    """
    if text.isascii() and "\x00" not in text:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that surrogateescape did not produce
        raw = text.encode("utf-8", "backslashreplace")
    cleaned = raw.decode("utf-8", "backslashreplace")
    return cleaned.replace("\x00", "\\x00")
