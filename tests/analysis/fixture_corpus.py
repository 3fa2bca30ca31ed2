"""Reading the rule fixture corpus (tests/fixtures/rules), shared with benchmarks/scan.py (which
never imports from tests/): the code lives in benchmarks/fixture_corpus.py."""

from benchmarks.fixture_corpus import FIXTURE_ROOT, Fixture, Key, load_fixtures

__all__ = ["FIXTURE_ROOT", "Fixture", "Key", "load_fixtures"]
