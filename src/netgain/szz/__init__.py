"""netgain.szz: link a bug fix to the commits that introduced what it fixed (SZZ family)."""

from netgain.szz.core import Candidate, Dropped, Evidence, SzzResult, find_inducing
from netgain.szz.variants import DEFAULT_VARIANT, VARIANTS, Variant, get_variant

__all__ = [
    "DEFAULT_VARIANT",
    "VARIANTS",
    "Candidate",
    "Dropped",
    "Evidence",
    "SzzResult",
    "Variant",
    "find_inducing",
    "get_variant",
]
