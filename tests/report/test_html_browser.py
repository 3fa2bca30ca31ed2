"""The HTML report in a real headless Chromium: loads without errors, every chart draws marks,
the screenshot is not blank, and the page carries exactly the metrics document it was built from."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from netgain.metrics import (
    Change,
    Dataset,
    Incident,
    LineFate,
    MetricsConfig,
    PullRequest,
    ReportedFinding,
    Review,
    SurvivingLines,
    compute_metrics,
)
from netgain.report.html import render_html, write_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.usefixtures("require_chromium")


@pytest.fixture
def require_chromium() -> None:
    """The browser tests are part of the suite: a missing browser fails them, never skips."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run scripts/ensure-chromium.sh (make test does)")


T0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
HOSTILE = "src/<script>alert(1)</script>.py"
CHART_IDS = {
    "chart-throughput",
    "chart-ai-share",
    "chart-net",
    "chart-cfr",
    "chart-defects",
    "chart-vulns",
    "chart-reported",
    "chart-rework",
    "chart-review",
    "chart-risky",
    "chart-policy-decisions",
    "chart-policy-required",
    "chart-policy-rules",
}


def gate_decisions() -> list[dict[str, Any]]:
    """Review-gate decision records as `netgain check` writes them, one per change range."""
    out = []
    for k in range(40):
        verdict = ("approved", "pending", "blocked")[k % 3]
        rules = [
            {"name": "security-scan", "status": "blocked" if verdict == "blocked" else "approved"},
            {"name": "tiered-review", "status": "pending" if k % 2 else "skipped"},
            {"name": HOSTILE, "status": "error" if k % 7 == 0 else "approved"},
        ]
        out.append(
            {
                "base": f"{k:040x}",
                "head": f"{k + 1:040x}",
                "recorded_at": (T0 + timedelta(days=k + 0.5)).isoformat(),
                "verdict": verdict,
                "passed": verdict == "approved",
                "requires": ["senior_review"] if k % 2 else ["design_doc", "owner_approval"],
                "rules": rules,
                "ai_share": (k * 13 % 100) / 100,
                "risk_tier": ("low", "medium", "high")[k % 3],
            }
        )
    return out


def full_document() -> dict[str, Any]:
    """A dataset with every source present, big enough for intervals in each family."""
    changes = []
    for i in range(120):
        ai = (i * 37) % 100
        changes.append(
            Change(
                sha=f"{i:040x}",
                author=f"dev{i % 6}@example.com",
                date=T0 + timedelta(days=i // 2),
                lines_added=100,
                ai_lines=ai,
                human_lines=100 - ai if i % 9 else 20,
                unknown_lines=0 if i % 9 else 80 - ai if ai < 80 else 0,
                is_feature=i % 3 == 0,
                files=(HOSTILE if i % 5 == 0 else f"pkg/mod{i % 7}.py",),
            )
        )
    incidents = [
        Incident(
            f"INC-{k}",
            T0 + timedelta(days=3 * k + 1),
            T0 + timedelta(days=3 * k + 1, hours=1 + k % 5),
            causes=(changes[k * 6].sha,),
            fixes=(changes[k * 6 + 1].sha,),
        )
        for k in range(20)
    ]
    prs = [
        PullRequest(
            n,
            T0 + timedelta(days=n),
            commits=(changes[2 * n].sha, changes[2 * n + 1].sha),
            reviews=(
                Review("sam", T0 + timedelta(days=n), "senior", hours=1.0 + n % 3),
                Review("ola", T0 + timedelta(days=n), "other"),
            ),
        )
        for n in range(50)
    ]
    inducing = {c.sha: 1 for c in changes[::4]}
    fates = [
        LineFate(
            c.sha,
            c.date,
            {"ai": c.ai_lines, "human": c.human_lines, "unknown": c.unknown_lines},
            {"ai": c.ai_lines // 4, "human": c.human_lines // 8},
        )
        for c in changes
    ]
    files = {
        f"pkg/f{i}.py": {
            "ai_lines": 50 + i,
            "human_lines": 80,
            "unknown_lines": 5,
            "ai_findings": i % 2,
            "human_findings": 1 if i % 5 == 0 else 0,
        }
        for i in range(30)
    }
    surviving = SurvivingLines(
        {"ai": 2000, "human": 2400, "unknown": 150}, {"ai": 15, "human": 6, "unknown": 0}, files, 30
    )
    data = Dataset(
        changes=changes,
        incidents=incidents,
        inducing=inducing,
        pull_requests=prs,
        reviews_present=True,
        rework=fates,
        surviving=surviving,
        decisions=gate_decisions(),
        deployments=[T0 + timedelta(days=d, hours=15) for d in range(0, 60, 4)],
        reported=[
            ReportedFinding(
                f"PT-{k}",
                ("pentest", "bounty")[k % 2],
                ("critical", "high", "medium")[k % 3],
                T0 + timedelta(days=40 + k),
                changes[k * 3].sha if k % 7 else None,
                "blame" if k % 7 else None,
                "" if k % 7 else "endpoint only: no file",
            )
            for k in range(40)
        ],
    )
    return compute_metrics(
        data, MetricsConfig(bootstrap_iterations=200), by="week", repository="demo"
    )


def _chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def clean_dom(page: Path, tmp_path: Path) -> str:
    """The page's DOM after Chromium ran it, asserting its scripts ran to the end cleanly."""
    run = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    html_tag = re.search(r"<html[^>]*>", run.stdout)
    assert html_tag is not None and 'data-ready="1"' in html_tag.group(0)
    assert "data-errors" not in html_tag.group(0)
    return run.stdout


def _png_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@needs_chromium
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    doc = full_document()
    page = write_html(doc, tmp_path / "report.html")
    dom_run = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path)
    assert dom_run.returncode == 0, dom_run.stderr[-2000:]
    dom = dom_run.stdout
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag is not None
    assert 'data-ready="1"' in html_tag.group(0), "the page's scripts did not run to the end"
    assert "data-errors" not in html_tag.group(0), "a page error was recorded"
    assert not re.search(r"CONSOLE\(\d+\).*(Error|error)", dom_run.stderr), dom_run.stderr[-2000:]
    # plus the board's chart, which says "insufficient data" on nine weeks (test_board_browser)
    assert re.search(r'data-charts="(\d+)"', dom).group(1) == str(len(CHART_IDS) + 1)  # type: ignore[union-attr]
    for chart_id in CHART_IDS:
        match = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', dom, re.S)
        assert match is not None, f"{chart_id} missing"
        marks = re.findall(r'data-mark="(bar|point|interval)"', match.group(0))
        assert marks, f"{chart_id} drew no data marks"
    assert "built-in method" not in dom and "Undefined" not in dom
    # 15 deployments every 4 days from 2024-01-01 (W01) to 2024-02-26 (W09): 9 weeks.
    assert "15 deployments, 1.67 per week over 9" in dom
    assert "40 change(s) gated by" in dom
    # hostile text from the repository stays text
    assert "<script>alert(1)</script>" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.py" in dom

    shot = tmp_path / "shot.png"
    shot_run = _chromium(
        f"--screenshot={shot}", "--window-size=1000,2400", page.as_uri(), tmp_path=tmp_path
    )
    assert shot_run.returncode == 0, shot_run.stderr[-2000:]
    width, height, pixels = _png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 2400)
    assert len(set(pixels)) > 16, "screenshot is uniform: nothing was drawn"


@needs_chromium
def test_the_error_recorder_catches_a_broken_script(tmp_path: Path) -> None:
    """The clean-page check above can fail: a page with a throwing script is flagged."""
    html = render_html(full_document()).replace(
        "</body>", "<script>undefinedFunction();</script></body>"
    )
    page = tmp_path / "broken.html"
    page.write_text(html, encoding="utf-8")
    run = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path)
    html_tag = re.search(r"<html[^>]*>", run.stdout)
    assert html_tag is not None and 'data-errors="1"' in html_tag.group(0)


def test_report_embeds_exactly_the_metrics_document() -> None:
    doc = full_document()
    html = render_html(doc)
    match = re.search(
        r'<script type="application/json" id="netgain-metrics">(.*?)</script>', html, re.S
    )
    assert match is not None
    assert json.loads(match.group(1)) == json.loads(json.dumps(doc, default=str))
    assert "<script>alert" not in match.group(1)  # escaped inside JSON too
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html  # offline: nothing fetched


def test_report_without_sources_explains_each_empty_chart() -> None:
    doc = compute_metrics(
        Dataset(changes=[Change("a" * 40, "x@example.com", T0, 10, 0, 10, 0)]), MetricsConfig()
    )
    html = render_html(doc)
    for message in ("no incident data", "no review data", "no scan", "not measured"):
        assert message in html
    assert html.count('data-empty="1"') >= 4
    assert 'data-policy-empty="1"' in html and "no review-gate decisions recorded" in html
    assert "chart-policy" not in html


@needs_chromium
def test_day_one_report_says_where_each_figure_comes_from(tmp_path: Path) -> None:
    """`netgain report` on a library with nothing imported, opened in Chromium: the page runs
    clean, every chart draws marks or says why not, and each section shows its source or the
    step that would fill it."""
    from tests.history.conftest import netgain
    from tests.metrics.test_dayone import build_library

    repo, _ = build_library(tmp_path / "lib")
    page = tmp_path / "report.html"
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("report", "--db", db, "--output", str(page), cwd=repo.path)
    dom = clean_dom(page, tmp_path)
    rows = re.findall(
        r'<tr data-section="([a-z_]+)" data-status="([a-z]+)"[^>]*>(.*?)</tr>', dom, re.S
    )
    assert len(rows) == 16  # 14 families, comprehension risk, AI review
    for key, status, cells in rows:
        if status == "empty":
            assert "to fill this:" in cells, key
        else:
            assert "git: " in cells or "store: " in cells, key
    filled = {key for key, status, _ in rows if status == "filled"}
    assert {"pull_requests", "deployments", "lead_time", "defect_density", "rework"} <= filled
    for chart in re.findall(r'<svg class="chart".*?</svg>', dom, re.S):
        assert re.search(r'data-mark="(bar|point|interval)"|data-empty="1"', chart), chart[:200]
    assert '<p class="source" data-source="deployments">' in dom
    assert "2 deployments, " in dom and "commit to the first deployment containing it" in dom
