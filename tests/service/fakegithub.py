"""The fake GitHub of the test suite, shared with the benchmarks (which never import from
tests/): the code lives in benchmarks/fakegithub.py."""

from benchmarks.fakegithub import FakeGitHub, Person, Served, free_port

__all__ = ["FakeGitHub", "Person", "Served", "free_port"]
