"""Sign-in in a real headless Chromium: the GitHub flow across sites (the service on `localhost`,
the fake GitHub on `127.0.0.1`), the cookies as the browser stores them, and a cross-site form
that tries to create a token with the victim's session."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from netgain.service.access_tables import api_tokens
from netgain.service.app import create_app
from netgain.service.runtime import open_runtime
from netgain.service.settings import from_env
from tests.service.cdp import Browser, Chromium
from tests.service.fakegithub import FakeGitHub, Person, Served, free_port
from tests.service.web.conftest import github_env


def _lands_on(browser: Browser, url: str, timeout: float = 30) -> bool:
    """Whether the tab reaches `url` (the form's target) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (
                browser.js("location.href") == url
                and browser.js("document.readyState") == "complete"
            ):
                return True
        except RuntimeError:
            pass  # between documents
        time.sleep(0.2)
    return False


@pytest.fixture
def browser(chromium: Chromium) -> Iterator[Browser]:
    opened = Browser(chromium=chromium)
    try:
        yield opened
    finally:
        opened.close()


def test_github_sign_in_and_a_cross_site_form_in_chromium(
    browser: Browser, fake_github: tuple[FakeGitHub, str], tmp_path: Path
) -> None:
    fake, github_url = fake_github
    fake.app_repositories |= {"octo-org/web"}
    fake.people["olga"] = Person(id=9, memberships={"octo-org": ("active", "admin")})
    fake.approve_as = "olga"
    port = free_port()
    service = f"http://localhost:{port}"
    env = github_env(github_url, fake, tmp_path) | {
        "NETGAIN_SERVICE_DIR": str(tmp_path / "svc"),
        "NETGAIN_PUBLIC_URL": service,
    }
    runtime = open_runtime(from_env(env))
    served = Served(create_app(runtime.ctx, runtime.queue))
    served.port, served.url = port, f"http://127.0.0.1:{port}"
    served.server.config.port = port

    async def evil(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f"""<!doctype html><html><body>
            <form id="f" method="post" action="{service}/api/v1/orgs/octo-org/tokens"
                  enctype="text/plain">
              <input name='{{"name": "stolen", "scope": "admin", "x": "' value='"}}'>
            </form>
            <script>document.getElementById("f").submit()</script></body></html>"""
        )

    try:
        with served, Served(Starlette(routes=[Route("/", evil)])) as attacker:
            browser.open(f"{service}/auth/github/login?next=/auth/me")
            me = json.loads(browser.js("document.body.innerText"))
            assert me["login"] == "olga" and me["orgs"][0]["role"] == "admin"
            cookies = {c["name"]: c for c in browser.page("Network.getAllCookies")["cookies"]}
            session = cookies["netgain_session"]
            assert session["httpOnly"] and session["sameSite"] == "Lax"
            assert "netgain_login" not in cookies  # the pre-session cookie is spent
            assert browser.js("document.cookie") == ""  # no script reads either

            # another site's page posts a form to the service in the signed-in browser
            browser.open(attacker.url)
            assert _lands_on(browser, f"{service}/api/v1/orgs/octo-org/tokens")
            # the form arrived without the session (SameSite=Lax): an anonymous caller
            assert "sign in or send an API token" in browser.js("document.body.innerText")
            browser.open(f"{service}/auth/me")  # the browser is still signed in
            assert json.loads(browser.js("document.body.innerText"))["login"] == "olga"
        with runtime.ctx.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(api_tokens)).scalar_one() == 0
    finally:
        runtime.ctx.close()
