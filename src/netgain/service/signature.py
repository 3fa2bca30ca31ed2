"""`X-Hub-Signature-256`: HMAC-SHA256 of the raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: bytes, body: bytes) -> str:
    """The header value GitHub sends for `body` (also what tests and the load benchmark send)."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str | None) -> bool:
    """True only for a well-formed header whose digest matches; never raises on bad input."""
    if not header or not header.startswith("sha256="):
        return False
    expected = sign(secret, body).encode("ascii")
    try:
        given = header.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
