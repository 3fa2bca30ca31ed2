"""The GitHub App client against the fake GitHub: JWT, token cache, retries and rate limits."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from netgain.service.github_app import GitHubApp, GitHubError, RateLimit
from tests.service.conftest import REPOSITORY, KeyPair, World


def _client(world: World, key: str, seen: list[RateLimit] | None = None) -> GitHubApp:
    return GitHubApp(
        world.github.app_id,
        key,
        api_url=world.url,
        backoff=0.01,
        on_rate_limit=(lambda _i, limit: seen.append(limit)) if seen is not None else None,
    )


def test_installation_token_is_cached_and_calls_retry(world: World, app_key: KeyPair) -> None:
    seen: list[RateLimit] = []
    gh = _client(world, app_key.private_pem, seen)
    world.open_pull(3)
    path = f"/repos/{REPOSITORY}/pulls/3"
    world.github.fail[path] = [502, 503, 429]
    try:
        pull = gh.request(world.github.installation_id, "GET", path).json()
        assert pull["number"] == 3
        assert gh.request(world.github.installation_id, "GET", path).status_code == 200
    finally:
        gh.close()
    assert world.github.token_grants == 1
    assert world.github.fail[path] == []
    assert seen and seen[-1].remaining < 5000


def test_failures_name_the_call_never_the_credentials(world: World, app_key: KeyPair) -> None:
    gh = _client(world, app_key.private_pem)
    world.github.fail[f"/repos/{REPOSITORY}/pulls/9"] = [500] * 10
    try:
        with pytest.raises(GitHubError, match=r"GET /repos/.*/pulls/9: HTTP 500"):
            gh.request(world.github.installation_id, "GET", f"/repos/{REPOSITORY}/pulls/9")
        (token,) = world.github.tokens
        with pytest.raises(GitHubError) as missing:
            gh.request(world.github.installation_id, "GET", f"/repos/{REPOSITORY}/pulls/404")
        assert token not in str(missing.value)
    finally:
        gh.close()

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    impostor = _client(world, wrong)
    try:
        with pytest.raises(GitHubError, match="HTTP 401") as refused:
            impostor.installation_token(world.github.installation_id)
        assert "PRIVATE KEY" not in str(refused.value)
    finally:
        impostor.close()
