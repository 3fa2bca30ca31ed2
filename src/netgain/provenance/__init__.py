"""netgain.provenance."""
