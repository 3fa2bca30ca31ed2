"""Web rules: path traversal, SSRF, XSS and autoescaping, open redirects, session trust boundaries,
error details."""

from netgain.analysis.rules.web import (
    autoescape,
    cookies,
    exception_exposure,
    open_redirect,
    path_traversal,
    ssrf,
    trust_boundary,
    xss,
)

__all__ = [
    "autoescape",
    "cookies",
    "exception_exposure",
    "open_redirect",
    "path_traversal",
    "ssrf",
    "trust_boundary",
    "xss",
]
