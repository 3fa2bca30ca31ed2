"""netgain.ingest."""
