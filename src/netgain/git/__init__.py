"""netgain.git."""
