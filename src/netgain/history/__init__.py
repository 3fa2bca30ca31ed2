"""The repository's history in the store: ingest (git + provenance -> store) and the queries
behind `provenance` and `share`."""

from netgain.history.ingest import IngestReport, ingest_repository

__all__ = ["IngestReport", "ingest_repository"]
