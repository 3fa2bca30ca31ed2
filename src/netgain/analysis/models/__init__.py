"""netgain.analysis.models."""
