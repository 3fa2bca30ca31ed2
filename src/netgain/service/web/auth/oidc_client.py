"""OpenID Connect, the parts a relying party needs: discovery, PKCE, the code exchange and ID
token verification against the provider's JWKS.

Verification is PyJWT's: signature with a key from the JWKS (by `kid`), asymmetric algorithms
only (never `none` or an HMAC keyed with a public value), `iss` equal to the configured issuer,
`aud` containing our client id (and `azp` equal to it when there are several audiences), `exp`
and `iat` present, and the `nonce` of this browser's attempt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import jwt

from netgain.service.web.auth.github_user import SignInError

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
DISCOVERY_TTL = 3600.0
LEEWAY = 60  # seconds of clock skew tolerated on exp/iat/nbf


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    algorithms: tuple[str, ...]


def pkce_challenge(verifier: str) -> str:
    """S256: BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    """Discovery and keys, cached for the process (a provider rotating keys is handled by one
    refetch when a token names an unknown `kid`)."""

    def __init__(self, issuer: str, client_id: str, client_secret: str | None) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self._lock = threading.Lock()
        self._provider: tuple[float, Provider] | None = None
        self._keys: dict[str, jwt.PyJWK] = {}

    def provider(self, http: httpx.Client) -> Provider:
        with self._lock:
            if self._provider is not None and time.monotonic() - self._provider[0] < DISCOVERY_TTL:
                return self._provider[1]
        # the issuer is compared exactly as configured (Auth0's ends with "/", most do not);
        # the discovery document lives under it either way (OpenID Connect Discovery §4)
        body = _get_json(http, f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
        if body.get("issuer") != self.issuer:
            raise SignInError("the provider's discovery document names another issuer")
        try:
            offered = body.get("id_token_signing_alg_values_supported") or ["RS256"]
            provider = Provider(
                issuer=self.issuer,
                authorization_endpoint=str(body["authorization_endpoint"]),
                token_endpoint=str(body["token_endpoint"]),
                jwks_uri=str(body["jwks_uri"]),
                userinfo_endpoint=body.get("userinfo_endpoint"),
                algorithms=tuple(a for a in offered if a in ALLOWED_ALGORITHMS) or ("RS256",),
            )
        except KeyError as exc:
            raise SignInError(f"the provider's discovery document lacks {exc}") from exc
        with self._lock:
            self._provider = (time.monotonic(), provider)
        return provider

    def exchange(
        self, http: httpx.Client, code: str, redirect_uri: str, verifier: str
    ) -> dict[str, Any]:
        provider = self.provider(http)
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        headers = {"Accept": "application/json"}
        if self.client_secret is not None:  # client_secret_basic (RFC 6749 §2.3.1)
            basic = base64.b64encode(
                f"{quote(self.client_id, safe='')}:{quote(self.client_secret, safe='')}".encode()
            ).decode()
            headers["Authorization"] = f"Basic {basic}"
        else:
            data["client_id"] = self.client_id  # a public client: PKCE is its proof
        response = http.post(provider.token_endpoint, data=data, headers=headers)
        try:
            body = response.json()
        except ValueError as exc:
            raise SignInError(f"the token endpoint answered HTTP {response.status_code}") from exc
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise SignInError(f"the provider refused the code: {error or response.status_code}")
        return body

    def verify(self, http: httpx.Client, id_token: str, nonce: str) -> dict[str, Any]:
        provider = self.provider(http)
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise SignInError("the ID token is not a JWT") from exc
        if header.get("alg") not in provider.algorithms:
            raise SignInError(f"the ID token's algorithm {header.get('alg')!r} is not accepted")
        key = self._key(http, provider, header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key.key,
                algorithms=list(provider.algorithms),
                audience=self.client_id,
                issuer=provider.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SignInError(f"the ID token was refused: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise SignInError("the ID token was issued to another party (azp)")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(
            claims["nonce"], nonce
        ):
            raise SignInError("the ID token's nonce is not this sign-in's")
        return claims

    def userinfo(self, http: httpx.Client, access_token: str) -> dict[str, Any]:
        provider = self.provider(http)
        if not provider.userinfo_endpoint:
            return {}
        response = http.get(
            provider.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
        )
        if response.status_code != 200:
            return {}
        try:
            body = response.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _key(self, http: httpx.Client, provider: Provider, kid: object) -> jwt.PyJWK:
        with self._lock:
            known = self._keys.get(str(kid))
        if known is not None:
            return known
        keys: dict[str, jwt.PyJWK] = {}
        for item in _get_json(http, provider.jwks_uri).get("keys") or []:
            if not isinstance(item, dict) or item.get("use", "sig") != "sig":
                continue
            try:
                keys[str(item.get("kid"))] = jwt.PyJWK(item)
            except jwt.PyJWTError:
                continue  # a key type this process cannot use; others may do
        with self._lock:
            self._keys = keys
        found = keys.get(str(kid))
        if found is None:
            raise SignInError("the ID token is signed with a key the provider does not publish")
        return found


def _get_json(http: httpx.Client, url: str) -> dict[str, Any]:
    response = http.get(url, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise SignInError(f"the identity provider answered HTTP {response.status_code} ({url})")
    try:
        body = response.json()
    except ValueError as exc:
        raise SignInError(f"the identity provider sent no JSON ({url})") from exc
    if not isinstance(body, dict):
        raise SignInError(f"the identity provider sent no JSON object ({url})")
    return body
