"""Strong ETags from the response body, and 304 for a client that already has it.

The tag is a hash of the exact bytes served, so it changes whenever anything in the answer
changes (a new ingest, a new decision) and never otherwise; a dashboard or script polling with
`If-None-Match` gets an empty 304 instead of the document again. The answer depends on who asks,
so caches are told it is private and varies with the credentials.
"""

from __future__ import annotations

import hashlib
import json

from fastapi import Request, Response
from pydantic import BaseModel

HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x"."""
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        value = candidate.strip()
        if value.startswith("W/"):
            value = value[2:]
        if value == tag:
            return True
    return False


def tagged(request: Request, model: BaseModel) -> Response:
    """The model as JSON with its ETag, or 304 when the client's copy is current."""
    body = json.dumps(
        model.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False
    ).encode()
    tag = entity_tag(body)
    headers = {**HEADERS, "ETag": tag}
    condition = request.headers.get("if-none-match")
    if condition is not None and _matches(condition, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
