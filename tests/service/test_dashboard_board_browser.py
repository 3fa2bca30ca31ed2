"""The board page and the sign-out button in a real headless Chromium.

The board page on a store with a planted AI adoption: it runs clean, draws the interrupted time
series with its figures in words, fits a 390-px screen, and prints on exactly one page. Sign-out:
the button is reachable by keyboard, posts the form with its CSRF token, ends the session on the
server, and the next dashboard page sends the browser to sign-in."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from netgain.service import access
from netgain.service.app import create_app
from netgain.service.queue import EmbeddedQueue
from netgain.service.runtime import Runtime, open_runtime
from netgain.service.settings import from_env
from tests.service.cdp import Browser
from tests.service.conftest import World
from tests.service.dashboard_world import ORG, DashboardWorld, dashboard_world
from tests.service.fakegithub import Served, free_port
from tests.service.test_dashboard_board import PLANTED, add_planted_repository
from tests.service.test_dashboard_browser import (
    assert_clean_accessible_page,
    assert_screenshot,
    sign_in,
)

BOARD = f"/dashboard/{ORG}/board?range=all"


@pytest.fixture
def dash(world: World, tmp_path: Path) -> DashboardWorld:
    return dashboard_world(world, tmp_path)


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_board_page_answers_fits_a_phone_and_prints_on_one_page(
    dash: DashboardWorld, browser: Browser, tmp_path: Path
) -> None:
    add_planted_repository(dash, tmp_path / "planted-work")
    sign_in(dash, browser)
    browser.open(dash.url + BOARD)
    assert_clean_accessible_page(browser, "board")
    assert browser.js("document.querySelector('h1').textContent") == "Board answer"
    adoption = browser.js("document.querySelector('[data-board=\"adoption\"]').textContent")
    assert "AI adoption: week 2023-W31" in adoption
    statuses = browser.js(
        "Object.fromEntries([...document.querySelectorAll('[data-outcome]')]"
        ".map(r => [r.dataset.outcome, r.dataset.status]))"
    )
    assert statuses == {"items": "ok", "lines_added": "ok", "features": "ok"}
    # the chart is the report's, inside a figure whose text equivalent opens with the fit
    assert browser.js("document.querySelectorAll('svg#chart-board-throughput').length") == 1
    words = browser.js(
        "[...document.querySelectorAll('#fig-chart-board-throughput [data-text-equivalent] li')]"
        ".map(li => li.textContent)"
    )
    assert "level change at adoption" in words[1] and len(words) > 50
    rows = browser.js(
        "Object.fromEntries([...document.querySelectorAll('[data-repository]')]"
        ".map(r => [r.dataset.repository, r.querySelectorAll('[data-insufficient]').length]))"
    )
    assert rows[PLANTED] < rows["octo-org/payments"]  # the short history refuses more figures
    # the navigation marks the page, and the link keeps the filters
    current = browser.js("document.querySelector('header nav a[aria-current=page]').search")
    assert current == "?range=all"
    for width, height in ((1280, 900), (390, 844)):
        browser.viewport(width, height)
        browser.open(dash.url + BOARD)
        assert_screenshot(browser, width)
    # printed: the figures only, on one A4 sheet
    browser.viewport(1280, 900)
    browser.open(dash.url + BOARD)
    pdf = base64.b64decode(browser.page("Page.printToPDF", preferCSSPageSize=True)["data"])
    (tmp_path / "board.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) == 1


@pytest.fixture
def site(world: World, tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    """The service served at the address it is configured to be public at: a browser's form
    post carries that Origin, and the CSRF check refuses any other."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    runtime = open_runtime(from_env(world.env(tmp_path / "svc") | {"NETGAIN_PUBLIC_URL": url}))
    served = Served(create_app(runtime.ctx, runtime.queue))
    served.port, served.url = port, url
    served.server.config.port = port
    try:
        with served:
            yield runtime, url
    finally:
        if isinstance(runtime.queue, EmbeddedQueue):
            runtime.queue.stop()
        runtime.ctx.close()


def test_sign_out_by_keyboard_ends_the_session(site: tuple[Runtime, str], browser: Browser) -> None:
    runtime, url = site
    engine = runtime.ctx.engine
    user = access.upsert_user(engine, provider="github", subject="id-alice", login="alice")
    access.replace_grants(engine, user, {ORG: access.Grant("member", None)})
    cookie, _ = access.open_session(engine, user)
    browser.set_cookie(url, access.SESSION_COOKIE, cookie)
    browser.viewport(1280, 900)
    browser.open(url + f"/dashboard/{ORG}")
    assert_clean_accessible_page(browser, "overview")
    button = "document.querySelector('form.sign-out button[data-sign-out]')"
    assert browser.js(f"{button}.textContent") == "Sign out"
    assert browser.js("document.querySelector('form.sign-out').getAttribute('method')") == "post"
    token = browser.js("document.querySelector('form.sign-out [name=csrf_token]').value")
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    # reachable with Tab alone, with a visible focus outline
    for _ in range(12):
        browser.press_tab()
        if browser.js(f"document.activeElement === {button}"):
            break
    else:
        pytest.fail("the sign-out button is not reachable with Tab")
    assert browser.js("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    # Enter submits the form: the session ends on the server and the browser says so
    browser.press_key("Enter", 13, "\r")
    browser.wait_event("Page.loadEventFired")
    assert browser.js("location.pathname") == "/auth/signed-out"
    assert browser.js("document.querySelector('[data-signed-out]') !== null")
    assert access.principal_from_session(engine, cookie) is None
    # the next page sends the browser to sign-in, coming back to it
    browser.open(url + f"/dashboard/{ORG}/board")
    assert browser.js("location.pathname") == "/auth/github/login"
    assert browser.js("new URLSearchParams(location.search).get('next')") == (
        f"/dashboard/{ORG}/board"
    )
    # and the old cookie, replayed by hand, is worth nothing
    browser.set_cookie(url, access.SESSION_COOKIE, cookie)
    browser.open(url + f"/dashboard/{ORG}")
    assert browser.js("location.pathname") == "/auth/github/login"


def test_a_page_read_with_an_api_token_has_no_sign_out_form(dash: DashboardWorld) -> None:
    """An API token reads the pages too (read scope) but has no session to end: no form, and
    no empty CSRF token in the page."""
    engine = dash.runtime.ctx.engine
    user = access.upsert_user(engine, provider="github", subject="id-ci", login="ci")
    access.replace_grants(engine, user, {ORG: access.Grant("member", None)})
    token = access.issue_token(engine, user_id=user, org=ORG, scope="read", name="ci")
    headers = {"accept": "text/html", "authorization": f"Bearer {token}"}
    page = dash.client.http.get(f"/dashboard/{ORG}/board", headers=headers)
    assert page.status_code == 200
    assert "sign-out" not in page.text and "csrf_token" not in page.text
