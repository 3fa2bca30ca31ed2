"""Web rules: path traversal, SSRF, XSS, open redirects, session trust boundaries."""

from netgain.analysis.rules.web import (
    cookies,
    open_redirect,
    path_traversal,
    ssrf,
    trust_boundary,
    xss,
)

__all__ = ["cookies", "open_redirect", "path_traversal", "ssrf", "trust_boundary", "xss"]
