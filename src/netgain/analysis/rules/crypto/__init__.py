"""Cryptography rules: weak hashes, ciphers and randomness."""

from netgain.analysis.rules.crypto import weak_cipher, weak_hash, weak_randomness

__all__ = ["weak_cipher", "weak_hash", "weak_randomness"]
