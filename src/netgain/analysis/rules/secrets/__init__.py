"""Secret rules: credentials written into the code."""

from netgain.analysis.rules.secrets import hardcoded

__all__ = ["hardcoded"]
