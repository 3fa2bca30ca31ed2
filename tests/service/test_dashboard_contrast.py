"""The dashboard's colours meet WCAG 2.1 AA: text at least 4.5:1 against its background, the
focus outline at least 3:1 (non-text contrast), computed from the shipped stylesheet."""

from __future__ import annotations

import re
from importlib import resources

import pytest

CSS = (
    resources.files("netgain.service.web.dashboard")
    .joinpath("static", "dashboard.css")
    .read_text(encoding="utf-8")
)
VARIABLES = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_can_fail() -> None:
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#595959", "#ffffff")


@pytest.mark.parametrize("name", ["ink", "muted", "link", "ok", "warn", "bad"])
def test_text_colours_on_white_and_on_the_panel(name: str) -> None:
    for background in (VARIABLES["bg"], VARIABLES["panel"]):
        assert contrast(VARIABLES[name], background) >= 4.5, (name, background)


def test_header_text_and_focus_outline() -> None:
    assert contrast("#ffffff", VARIABLES["ink"]) >= 4.5  # header links on the dark bar
    assert contrast(VARIABLES["focus"], VARIABLES["bg"]) >= 3.0
    assert contrast(VARIABLES["focus"], VARIABLES["ink"]) >= 3.0  # focus inside the dark bar


def test_chart_text_colours() -> None:
    colours = re.findall(r"svg \.[a-z, .]+\{[^}]*fill: (#[0-9a-f]{6})", CSS)
    assert colours, "the chart text rules were not found"
    for colour in colours:
        assert contrast(colour, "#ffffff") >= 4.5, colour
