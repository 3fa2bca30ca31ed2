"""The throw-away PostgreSQL server of the test suite, shared with the benchmarks (which never
import from tests/)."""

from benchmarks.pgserver import PostgresServer

__all__ = ["PostgresServer"]
