"""Field access for signed webhook payloads: a missing or mistyped field is a clear error that
names the field (the route answers 400 with it), never a KeyError deep in the code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from netgain.incidents.records import RecordError, parse_time


class PayloadError(ValueError):
    """A signed payload without a field its event always has (named in the message)."""


def get(
    obj: Any, path: str, kind: type | tuple[type, ...], *, required: bool = True, at: str = ""
) -> Any:
    """`obj["a"]["b"]` for path "a.b", checked to be of `kind` (None when absent and optional);
    `at` is where `obj` sits in the payload, for the error message ("event.data")."""
    keys = path.split(".")
    path = f"{at}.{path}" if at else path
    value = obj
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            if required:
                raise PayloadError(f"payload has no {path}")
            return None
        value = value[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (int in kinds and isinstance(value, bool)):
        names = " or ".join(k.__name__ for k in kinds)
        raise PayloadError(f"payload field {path} must be {names}")
    return value


def time_of(obj: Any, path: str, *, required: bool = True, at: str = "") -> datetime | None:
    """An ISO 8601 time field (checked like `get`)."""
    text = get(obj, path, str, required=required, at=at)
    if text is None:
        return None
    try:
        return parse_time(text, f"{at}.{path}" if at else path)
    except RecordError as exc:
        raise PayloadError(str(exc)) from None


def required_time(obj: Any, path: str) -> datetime:
    """A time field the event always has."""
    found = time_of(obj, path)
    if found is None:
        raise PayloadError(f"payload has no {path}")
    return found
