"""The reported-findings family over a hand-built dataset: every number computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netgain.metrics import Change, Dataset, MetricsConfig, compute_metrics
from netgain.metrics.inputs import ReportedFinding

T0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
CONFIG = MetricsConfig(min_sample=2, bootstrap_iterations=200)


def change(sha: str, day: int, ai: int, human: int) -> Change:
    return Change(sha, "ada@example.com", T0 + timedelta(days=day), ai + human, ai, human, 0)


def found(
    ident: str, day: int, cause: str | None, severity: str = "critical", **kw: str
) -> ReportedFinding:
    return ReportedFinding(
        ident,
        kw.get("source", "pentest"),
        severity,
        T0 + timedelta(days=day),
        cause,
        "blame" if cause else None,
        "" if cause else "endpoint only: no file",
    )


def test_density_and_origins() -> None:
    changes = [
        change("a1", 1, 100, 0),
        change("a2", 2, 80, 20),  # 80% AI: the 75-100 bucket, ai provenance
        change("h1", 3, 0, 100),
        change("h2", 4, 10, 90),  # 10% AI: 0-25, human
    ]
    reported = [
        found("P1", 40, "a1"),
        found("P2", 41, "a1", severity="high"),
        found("B1", 50, "h1", source="bounty"),
        found("B2", 95, "a2", source="bounty"),  # found after the window below
        found("P3", 45, None),
    ]
    doc = compute_metrics(Dataset(changes=changes, reported=reported), CONFIG)
    family = doc["quality"]["reported_findings"]
    assert (family["findings"], family["linked"], family["unlinked"]) == (5, 4, 1)
    d = family["density"]["all"]
    # ai: 3 findings over 200 added lines; human: 1 over 200 (per 1,000 lines).
    assert d["findings"] == {"ai": 3, "human": 1, "unknown": 0}
    assert d["ai"]["value"] == 15.0 and d["human"]["value"] == 5.0
    assert d["ratio_ai_human"]["value"] == 3.0
    bounty = family["density"]["by_source"]["bounty"]
    assert bounty["findings"] == {"ai": 1, "human": 1, "unknown": 0}
    assert bounty["ai"]["value"] == 5.0

    window = compute_metrics(
        Dataset(changes=changes, reported=reported),
        CONFIG,
        since=T0 + timedelta(days=30),
        until=T0 + timedelta(days=60),
    )["quality"]["reported_findings"]
    origins = window["origins"]
    assert origins["findings"] == 4  # B2 was found on day 95
    critical = origins["by_severity"]["critical"]
    assert critical["findings"] == 3
    assert critical["by_bucket"] == {
        "0-25": 1,
        "25-50": 0,
        "50-75": 0,
        "75-100": 1,
        "unknown": 0,
        "unlinked": 1,
    }
    assert critical["by_provenance"] == {"ai": 1, "human": 1, "unknown": 0, "unlinked": 1}
    assert critical["unlinked_reasons"] == {"endpoint only": 1}
    assert origins["by_severity"]["high"]["by_bucket"]["75-100"] == 1
    # The changes were all written before the window: their findings still count in origins,
    # and the density (over the window's changes) has nothing to place.
    assert window["density"]["outside_changes"] == 4  # every traced finding (B2 too)


def test_no_imported_findings_is_a_missing_source() -> None:
    doc = compute_metrics(Dataset(changes=[change("a1", 1, 10, 0)]), CONFIG)
    assert doc["quality"]["reported_findings"] == {
        "status": "no reported findings",
        "source": None,
        "fill": doc["sections"]["reported_findings"]["fill"],
    }
    assert "netgain findings import" in doc["sections"]["reported_findings"]["fill"]
