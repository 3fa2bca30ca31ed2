"""The metrics documents behind the pages are reused while their inputs are unchanged, and a new
row in a growing table (here a gate decision) is on the next page view."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from netgain.service import access
from netgain.service.tables import decisions
from netgain.service.web.dashboard.cache import DOCUMENTS, DocumentCache
from tests.service.conftest import World
from tests.service.dashboard_world import ORG, dashboard_world


def test_a_new_decision_is_shown_at_once(world: World, tmp_path: Path) -> None:
    dash = dashboard_world(world, tmp_path)
    cookie = dash.session_for("alice", {ORG: access.Grant("member", None)})
    engine = dash.runtime.ctx.engine
    with httpx.Client(
        base_url=dash.url, cookies={access.SESSION_COOKIE: cookie}, timeout=60
    ) as client:
        first = client.get(f"/dashboard/{ORG}?range=all").text
        hits, misses = DOCUMENTS.hits, DOCUMENTS.misses
        again = client.get(f"/dashboard/{ORG}?range=all").text
        # every document of the second view (the organisation's, each team's) was reused
        assert DOCUMENTS.misses == misses and DOCUMENTS.hits > hits and first == again
        assert "security-scan: 1 decisions" in first
        with engine.begin() as conn:
            row = conn.execute(select(decisions)).first()
            assert row is not None
            values = {k: v for k, v in row._mapping.items() if k != "id"}
            document = {**values["document"], "head": "f" * 40, "pull_request": 8}
            conn.execute(
                decisions.insert().values(
                    **{**values, "number": 8, "head_sha": "f" * 40, "document": document}
                )
            )
        after = client.get(f"/dashboard/{ORG}?range=all").text
        assert "security-scan: 2 decisions" in after


def test_entries_expire_and_the_oldest_go_first() -> None:
    cache = DocumentCache(ttl=0.0, size=2)
    calls: list[str] = []

    def make(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get("a", lambda: make("a")) == "a"
    assert cache.get("a", lambda: make("a2")) == "a2"  # ttl 0: expired at once
    lasting = DocumentCache(ttl=60.0, size=2)
    for key in ("a", "b", "c"):
        lasting.get(key, lambda k=key: make(k))
    assert lasting.get("b", lambda: make("b2")) == "b"  # kept
    assert lasting.get("a", lambda: make("a3")) == "a3"  # evicted as the oldest
    assert calls == ["a", "a2", "a", "b", "c", "a3"]
