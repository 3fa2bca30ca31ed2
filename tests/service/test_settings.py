"""Service settings: secrets from files first, GHES URLs as settings, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import UsageError
from netgain.service.settings import from_env


def test_secret_files_win_and_urls_are_settings(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("from-file\n", encoding="utf-8")
    settings = from_env(
        {
            "NETGAIN_WEBHOOK_SECRET_FILE": str(tmp_path / "secret"),
            "NETGAIN_WEBHOOK_SECRET": "from-env",
            "NETGAIN_GITHUB_API_URL": "https://ghe.example.com/api/v3/",
            "NETGAIN_GITHUB_WEB_URL": "https://ghe.example.com/",
            "NETGAIN_SERVICE_DIR": str(tmp_path / "svc"),
        }
    )
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "from-file"
    assert "from-file" not in repr(settings)
    assert settings.api_url == "https://ghe.example.com/api/v3"
    assert settings.web_url == "https://ghe.example.com"
    assert settings.embedded
    assert settings.store_url == f"sqlite:///{(tmp_path / 'svc' / 'netgain.db').resolve()}"
    with pytest.raises(UsageError, match="NETGAIN_GITHUB_APP_ID"):
        settings.require_app()


def test_postgres_url_selects_the_queue_and_bad_values_are_named(tmp_path: Path) -> None:
    url = "postgresql://netgain@db.example.com/netgain"
    assert not from_env({"NETGAIN_DATABASE_URL": url}).embedded
    with pytest.raises(UsageError, match="NETGAIN_GITHUB_PRIVATE_KEY_FILE="):
        from_env({"NETGAIN_GITHUB_PRIVATE_KEY_FILE": str(tmp_path / "missing.pem")})
    with pytest.raises(UsageError, match="stalled_after"):
        from_env({"NETGAIN_WORKER_STALLED_AFTER": "soon"})
    with pytest.raises(UsageError, match="keep_jobs_days"):
        from_env({"NETGAIN_KEEP_JOBS_DAYS": "0"})
