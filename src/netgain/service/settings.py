"""Service settings from the environment; secrets from files (or, for development, the env).

Everything that differs between github.com and a GitHub Enterprise Server (the API and web base
URLs) is a setting, never a constant, so one build serves both.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from netgain.errors import UsageError

DEFAULT_API = "https://api.github.com"
DEFAULT_WEB = "https://github.com"


class ServiceSettings(BaseModel):
    """What `netgain serve` and `netgain worker` need; read once per process by `from_env`."""

    model_config = ConfigDict(frozen=True)

    database_url: str | None = None  # None: the embedded SQLite store and in-process jobs
    data_dir: Path = Path(".netgain/service")
    app_id: str | None = None
    private_key: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    api_url: str = DEFAULT_API
    web_url: str = DEFAULT_WEB
    check_name: str = "netgain review gate"
    slack_webhook: SecretStr | None = None  # Slack incoming webhook URL (it is a credential)
    notify_webhook: SecretStr | None = None  # a generic JSON webhook
    # check jobs wait this long before they run, so that a burst of pushes, labels and reviews
    # on one pull request becomes one check (the queueing lock merges what arrives meanwhile)
    check_delay: float = Field(default=0.0, ge=0)
    max_body: int = Field(default=25 * 1024 * 1024, gt=0)  # GitHub caps payloads at 25 MB
    # stalled-job recovery: a worker that sent no heartbeat for this long is considered dead
    heartbeat_interval: float = Field(default=10.0, gt=0)
    stalled_after: float = Field(default=30.0, gt=0)
    http_retries: int = Field(default=4, ge=0)
    http_backoff: float = Field(default=1.0, ge=0)
    max_rate_limit_wait: float = Field(default=60.0, ge=0)
    # retention of the hourly housekeeping: decision documents (0 keeps them forever) and
    # finished queue jobs (succeeded, failed, cancelled)
    keep_decisions_days: int = Field(default=90, ge=0)
    keep_jobs_days: int = Field(default=7, ge=1)
    # the organisations' own file: teams, privacy, incident routes (netgain.service.org_config)
    org_config: Path | None = None
    # sign-in (netgain.service.web.auth, docs/access.md). The public URL is where browsers reach
    # the service: redirect URIs are built from it and the session cookie is `Secure` when it is
    # https. GitHub sign-in uses the GitHub App's own OAuth client id and secret.
    public_url: str = "http://127.0.0.1:8000"
    github_client_id: str | None = None
    github_client_secret: SecretStr | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None  # None: a public client (PKCE only)
    oidc_scopes: str = "openid profile email groups"
    oidc_groups_claim: str = "groups"
    # trusted reverse-proxy sign-in: off unless both the header and the proxy addresses are set
    proxy_user_header: str | None = None
    proxy_email_header: str | None = None
    proxy_groups_header: str | None = None
    proxy_trusted: tuple[str, ...] = ()

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.lower().startswith("https://")

    @property
    def github_sign_in(self) -> bool:
        return bool(self.github_client_id and self.github_client_secret)

    @property
    def oidc_sign_in(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def proxy_sign_in(self) -> bool:
        return bool(self.proxy_user_header and self.proxy_trusted)

    # continuous data (netgain.service.feeds): the senders' signing secrets, which Jira issues
    # are incidents, and which GitHub deployment environments are production
    pagerduty_secret: SecretStr | None = None
    jira_secret: SecretStr | None = None
    jira_incident_types: tuple[str, ...] = ("Incident",)
    jira_incident_labels: tuple[str, ...] = ("incident",)
    production_environments: tuple[str, ...] = ("production", "prod")

    @property
    def embedded(self) -> bool:
        """No PostgreSQL URL: SQLite store and jobs run inside `netgain serve`."""
        return not self.database_url or self.database_url.startswith("sqlite")

    @property
    def store_url(self) -> str:
        """The netgain store (SQLAlchemy URL): the shared PostgreSQL, else SQLite in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'netgain.db').resolve()}"

    @property
    def mirrors(self) -> Path:
        return self.data_dir / "mirrors"

    def require_app(self) -> tuple[str, str]:
        """The app id and private key, or a clear error saying which setting is missing."""
        if not self.app_id:
            raise UsageError("NETGAIN_GITHUB_APP_ID is not set")
        if self.private_key is None:
            raise UsageError("NETGAIN_GITHUB_PRIVATE_KEY_FILE is not set")
        return self.app_id, self.private_key.get_secret_value()


def _secret(env: dict[str, str], name: str) -> SecretStr | None:
    """`NAME_FILE` (a path, the recommended way) wins over `NAME` (the value itself)."""
    path = env.get(f"{name}_FILE")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{name}_FILE={path}: cannot read: {exc}") from exc
        return SecretStr(text.strip() if not text.startswith("-----") else text)
    value = env.get(name)
    return SecretStr(value) if value else None


def from_env(env: dict[str, str] | None = None, **overrides: object) -> ServiceSettings:
    """Read NETGAIN_* variables; `overrides` (command-line options) win."""
    env = dict(os.environ) if env is None else env
    values: dict[str, object] = {
        "database_url": env.get("NETGAIN_DATABASE_URL") or None,
        "app_id": env.get("NETGAIN_GITHUB_APP_ID") or None,
        "private_key": _secret(env, "NETGAIN_GITHUB_PRIVATE_KEY"),
        "webhook_secret": _secret(env, "NETGAIN_WEBHOOK_SECRET"),
        "slack_webhook": _secret(env, "NETGAIN_SLACK_WEBHOOK_URL"),
        "notify_webhook": _secret(env, "NETGAIN_NOTIFY_WEBHOOK_URL"),
        "github_client_secret": _secret(env, "NETGAIN_GITHUB_CLIENT_SECRET"),
        "oidc_client_secret": _secret(env, "NETGAIN_OIDC_CLIENT_SECRET"),
        "pagerduty_secret": _secret(env, "NETGAIN_PAGERDUTY_SECRET"),
        "jira_secret": _secret(env, "NETGAIN_JIRA_SECRET"),
    }
    lists = {
        "jira_incident_types": "NETGAIN_JIRA_INCIDENT_TYPES",
        "jira_incident_labels": "NETGAIN_JIRA_INCIDENT_LABELS",
        "production_environments": "NETGAIN_PRODUCTION_ENVIRONMENTS",
    }
    for key, var in lists.items():
        if env.get(var):
            values[key] = tuple(v.strip() for v in env[var].split(",") if v.strip())
    optional = {
        "data_dir": "NETGAIN_SERVICE_DIR",
        "api_url": "NETGAIN_GITHUB_API_URL",
        "web_url": "NETGAIN_GITHUB_WEB_URL",
        "check_name": "NETGAIN_CHECK_NAME",
        "heartbeat_interval": "NETGAIN_WORKER_HEARTBEAT",
        "stalled_after": "NETGAIN_WORKER_STALLED_AFTER",
        "http_backoff": "NETGAIN_GITHUB_BACKOFF",
        "check_delay": "NETGAIN_CHECK_DELAY",
        "keep_decisions_days": "NETGAIN_KEEP_DECISIONS_DAYS",
        "keep_jobs_days": "NETGAIN_KEEP_JOBS_DAYS",
        "org_config": "NETGAIN_ORG_CONFIG",
        "public_url": "NETGAIN_PUBLIC_URL",
        "github_client_id": "NETGAIN_GITHUB_CLIENT_ID",
        "oidc_issuer": "NETGAIN_OIDC_ISSUER",
        "oidc_client_id": "NETGAIN_OIDC_CLIENT_ID",
        "oidc_scopes": "NETGAIN_OIDC_SCOPES",
        "oidc_groups_claim": "NETGAIN_OIDC_GROUPS_CLAIM",
        "proxy_user_header": "NETGAIN_PROXY_USER_HEADER",
        "proxy_email_header": "NETGAIN_PROXY_EMAIL_HEADER",
        "proxy_groups_header": "NETGAIN_PROXY_GROUPS_HEADER",
    }
    for key, var in optional.items():
        if env.get(var):
            values[key] = env[var]
    trusted = env.get("NETGAIN_PROXY_TRUSTED", "")
    if trusted.strip():
        values["proxy_trusted"] = tuple(a.strip() for a in trusted.split(",") if a.strip())
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = ServiceSettings.model_validate(values)
    except ValueError as exc:
        raise UsageError(f"service settings: {exc}") from exc
    _check_sign_in(settings)
    return settings.model_copy(
        update={
            "api_url": settings.api_url.rstrip("/"),
            "web_url": settings.web_url.rstrip("/"),
            "public_url": settings.public_url.rstrip("/"),
        }
    )


def _check_sign_in(settings: ServiceSettings) -> None:
    """Half-configured sign-in is refused at start-up, not discovered at the first login: a proxy
    header without trusted addresses would let anyone who reaches the port name themselves."""
    if bool(settings.proxy_user_header) != bool(settings.proxy_trusted):
        raise UsageError(
            "NETGAIN_PROXY_USER_HEADER and NETGAIN_PROXY_TRUSTED must be set together "
            "(the header is believed only from the trusted proxy addresses)"
        )
    if settings.proxy_trusted:
        from ipaddress import ip_network

        for address in settings.proxy_trusted:
            try:
                ip_network(address, strict=False)
            except ValueError as exc:
                raise UsageError(f"NETGAIN_PROXY_TRUSTED: {address!r} is not an address") from exc
    if bool(settings.github_client_id) != bool(settings.github_client_secret):
        raise UsageError(
            "NETGAIN_GITHUB_CLIENT_ID and NETGAIN_GITHUB_CLIENT_SECRET_FILE must be set together"
        )
    if bool(settings.oidc_issuer) != bool(settings.oidc_client_id):
        raise UsageError("NETGAIN_OIDC_ISSUER and NETGAIN_OIDC_CLIENT_ID must be set together")
    for name, url in (("NETGAIN_PUBLIC_URL", settings.public_url),):
        if not url.lower().startswith(("http://", "https://")):
            raise UsageError(f"{name} must be an http(s) URL: {url!r}")
