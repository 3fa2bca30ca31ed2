"""Paths as git stores them: bytes, not text.

git paths are arbitrary bytes (anything but NUL). netgain keeps them as `str` decoded with
`surrogateescape`, so a path that is not valid UTF-8 still round-trips exactly to git (Python
encodes `str` arguments of subprocesses the same way) and to the file system. Such a string must not
be written to a UTF-8 file or a database as-is (it contains lone surrogates): use `display_path`
for people and `storable_path` for storage.
"""

from __future__ import annotations

_C_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): 34,
    ord("\\"): 92,
}


def decode_path(raw: bytes) -> str:
    """Decode a path from git output losslessly (invalid UTF-8 becomes lone surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


def encode_path(path: str) -> bytes:
    """The exact bytes git knows the path by (inverse of `decode_path`)."""
    return path.encode("utf-8", "surrogateescape")


def display_path(path: str) -> str:
    """A printable form: undecodable bytes as `\\xNN`, control characters escaped like git does."""
    text = encode_path(path).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def storable_path(path: str) -> str:
    """A valid-Unicode form for storage (JSON, SQL); equal to `path` whenever `path` is UTF-8."""
    return encode_path(path).decode("utf-8", "backslashreplace")


def unquote_c_path(raw: bytes) -> bytes:
    """Undo git's C-style quoting (`"a\\tb\\303\\251"`); unquoted input is returned unchanged."""
    if len(raw) < 2 or not raw.startswith(b'"') or not raw.endswith(b'"'):
        return raw
    body = raw[1:-1]
    if b"\\" not in body:
        return body
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != 92:  # backslash
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < n else 92
        if 48 <= nxt <= 55:  # octal escape: exactly three digits
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
            continue
        out.append(_C_ESCAPES.get(nxt, nxt))
        i += 2
    return bytes(out)
