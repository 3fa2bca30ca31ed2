"""Cryptography rules: weak hashes, ciphers, key sizes, TLS versions and randomness."""

from netgain.analysis.rules.crypto import (
    hashids_salt,
    weak_cipher,
    weak_hash,
    weak_key,
    weak_randomness,
    weak_tls,
)

__all__ = ["hashids_salt", "weak_cipher", "weak_hash", "weak_key", "weak_randomness", "weak_tls"]
