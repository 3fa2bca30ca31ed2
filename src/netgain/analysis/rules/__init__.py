"""netgain.analysis.rules."""
