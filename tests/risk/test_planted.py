"""Planted defects through the real pipeline: SZZ recovers them, and the report draws risk charts.

`benchmarks/planted_history.py` writes a git history in which risky changes plant defective lines
that later `fix:` commits rewrite. `netgain risk train` (ingest + SZZ + fit) must label most of the
planted commits and few others; the report's risk section must then draw its two charts in a real
headless Chromium from the evaluation of those labels, and say why it is empty without them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.planted_history import Planted, make_planted_history
from benchmarks.risk import szz_inducing
from netgain.cli.history import open_workspace
from netgain.metrics.compute import compute_metrics
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change, Dataset
from netgain.report.html import render_html, write_html
from netgain.risk.summary import NO_LABELS, risk_summary
from tests.history.conftest import netgain_json
from tests.report.test_html_browser import (
    CHART_IDS,
    T0,
    clean_dom,
    full_document,
    require_chromium,
)

__all__ = ["require_chromium"]  # the fixture, imported so the browser test can use it


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted, dict[str, object]]:
    repo = tmp_path_factory.mktemp("planted") / "repo"
    truth = make_planted_history(repo, commits=600, seed=5)
    trained = netgain_json("risk", "train", "--gap-days", "5", cwd=repo)
    return repo, truth, trained


def test_szz_recovers_the_planted_defects(
    planted: tuple[Path, Planted, dict[str, object]],
) -> None:
    repo, truth, trained = planted
    assert trained["fixes"] == len(truth.fixes)
    assert len(truth.inducing) >= 40, "the generator planted too few fixed defects to test"
    found = szz_inducing(repo)
    hit = set(truth.inducing) & found
    assert len(hit) / len(truth.inducing) >= 0.9, (len(hit), len(truth.inducing))
    assert len(hit) / len(found) >= 0.9, (len(hit), len(found))
    assert trained["model"] is not None, trained.get("notice")


def test_risk_summary_evaluates_stored_labels(
    planted: tuple[Path, Planted, dict[str, object]],
) -> None:
    repo, _truth, _trained = planted
    ws = open_workspace(repo, None)
    try:
        summary = risk_summary(ws.root, ws.engine, 1)
    finally:
        ws.engine.dispose()
    assert summary["status"] == "ok", summary
    assert summary["trained_model"] is True and summary["gap_days"] == 5.0
    bins = summary["calibration"]
    assert len(bins) == 5 and all(0.0 <= b["predicted"] <= 1.0 for b in bins)
    assert sum(b["commits"] for b in bins) == summary["split"]["test"]
    assert {r["bucket"] for r in summary["by_ai_share"]} >= {"none"}


def test_report_without_labels_says_why_the_risk_section_is_empty(tmp_path: Path) -> None:
    doc = compute_metrics(
        Dataset(changes=[Change("a" * 40, "x@example.com", T0, 10, 0, 10, 0)]), MetricsConfig()
    )
    html = render_html(doc)
    assert 'data-risk-empty="1"' in html and "not computed" in html
    assert "chart-risk-calibration" not in html
    doc["risk"] = {"status": NO_LABELS}
    html = render_html(doc)
    assert "netgain risk train" in html and "chart-risk-ai-share" not in html


@pytest.mark.usefixtures("require_chromium")
def test_risk_charts_render_in_headless_chromium(
    planted: tuple[Path, Planted, dict[str, object]], tmp_path: Path
) -> None:
    repo, _truth, _trained = planted
    ws = open_workspace(repo, None)
    try:
        summary = risk_summary(ws.root, ws.engine, 1)
    finally:
        ws.engine.dispose()
    doc = full_document()
    doc["risk"] = summary
    page = write_html(doc, tmp_path / "report.html")
    dom = clean_dom(page, tmp_path)
    count = re.search(r'data-charts="(\d+)"', dom)
    # the two risk charts, and the board's (insufficient data on nine weeks)
    assert count is not None and int(count.group(1)) == len(CHART_IDS) + 3
    calibration = re.search(r'<svg[^>]*id="chart-risk-calibration".*?</svg>', dom, re.S)
    assert calibration is not None
    assert len(re.findall(r'data-mark="point"', calibration.group(0))) == 5
    by_ai = re.search(r'<svg[^>]*id="chart-risk-ai-share".*?</svg>', dom, re.S)
    assert by_ai is not None
    assert re.findall(r'data-mark="bar"', by_ai.group(0))
    assert 'data-risk-empty="1"' not in dom
