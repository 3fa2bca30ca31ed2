"""Cryptography rules: weak hashes, ciphers, key sizes, TLS versions and randomness."""

from netgain.analysis.rules.crypto import (
    weak_cipher,
    weak_hash,
    weak_key,
    weak_randomness,
    weak_tls,
)

__all__ = ["weak_cipher", "weak_hash", "weak_key", "weak_randomness", "weak_tls"]
