"""Recorded GitHub payloads, shared with the benchmarks (which never import from tests/): the
code lives in benchmarks/github_payloads.py, the payloads in benchmarks/payloads/github/."""

from benchmarks.github_payloads import PAYLOADS, load, pull_request_event, review_event, write

__all__ = ["PAYLOADS", "load", "pull_request_event", "review_event", "write"]
