"""Web rules: path traversal, SSRF, XSS, open redirects, session trust boundaries, error details."""

from netgain.analysis.rules.web import (
    cookies,
    exception_exposure,
    open_redirect,
    path_traversal,
    ssrf,
    trust_boundary,
    xss,
)

__all__ = [
    "cookies",
    "exception_exposure",
    "open_redirect",
    "path_traversal",
    "ssrf",
    "trust_boundary",
    "xss",
]
