"""netgain.analysis."""
