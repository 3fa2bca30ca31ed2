"""Rendering of the dashboard's pages: one Jinja environment, the shared layout, charts with
their text equivalents, and the headers every page carries.

The pages load nothing from another origin (the stylesheet and the one small script are shipped
in this package and served by the dashboard), which the Content-Security-Policy enforces: a
string from an analysed repository that slipped past escaping still could not run a script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from netgain import __version__
from netgain.report.html import _fmt_estimate as fmt_estimate
from netgain.service.web.auth.csrf import csrf_token

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_EMPTY = re.compile(r'<text data-empty="1"[^>]*>(.*?)</text>', re.S)
_INSUFFICIENT = re.compile(r'class="label">([^<]*)</text><text data-mark="insufficient"')


@dataclass(frozen=True)
class Chart:
    """An SVG chart and the same figures in words, for screen readers and for copying."""

    id: str
    title: str
    svg: Markup
    lines: list[str]
    empty: str | None


_SVG_ID = re.compile(r'<svg class="chart" id="([^"]*)" role="img" aria-label="([^"]*)"')


def chart(svg_markup: Markup) -> Chart:
    """Wrap a chart of `netgain.report.svg` (its id and title are its own attributes): every
    mark carries a `<title>` with its exact figure, so the text equivalent is those titles in
    order, plus the rows without enough data, or the reason the chart is empty."""
    text = str(svg_markup)
    head = _SVG_ID.search(text)
    if head is None:
        raise ValueError("not a netgain.report.svg chart")
    chart_id, title = html.unescape(head.group(1)), html.unescape(head.group(2))
    empty = _EMPTY.search(text)
    lines = [html.unescape(t) for t in _TITLE.findall(text)]
    lines += [f"{html.unescape(label)}: insufficient data" for label in _INSUFFICIENT.findall(text)]
    return Chart(
        chart_id, title, svg_markup, lines, html.unescape(empty.group(1)) if empty else None
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("netgain.service.web.dashboard", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    env.filters["estimate"] = fmt_estimate  # the offline report's wording, exactly
    env.filters["num"] = _num
    # the sign-out form's token: a session's own (an API token's caller gets no form)
    env.globals["csrf_token"] = csrf_token
    return env


def _pct(value: Any, digits: int = 0) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:.{digits}%}"


def _num(value: Any, digits: int = 1) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    if isinstance(value, int) or value == int(value):
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


ENV = _environment()


def page(template: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
    """The rendered page with the dashboard's security headers."""
    body = ENV.get_template(template).render(version=__version__, **context)
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def static_file(name: str) -> tuple[bytes, str] | None:
    """A file shipped in the package's `static` folder, by its exact name (no paths)."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in STATIC_TYPES:
        return None
    resource = resources.files("netgain.service.web.dashboard").joinpath("static", name)
    if not resource.is_file():
        return None
    return resource.read_bytes(), STATIC_TYPES[suffix]
