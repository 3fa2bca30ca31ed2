"""netgain.store."""
