"""The board section of the HTML report in a real headless Chromium: it runs clean, draws the
interrupted time series, and prints on exactly one page (the print stylesheet keeps only it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from netgain.metrics import Change, Dataset, MetricsConfig, compute_metrics
from netgain.report.html import render_html, write_html
from tests.report.test_html_browser import (  # noqa: F401 - require_chromium is a fixture
    _chromium,
    clean_dom,
    full_document,
    needs_chromium,
    require_chromium,
)

T0 = datetime(2023, 1, 2, 9, tzinfo=UTC)  # a Monday


def planted_document(weeks: int = 60, adopt: int = 30, jump: float = 8.0) -> dict[str, Any]:
    """Weekly Poisson(12) changes, Poisson(12 + jump) and AI-written from week `adopt` on."""
    rng = np.random.default_rng(21)
    changes = []
    for week in range(weeks):
        after = week >= adopt
        for k in range(int(rng.poisson(12 + (jump if after else 0)))):
            i = len(changes)
            changes.append(
                Change(
                    sha=f"{i:040x}",
                    author=f"dev{i % 5}@example.com",
                    date=T0 + timedelta(weeks=week, hours=k * 5),
                    lines_added=40,
                    ai_lines=30 if after else 0,
                    human_lines=10 if after else 40,
                    unknown_lines=0,
                    is_feature=i % 4 == 0,
                    files=(f"pkg{i % 3}/m.py",),
                )
            )
    data = Dataset(changes=changes, inducing={c.sha: 1 for c in changes[::9]})
    return compute_metrics(data, MetricsConfig(bootstrap_iterations=200), repository="demo")


def _pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@needs_chromium
def test_the_board_renders_and_prints_on_one_page(tmp_path: Path) -> None:
    doc = planted_document()
    board = doc["board"]
    assert board["adoption"]["week"] == "2023-W31"  # week index 30 from 2023-W01
    assert board["throughput"]["items"]["status"] == "ok"
    page = write_html(doc, tmp_path / "report.html")
    dom = clean_dom(page, tmp_path)
    chart = re.search(r'<svg[^>]*id="chart-board-throughput".*?</svg>', dom, re.S)
    assert chart is not None
    marks = re.findall(r'data-mark="(bar|line|split)"', chart.group(0))
    assert marks.count("bar") == 58 and marks.count("line") == 3 and marks.count("split") == 1
    assert re.search(r'<tr data-outcome="items" data-status="ok">', dom)
    assert 'data-quality="defects" data-status="ok"' in dom
    assert "AI adoption: week 2023-W31" in dom
    pdf = tmp_path / "board.pdf"
    run = _chromium(
        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp_path=tmp_path
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert _pdf_pages(pdf) == 1
    # the whole report, without the print stylesheet, is many pages: the stylesheet did it
    plain = tmp_path / "plain.html"
    plain.write_text(render_html(doc).replace("@media print", "@media speech"), encoding="utf-8")
    run = _chromium(
        "--no-pdf-header-footer",
        f"--print-to-pdf={tmp_path / 'plain.pdf'}",
        plain.as_uri(),
        tmp_path=tmp_path,
    )
    assert run.returncode == 0
    assert _pdf_pages(tmp_path / "plain.pdf") > 2


@needs_chromium
def test_a_short_history_board_says_insufficient_data_in_the_page(tmp_path: Path) -> None:
    doc = full_document()  # nine weeks
    page = write_html(doc, tmp_path / "report.html")
    dom = clean_dom(page, tmp_path)
    chart = re.search(r'<svg[^>]*id="chart-board-throughput".*?</svg>', dom, re.S)
    assert chart is not None and "data-empty" in chart.group(0)
    assert "insufficient data" in chart.group(0)
    rows = re.findall(r'<tr data-outcome="(\w+)" data-status="(\w+)"', dom)
    assert rows and all(status == "insufficient" for _, status in rows)
