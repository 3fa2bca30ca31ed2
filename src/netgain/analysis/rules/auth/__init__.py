"""Authentication and session logic: where AI-written code most often fails review."""

from netgain.analysis.rules.auth import (
    authorization,
    cors,
    csrf,
    debug,
    jwt,
    jwt_payload,
    password_storage,
    rate_limit,
    timing,
    tls,
)

__all__ = [
    "authorization",
    "cors",
    "csrf",
    "debug",
    "jwt",
    "jwt_payload",
    "password_storage",
    "rate_limit",
    "timing",
    "tls",
]
