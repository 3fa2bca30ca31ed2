"""Signature checks of the feeds' senders, on the raw body, before anything is parsed.

* PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`, an HMAC-SHA256 of the body per
  signing secret (several during a secret rotation); one match is enough.
* Jira Cloud (admin webhooks with a secret): `X-Hub-Signature: sha256=<hex>` (WebSub's
  `method=signature` form), an HMAC-SHA256 of the body.

Both compare in constant time and never raise on a malformed header.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_SIGNATURES = 10  # a rotation has two; more is not a header PagerDuty sends


def _digest(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def sign_pagerduty(secrets: list[bytes], body: bytes) -> str:
    """The header PagerDuty sends for `body` signed with each secret (tests, benchmark)."""
    return ",".join(f"v1={_digest(s, body)}" for s in secrets)


def verify_pagerduty(secret: bytes, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    try:
        header.encode("ascii")
    except UnicodeEncodeError:
        return False
    expected = _digest(secret, body).encode("ascii")
    given = [part.strip() for part in header.split(",")][:MAX_SIGNATURES]
    matched = False
    for part in given:
        version, _, value = part.partition("=")
        if version == "v1":
            matched |= hmac.compare_digest(expected, value.encode("ascii"))
    return matched


def sign_jira(secret: bytes, body: bytes) -> str:
    return "sha256=" + _digest(secret, body)


def verify_jira(secret: bytes, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    try:
        given = header.removeprefix("sha256=").encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(_digest(secret, body).encode("ascii"), given)
