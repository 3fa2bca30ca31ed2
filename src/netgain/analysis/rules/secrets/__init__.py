"""Secret rules: credentials written into the code."""

from netgain.analysis.rules.secrets import (
    cleartext,
    hardcoded,
    hardcoded_password,
    password_assignment,
    signing_key,
    transport,
)

__all__ = [
    "cleartext",
    "hardcoded",
    "hardcoded_password",
    "password_assignment",
    "signing_key",
    "transport",
]
