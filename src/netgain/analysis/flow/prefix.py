"""What a constant start fixes about a string built from input.

A string whose first characters are a constant keeps them whatever the input adds: after
`"--url=" + url` it cannot be read as an option; after `"https://www.example.com/" + name` the
host is fixed, so a redirect cannot leave the site (a request to it can still reach the host's
other endpoints: that stays server-side request forgery); after `"/account/" + tab` likewise, the browser stays on the
site. The rules a prefix clears are returned so the built value carries them as cleaned.
"""

from __future__ import annotations

import re

# A constant host: `scheme://host` followed by the start of a path, query or fragment.
_FIXED_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\@]+[/?#]")
# A site-relative path whose second character is not another slash (`//evil.example`).
_SITE_PATH = re.compile(r"^/[^/\\]")
_NONE: frozenset[str] = frozenset()
_OPTION = frozenset({"argument-injection"})
# Not server-side request forgery: input that chooses the path on a fixed host still reaches
# other endpoints of that host (often an internal service), "partial SSRF", reported as SSRF.
_HOST = frozenset({"argument-injection", "open-redirect"})
_PATH = frozenset({"argument-injection", "open-redirect"})


def rules_fixed_by(prefix: object) -> frozenset[str]:
    """The rules a string built after the constant `prefix` can no longer break."""
    if isinstance(prefix, bytes):
        prefix = prefix.decode("latin-1")
    if not isinstance(prefix, str) or not prefix.strip("-"):
        return _NONE  # nothing fixed; a prefix of dashes makes an option of what follows
    if _FIXED_HOST.match(prefix):
        return _HOST
    if _SITE_PATH.match(prefix):
        return _PATH
    return _OPTION


# After a base the input does not choose, a literal path segment, query or fragment start: the
# base ends the authority (or the string is site-relative), so what follows cannot change it.
_AFTER_BASE = re.compile(r"^(\?|#|/[^/\\])")


def rules_fixed_after_base(separator: object) -> frozenset[str]:
    """The rules a string `{base}{separator}{input}` can no longer break, `base` not from input.

    `f"{settings.web_url}/login?{query}"`: whatever `settings.web_url` holds, the input lands
    in the path or query after it, so it cannot pick another scheme or host, nor make an option.
    A lone `/` is not enough: with an empty base, `/evil.example` after it makes `//evil.example`.
    """
    if isinstance(separator, str) and _AFTER_BASE.match(separator):
        return _PATH
    return _NONE


def format_prefix(template: str, style: str) -> str:
    """The constant text before the first placeholder of a `%` or `str.format` template."""
    cut = re.search(r"%(?!%)" if style == "%" else r"\{(?!\{)", template)
    return template[: cut.start()] if cut else template
