"""Web rules: path traversal, SSRF, XSS, open redirects, session trust boundaries."""

from netgain.analysis.rules.web import open_redirect, path_traversal, ssrf, trust_boundary, xss

__all__ = ["open_redirect", "path_traversal", "ssrf", "trust_boundary", "xss"]
