"""Review-gate tests never read the developer's or CI's GitHub environment (no network)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GITHUB_EVENT_PATH",
        "GITHUB_TOKEN",
        "GITHUB_ACTIONS",
        "NETGAIN_DATABASE_URL",
        "NETGAIN_ORG_POLICY",
    ):
        monkeypatch.delenv(name, raising=False)
