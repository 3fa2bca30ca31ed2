"""A loopback OpenID Connect provider with its own RSA key: discovery, JWKS, an authorize
endpoint that approves at once, a token endpoint that checks PKCE (S256) and client
authentication, and userinfo. Knobs let a test make it misbehave the ways real ones can (another
audience, an expired token, a replayed nonce, a key it does not publish, `alg: none`)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "netgain-web"
CLIENT_SECRET = "oidc-client-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class FakeOidc:
    issuer: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "key-1"
    claims: dict[str, Any] = field(default_factory=dict)  # the person who approves
    groups_in_id_token: bool = True
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    sign_with: rsa.RSAPrivateKey | None = None  # a key the JWKS does not publish
    unsigned: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def discovery(self, request: Request) -> Response:
        base = self.issuer.rstrip("/")
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            }
        )

    def jwks(self, request: Request) -> Response:
        numbers = self.key.public_key().public_numbers()
        size = (numbers.n.bit_length() + 7) // 8
        return JSONResponse(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "use": "sig",
                        "alg": "RS256",
                        "kid": self.kid,
                        "n": _b64(numbers.n.to_bytes(size, "big")),
                        "e": _b64(numbers.e.to_bytes(3, "big")),
                    }
                ]
            }
        )

    def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
            return Response("unknown client", 400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return Response("PKCE required", 400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": q.get("redirect_uri"),
            "nonce": q.get("nonce"),
            "challenge": q.get("code_challenge"),
            "scope": q.get("scope"),
        }
        target = f"{q.get('redirect_uri')}?{urlencode({'code': code, 'state': q.get('state')})}"
        return Response(status_code=302, headers={"location": target})

    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        self.token_requests.append(
            form | {"authorization": request.headers.get("authorization", "")}
        )
        basic = request.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if basic != expected:
            return JSONResponse({"error": "invalid_client"}, 401)
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **{k: v for k, v in self.claims.items() if self.groups_in_id_token or k != "groups"},
            **self.id_token_overrides,
        }
        if self.unsigned:
            id_token = jwt.encode(claims, key=None, algorithm="none")
        else:
            id_token = jwt.encode(
                claims, self.sign_with or self.key, algorithm="RS256", headers={"kid": self.kid}
            )
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = dict(self.claims)
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def userinfo(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        found = self.access_tokens.get(token)
        if found is None:
            return JSONResponse({"error": "invalid_token"}, 401)
        return JSONResponse(found)

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo),
            ]
        )
