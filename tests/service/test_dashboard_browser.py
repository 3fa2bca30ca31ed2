"""Every dashboard page in a real headless Chromium, signed in with a real session cookie: the
page runs clean, answers its question, keeps its filters in the URL, has landmarks, labels and
a working skip link, every chart has a text equivalent, and screenshots at desktop and phone
widths are the expected size, not blank, and without horizontal overflow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from netgain.service import access
from tests.report.test_html_browser import _png_pixels
from tests.service.cdp import Browser, Chromium
from tests.service.conftest import World
from tests.service.dashboard_world import ORG, DashboardWorld, dashboard_world, seed_timelines

# the test repository's commits are dated 2024-01-01; its decision is reported today
SPAN = "?since=2023-12-01&until=2030-12-31"
PAGES = {
    "overview": f"/dashboard/{ORG}",
    "repository": f"/dashboard/{ORG}/repos/payments",
    "pull": f"/dashboard/{ORG}/repos/payments/pull/7",
    "review-load": f"/dashboard/{ORG}/review-load",
    "bottleneck": f"/dashboard/{ORG}/bottleneck",
    "credit": f"/dashboard/{ORG}/validation-credit",
}


@pytest.fixture
def browser(chromium: Chromium) -> Iterator[Browser]:
    opened = Browser(chromium=chromium)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def dash(world: World, tmp_path: Path) -> DashboardWorld:
    return dashboard_world(world, tmp_path)


def sign_in(
    dash: DashboardWorld,
    browser: Browser,
    login: str = "alice",
    role: access.Role = "member",
    width: int = 1280,
) -> None:
    """The browser holds a real session of `login` (every repository of the organisation)."""
    cookie = dash.session_for(login, {ORG: access.Grant(role, None)})
    browser.set_cookie(dash.url, access.SESSION_COOKIE, cookie)
    browser.viewport(width, 900 if width > 600 else 844)


def first_cells(browser: Browser, table: str) -> list[str]:
    return list(
        browser.js(
            f"[...document.querySelectorAll('[data-table=\"{table}\"] tbody tr td:first-child')]"
            ".map(td => td.textContent.trim())"
        )
    )


def assert_clean_accessible_page(browser: Browser, section: str) -> str:
    """The common contract of every page; returns its DOM."""
    assert browser.js("document.documentElement.dataset.ready") == "1", "script did not run"
    assert browser.js("document.documentElement.dataset.errors") is None, "a page error"
    assert browser.js("document.body.dataset.page") == section
    dom = browser.dom()
    assert browser.js("document.querySelectorAll('main#main').length") == 1
    assert browser.js("document.querySelectorAll('header nav[aria-label], nav[aria-label]').length")
    assert browser.js("document.querySelector('h1').textContent.trim().length") > 3
    question = browser.js("document.querySelector('[data-question]').textContent")
    assert question.strip().endswith("?"), question
    # every form control has a label
    unlabelled = browser.js(
        "[...document.querySelectorAll('select, input')].filter(e => !e.labels.length)"
        ".map(e => e.id || e.name)"
    )
    assert unlabelled == [], unlabelled
    # every chart is a figure with a caption and a text equivalent
    charts = browser.js(
        "[...document.querySelectorAll('svg.chart')].map(s => { const f = s.closest('figure');"
        " return [s.id, !!f && !!f.querySelector('figcaption'),"
        " !!f && !!f.querySelector('[data-text-equivalent]'), s.getAttribute('role')]; })"
    )
    for chart_id, captioned, described, role in charts:
        assert captioned and described and role == "img", chart_id
    # nothing loaded from another origin
    assert not re.search(r'(src|href)="(https?:)?//', dom)
    return dom


def assert_screenshot(browser: Browser, width: int) -> None:
    overflow = browser.js(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"horizontal overflow of {overflow}px at {width}px"
    shot_width, shot_height, pixels = _png_pixels(browser.screenshot())
    assert shot_width == width
    page_height = browser.js("document.documentElement.scrollHeight")
    assert shot_height >= min(page_height, 700) and shot_height > 200
    assert len(set(pixels)) > 16, "the screenshot is blank"


def test_every_page_renders_clean_in_chromium(dash: DashboardWorld, browser: Browser) -> None:
    seed_timelines(dash)
    sign_in(dash, browser)
    for width, height in ((1280, 900), (390, 844)):
        browser.viewport(width, height)
        for section, path in PAGES.items():
            browser.open(dash.url + path + SPAN)
            assert browser.js("location.pathname") == path, section
            assert_clean_accessible_page(browser, section)
            assert_screenshot(browser, width)


def test_pull_request_page_explains_the_decision(dash: DashboardWorld, browser: Browser) -> None:
    sign_in(dash, browser)
    browser.open(dash.url + PAGES["pull"])
    assert_clean_accessible_page(browser, "pull")
    assert "blocked" in browser.js("document.querySelector('h1').textContent")
    rules = browser.js(
        "Object.fromEntries([...document.querySelectorAll('[data-rule]')]"
        ".map(r => [r.dataset.rule, r.dataset.status]))"
    )
    assert rules["security-scan"] == "blocked"
    assert rules["peer-review"] == "pending"
    finding = browser.js("document.querySelector('[data-finding=\"sql-injection\"]').textContent")
    assert "src/db.py:6" in finding and "CWE-89" in finding
    assert browser.js("document.querySelectorAll('[data-finding] ol.trace li').length") >= 2
    asked = browser.js("document.querySelector('[data-reviewers=\"tiered-review\"]').textContent")
    assert "sam" in asked and "role senior" in asked
    evidence = browser.js("document.querySelector('[data-table=\"evidence\"]').textContent")
    assert "commit-level" in evidence
    risk = browser.js("document.querySelector('[data-table=\"risk-facts\"]').textContent")
    assert "lines added" in risk and "files changed" in risk
    # the model's own reasons travel in the decision document (risk_reasons)
    reasons = first_cells(browser, "risk-reasons")
    assert reasons, "the risk model named no reason"
    history = browser.js("document.querySelectorAll('[data-table=\"history\"] tbody tr').length")
    assert history == 1


def test_overview_draws_the_organisation_figures(dash: DashboardWorld, browser: Browser) -> None:
    sign_in(dash, browser)
    browser.open(dash.url + PAGES["overview"] + SPAN)
    assert_clean_accessible_page(browser, "overview")
    figure = "document.querySelector('[data-figure=\"{}\"]').textContent"
    assert browser.js(figure.format("repositories")) == "1"
    assert int(browser.js(figure.format("changes"))) >= 3
    assert browser.js(figure.format("ai-share")).endswith("%")
    assert "1 blocked" in browser.js("document.querySelector('.cards').textContent")
    drawn = browser.js(
        "[...document.querySelectorAll('svg.chart')].filter("
        "s => s.querySelector('[data-mark]')).map(s => s.id)"
    )
    assert {"chart-throughput", "chart-ai-share", "chart-policy-decisions"} <= set(drawn)
    # the text equivalent of a drawn chart carries its figures
    policy = browser.js(
        "document.querySelector('#fig-chart-policy-rules [data-text-equivalent]').textContent"
    )
    assert "security-scan: 1" in policy
    # teams only of at least privacy.min_group people: "payments" (5+), never "tiny" (2)
    teams = first_cells(browser, "teams")
    assert teams == ["payments"]
    buckets = first_cells(browser, "outcomes-by-bucket")
    assert buckets == ["0-25%", "25-50%", "50-75%", "75-100%", "unknown"]
    outcome = browser.js(
        "document.querySelector('[data-table=\"outcomes-by-bucket\"] tbody tr').textContent"
    )
    assert "no incident data" in outcome  # no incidents imported: said, not zero
    adoption = browser.js("document.querySelector('[data-adoption]').textContent")
    # the test history has fewer than 5 authors: no per-team adoption counts of so few people
    assert adoption == "fewer than 5 active engineers", adoption
    link = browser.js("document.querySelector('[data-table=\"teams\"] a').search")
    assert "team=payments" in link and "since=2023-12-01" in link
    pulls = browser.js("document.querySelector('[data-table=\"pulls\"] tbody').textContent")
    assert "octo-org/payments#7" in pulls and "blocked" in pulls


def test_a_team_below_the_privacy_minimum_is_withheld(
    dash: DashboardWorld, browser: Browser
) -> None:
    sign_in(dash, browser)
    browser.open(dash.url + PAGES["overview"] + SPAN + "&team=tiny")
    assert_clean_accessible_page(browser, "overview")
    withheld = browser.js("document.querySelector('[data-withheld]').textContent")
    assert "at least 5" in withheld
    assert browser.js("document.querySelectorAll('svg.chart[id=\"chart-throughput\"]').length") == 0


def test_keyboard_reaches_the_skip_link_first(dash: DashboardWorld, browser: Browser) -> None:
    sign_in(dash, browser)
    browser.open(dash.url + PAGES["overview"])
    browser.press_tab()
    assert browser.js("document.activeElement.className") == "skip"
    assert browser.js("getComputedStyle(document.activeElement).top") == "8px"  # shown on focus
    browser.press_tab()
    assert browser.js("document.activeElement.getAttribute('href')") == "/dashboard"
    outline = browser.js("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "a focused link has a visible outline"


def test_filters_live_in_the_url(dash: DashboardWorld, browser: Browser) -> None:
    sign_in(dash, browser)
    query = "?range=30d&team=payments&repository=octo-org%2Fpayments"
    browser.open(dash.url + PAGES["overview"] + query)
    assert_clean_accessible_page(browser, "overview")
    assert browser.js("document.getElementById('filter-range').value") == "30d"
    assert browser.js("document.getElementById('filter-team').value") == "payments"
    assert browser.js("document.getElementById('filter-repository').value") == "octo-org/payments"
    assert browser.js("document.getElementById('custom-range').hidden") is True
    # the navigation keeps the filters, so a shared link shows the same view
    nav = browser.js("[...document.querySelectorAll('header nav a')].map(a => a.search)")
    assert nav and all(q == query for q in nav), nav
    # submitting the form changes the URL, not hidden state
    browser.js(
        "document.getElementById('filter-range').value = '180d';"
        "document.getElementById('filter-team').value = '';"
        "document.querySelector('form.filters').requestSubmit()"
    )
    browser.wait_event("Page.loadEventFired")
    search = browser.js("location.search")
    assert "range=180d" in search and "repository=octo-org%2Fpayments" in search
    assert "team=payments" not in search
    # a custom range shows its dates
    browser.open(dash.url + PAGES["overview"] + "?since=2026-01-01&until=2026-03-31")
    assert browser.js("document.getElementById('filter-range').value") == "custom"
    assert browser.js("document.getElementById('custom-range').hidden") is False
    assert "2026-01-01 to 2026-03-31" in browser.js("document.querySelector('.scope').textContent")


def test_anonymous_browser_is_sent_to_sign_in(dash: DashboardWorld, browser: Browser) -> None:
    browser.viewport(1280, 900)
    for path in PAGES.values():
        browser.open(dash.url + path + "?range=30d")
        assert browser.js("location.pathname") == "/auth/github/login"
        assert browser.js("new URLSearchParams(location.search).get('next')") == (
            path + "?range=30d"
        )


def test_flow_pages_show_team_figures_and_only_ones_own_person_row(
    dash: DashboardWorld, browser: Browser
) -> None:
    seed_timelines(dash)
    sign_in(dash, browser, "dave")

    browser.open(dash.url + PAGES["bottleneck"])
    assert_clean_accessible_page(browser, "bottleneck")
    figure = "document.querySelector('[data-figure=\"{}\"]').textContent.trim()"
    assert browser.js(figure.format("merged")) == "22"
    assert browser.js(figure.format("bottleneck")) in {"coding", "pickup", "review", "merge"}
    assert browser.js(figure.format("senior-wait")).endswith("%")
    stages = browser.js(
        "[...document.querySelectorAll('#chart-stages [data-mark=\"point\"]')].length"
    )
    assert stages >= 3  # pickup, review and merge have 22 values each
    teams = browser.js("document.querySelector('[data-table=\"teams\"] tbody').textContent")
    assert "payments" in teams and "tiny" not in teams

    browser.open(dash.url + PAGES["review-load"])
    assert_clean_accessible_page(browser, "review-load")
    assert int(browser.js(figure.format("reviews"))) == sum(
        2 + k % 4 for k in range(22)
    )  # peers plus the senior, per pull request
    tiers = browser.js("document.querySelector('[data-table=\"tiers\"] tbody').textContent")
    assert "senior" in tiers and "withheld" in tiers  # one senior: fewer than 5
    people = first_cells(browser, "people")
    assert people == ["dave"], "a member sees only their own row"

    browser.open(dash.url + PAGES["credit"])
    assert_clean_accessible_page(browser, "credit")
    assert browser.js("document.querySelector('#chart-credit-teams [data-mark]') !== null")
    people = first_cells(browser, "people")
    assert people == ["dave"]


def test_an_admin_sees_every_person_in_name_order(dash: DashboardWorld, browser: Browser) -> None:
    seed_timelines(dash)
    sign_in(dash, browser, "olga", "admin", width=390)
    browser.open(dash.url + PAGES["review-load"])
    assert_clean_accessible_page(browser, "review-load")
    assert_screenshot(browser, 390)
    people = first_cells(browser, "people")
    assert people == sorted(people) and {"alice", "sam"} <= set(people)


def test_an_unknown_page_is_a_page_too(dash: DashboardWorld, browser: Browser) -> None:
    sign_in(dash, browser, width=390)
    browser.open(dash.url + f"/dashboard/{ORG}/repos/nothing/pull/1")
    assert_clean_accessible_page(browser, "error")
    assert browser.js("document.body.dataset.status") == "404"
    assert browser.js("document.querySelector('main a').getAttribute('href')") == "/dashboard"
    assert_screenshot(browser, 390)
