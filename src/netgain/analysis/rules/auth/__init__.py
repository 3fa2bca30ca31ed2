"""Authentication and session logic: where AI-written code most often fails review."""

from netgain.analysis.rules.auth import (
    authorization,
    cors,
    csrf,
    debug,
    jwt,
    password_storage,
    timing,
    tls,
)

__all__ = ["authorization", "cors", "csrf", "debug", "jwt", "password_storage", "timing", "tls"]
