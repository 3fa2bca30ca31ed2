"""Where each figure comes from, and what would fill a section that is still empty.

A report opened on day one must say, for every section, either where its numbers were read
("deployments: git: 104 release tags") or the one thing that would fill it ("to fill this: run
`netgain incidents import FILE`"): a reader cannot otherwise tell an empty section from a broken
one, nor a figure recovered from commit messages from one imported from the tracker. The document
carries this as `sections` (one entry per report section, in report order), and the families that
have a source repeat it as their own `source`.
"""

from __future__ import annotations

from typing import Any

from netgain.metrics.inputs import Dataset, SurvivingLines

FILLED, PARTIAL, EMPTY = "filled", "partial", "empty"

FILL_PRS = (
    "run `netgain prs import prs.json` (gh api --paginate "
    "'repos/OWNER/REPO/pulls?state=all&per_page=100' > prs.json)"
)
FILL_FEATURES = (
    "run `netgain prs import prs.json` (PR labels such as `feature`, `enhancement` mark features)"
)
FILL_DEPLOYMENTS = (
    "pass `--deployments deploys.csv` (sha,deployed_at) or set `[incidents] deploy_tags`"
)
FILL_INCIDENTS = "run `netgain incidents import FILE` (PagerDuty, Jira, GitHub issues or CSV)"
FILL_SZZ = "run `netgain incidents import FILE`: incidents name their fixes, SZZ follows them"
FILL_SCAN = "pass `--scan PATH` (scans the Python files under PATH, blames each finding)"
FILL_REPORTED = (
    "run `netgain findings import FILE --source pentest|bounty` (CSV, JSON or SARIF; "
    "docs/findings.md)"
)
FILL_REVIEWS = "pass `--reviews FILE` (GitHub's list-reviews JSON per PR)"
FILL_RISK = "run `netgain risk train`"
FILL_POLICY = "run `netgain check` in CI: every decision is recorded in .netgain/decisions.jsonl"
FILL_AI = (
    "nothing in this history marks AI-written code: commit trailers (Co-Authored-By: Claude ...), "
    "git-ai notes (refs/notes/ai) or markers in netgain.toml `[provenance]` would"
)


def _entry(title: str, status: str, source: str | None, fill: str | None) -> dict[str, Any]:
    return {"title": title, "status": status, "source": source, "fill": fill}


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def pull_request_source(origins: dict[str, Any]) -> str | None:
    """ "git: 943 merge commits, 12 squash subjects; import: 40 from a PR export", or None."""
    counts: dict[str, int] = origins.get("pull_requests") or {}
    parts = []
    git_parts = []
    if counts.get("merge-commit"):
        git_parts.append(_count(counts["merge-commit"], "merge commit"))
    if counts.get("squash-subject"):
        git_parts.append(_count(counts["squash-subject"], "squash subject") + " `(#N)`")
    if git_parts:
        parts.append("git: " + ", ".join(git_parts))
    if counts.get("export"):
        parts.append(f"import: {counts['export']} from a PR export")
    return "; ".join(parts) or None


def feature_source(origins: dict[str, Any]) -> str | None:
    """ "git: conventional commits (120 typed, 31 features); import: PR labels (...)", or None."""
    names = {
        "conventional-commit": "git: conventional commits",
        "label": "import: PR labels",
        "issue-type": "import: tracker issue types",
    }
    parts = []
    for source, counts in sorted((origins.get("features") or {}).items()):
        said = []
        for kind, one in (("commit", "commit"), ("pr", "PR")):
            typed = counts[f"{kind}s"]
            if typed:
                said.append(f"{_count(typed, one)} typed, {counts[f'{kind}_features']} feature")
        parts.append(f"{names.get(source, source)} ({'; '.join(said)})")
    return "; ".join(parts) or None


def rework_source(rework: dict[str, Any]) -> str:
    """How rework was measured, with its sample."""
    days = rework["window_days"]
    return (
        f"git: history replay, {_count(rework['all']['n'], 'change')} whose {days}-day window "
        f"has closed (lines removed, not moved, within {days} days of being written)"
    )


def attach_sources(doc: dict[str, Any]) -> None:
    """Repeat each filled section's source on its family, so a reader of one family sees it."""
    found = doc["sections"]
    families = {
        "defect_density": doc["quality"]["defect_density"],
        "vulnerability_density": doc["quality"]["vulnerability_density"],
        "reported_findings": doc["quality"]["reported_findings"],
        "rework": doc["rework"],
        "deployments": doc["dora"]["deployment_frequency"],
        "lead_time": doc["dora"]["lead_time_hours"],
    }
    for name, family in families.items():
        entry = found[name]
        family["source"] = entry["source"]
        if entry["fill"]:
            family["fill"] = entry["fill"]


def _ai_entry(data: Dataset) -> dict[str, Any]:
    marked = sum(1 for c in data.changes if c.ai_lines or c.human_lines)
    title = "AI share of added lines"
    if not marked:
        return _entry(
            title, EMPTY, f"git: no AI or human evidence on {len(data.changes)} changes", FILL_AI
        )
    return _entry(
        title,
        FILLED,
        f"git: trailers, bot authors and notes mark {marked} of {len(data.changes)} changes",
        None,
    )


def _features_entry(data: Dataset) -> dict[str, Any]:
    """Filled when some change is a feature and most changes say whether they are one; partial
    when most say nothing (the feature count is then a lower bound)."""
    source = feature_source(data.origins)
    if not data.features_known:
        return _entry(
            "Features",
            EMPTY,
            source or "git: no commit or PR subject has a conventional-commit type",
            FILL_FEATURES,
        )
    by_source = data.origins.get("features") or {}
    if not by_source:  # a dataset built without the store (tests, benchmarks)
        return _entry("Features", FILLED, None, None)
    typed = max(counts["commits"] for counts in by_source.values())
    if typed * 2 < len(data.changes):
        return _entry(
            "Features",
            PARTIAL,
            source,
            f"only {typed} of {len(data.changes)} commits say whether they are a feature, so the "
            f"count is a lower bound: {FILL_FEATURES.removeprefix('run ')}",
        )
    return _entry("Features", FILLED, source, None)


def _reported_entry(data: Dataset) -> dict[str, Any]:
    title = "Findings reported after the merge"
    if data.reported is None:
        return _entry(title, EMPTY, None, FILL_REPORTED)
    sources = sorted({f.source for f in data.reported})
    traced = sum(1 for f in data.reported if f.cause is not None)
    return _entry(
        title,
        FILLED,
        f"import: {_count(len(data.reported), 'finding')} ({', '.join(sources)}), "
        f"{traced} traced to the change that introduced them",
        None,
    )


def _risk_entry(risk: dict[str, Any]) -> dict[str, Any]:
    """Filled by `netgain risk evaluate`'s figures; empty says why (no labels yet: train; too
    little labelled history: the reason itself, since training would not help)."""
    title = "Change risk"
    status = str(risk.get("status"))
    if status == "ok":
        return _entry(
            title, FILLED, "git: change metrics labelled by SZZ (time-ordered split)", None
        )
    if status.startswith("no trained risk model") or status == "not computed":
        return _entry(title, EMPTY, None, FILL_RISK)
    return _entry(title, EMPTY, None, status)


def _szz_entry(data: Dataset) -> dict[str, Any]:
    szz = data.origins.get("szz") or {}
    title = "Defect density"
    fixes, analysed, pending = (
        szz.get("fix_commits", 0),
        szz.get("analysed", 0),
        szz.get("pending", 0),
    )
    then = (
        "run without `--no-szz`, or `netgain risk train`"
        if szz.get("skipped")
        else "the next `netgain report` continues (within [metrics] szz_seconds), "
        "or run `netgain risk train`"
    )
    if data.inducing is None:
        if not fixes:
            return _entry(title, EMPTY, "git: no commit message reads as a fix", FILL_SZZ)
        return _entry(title, EMPTY, None, f"{_count(fixes, 'fix commit')} not analysed: {then}")
    inducing = _count(len(data.inducing), "bug-introducing change")
    source = (
        f"git: SZZ on {analysed} of {_count(fixes, 'fix commit')} ({inducing})"
        if szz
        else f"store: SZZ runs ({inducing})"
    )
    if pending:
        return _entry(
            title, PARTIAL, source, f"{_count(pending, 'fix commit')} not analysed yet: {then}"
        )
    return _entry(title, FILLED, source, None)


def comprehension_entry(section: dict[str, Any]) -> dict[str, Any]:
    """Filled when some design-doc zone file holds AI-written lines; otherwise the reason."""
    title = "Comprehension risk in design-doc zones"
    status = str(section.get("status"))
    if status != "ok":
        return _entry(title, EMPTY, None, status)
    examined = section["zone_files"] - section.get("not_examined", 0)
    source = (
        f"git: blame at HEAD of {_count(examined, 'design-doc zone file')} "
        f"({section['with_ai_lines']} with AI-written lines), policy {section['policy']}"
    )
    if section.get("not_examined") or section.get("problems"):
        skipped = section.get("not_examined", 0) + len(section.get("problems", []))
        return _entry(title, PARTIAL, source, f"{_count(skipped, 'zone file')} not examined")
    return _entry(title, FILLED, source, None)


def sections(data: Dataset, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One entry per report section: title, status (filled / partial / empty), source, fill."""
    origins = data.origins
    out: dict[str, dict[str, Any]] = {}
    merges = origins.get("merge_commits")
    merge_note = f" ({_count(merges, 'merge')} not counted)" if merges else ""
    out["throughput"] = _entry(
        "Changes and lines",
        FILLED,
        f"git: {_count(len(data.changes), 'non-merge commit')}{merge_note}",
        None,
    )
    out["ai_share"] = _ai_entry(data)
    prs = pull_request_source(origins)
    out["pull_requests"] = (
        _entry("Pull requests", FILLED, prs, None)
        if data.pull_requests
        else _entry("Pull requests", EMPTY, None, FILL_PRS)
    )
    out["features"] = _features_entry(data)
    deploy_source = origins.get("deployments") or None
    out["deployments"] = (
        _entry("Deployment frequency", FILLED, deploy_source, None)
        if data.deployments
        else _entry("Deployment frequency", EMPTY, deploy_source, FILL_DEPLOYMENTS)
    )
    lead = doc["dora"]["lead_time_hours"]
    if "status" in lead and "value" not in lead:
        out["lead_time"] = _entry("Lead time for changes", EMPTY, None, FILL_DEPLOYMENTS)
    else:
        based_on = deploy_source if lead.get("from", "").startswith("commit to") else prs
        out["lead_time"] = _entry(
            "Lead time for changes", FILLED, f"{lead['from']} ({based_on})", None
        )
    out["incidents"] = (
        _entry(
            "Incidents and change failure rate",
            FILLED,
            f"import: {_count(len(data.incidents), 'incident')}",
            None,
        )
        if data.incidents is not None
        else _entry("Incidents and change failure rate", EMPTY, None, FILL_INCIDENTS)
    )
    out["defect_density"] = _szz_entry(data)
    out["vulnerability_density"] = (
        _entry(
            "Vulnerability density",
            FILLED,
            _scan_source(data.surviving),
            None,
        )
        if data.surviving is not None
        else _entry("Vulnerability density", EMPTY, None, FILL_SCAN)
    )
    out["reported_findings"] = _reported_entry(data)
    rework = doc["rework"]
    if "status" not in rework:
        out["rework"] = _entry("Rework", FILLED, rework_source(rework), None)
    elif "--no-rework" in rework["status"]:
        out["rework"] = _entry("Rework", EMPTY, None, "run without `--no-rework`")
    else:
        out["rework"] = _entry("Rework", EMPTY, None, rework["status"])
    out["review"] = (
        _entry("Review load", FILLED, "import: review export (--reviews)", None)
        if data.reviews_present
        else _entry("Review load", EMPTY, None, FILL_REVIEWS)
    )
    out["risk"] = _risk_entry(doc["risk"])
    out["policy"] = (
        _entry(
            "Policy outcomes", FILLED, f"log: {_count(len(data.decisions), 'gate decision')}", None
        )
        if data.decisions
        else _entry("Policy outcomes", EMPTY, None, FILL_POLICY)
    )
    return out


def _scan_source(surviving: SurvivingLines) -> str:
    """Where the vulnerability density comes from, and the code it could not cover."""
    text = f"scan: {_count(surviving.scanned_files, 'file')} analysed, findings blamed"
    if surviving.not_analysed:
        other = ", ".join(f"{language} {n}" for language, n in surviving.not_analysed.items())
        files = _count(sum(surviving.not_analysed.values()), "file")
        text += f"; {files} in languages netgain does not analyse, not counted ({other})"
    return text
