"""Where a browser may be sent after sign-in or sign-out: local paths only.

`next=` comes from a URL anyone can craft, so it must never name another host. Browsers read
`//evil.example`, `/\\evil.example` and `/%5Cevil.example`-style paths as other hosts, and
some strip tabs and newlines before parsing; anything but a plain absolute path on this service
becomes "/".
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

HOME = "/"
_MAX = 2000


def safe_next(value: str | None) -> str:
    """`value` if it is a local absolute path (with optional query), else "/"."""
    if not value or len(value) > _MAX:
        return HOME
    if any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return HOME
    decoded = unquote(value)
    for candidate in (value, decoded):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return HOME
        if "\\" in candidate[:2] or any(ord(c) < 0x20 for c in candidate):
            return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return HOME
    return value
