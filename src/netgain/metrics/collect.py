"""Filling a Dataset from the store (history, incidents, links, SZZ, features, PRs), a PR review
export, and git (rework and vulnerability density by blame).

A table that holds nothing for the repository is a missing source (None), never an empty one:
"no incidents imported" and "no incidents happened" must read differently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.errors import UsageError
from netgain.git.model import GitProblem
from netgain.history.queries import CommitProvenance, load_provenance
from netgain.history.share import LineClassifier
from netgain.incidents.deployments import Deployment, file_deployments, tag_deployments
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import (
    Change,
    Dataset,
    Incident,
    LineFate,
    PullRequest,
    SurvivingLines,
    period_end,
    period_key,
    period_start,
)
from netgain.metrics.review_export import read_review_exports
from netgain.policy.record import DECISIONS_FILE, read_decisions
from netgain.store.models import Attribution, FileChange
from netgain.store.models import Commit as CommitRow
from netgain.store.outcome_models import Feature, IncidentLink, SzzLink
from netgain.store.outcome_models import Incident as IncidentRow
from netgain.store.outcome_models import PullRequest as PullRequestRow

SZZ_PREFERRED = "netgain"  # the default variant; other variants only when it never ran


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def load_changes(engine: Engine, repository_id: int, config: MetricsConfig) -> list[Change]:
    """Non-merge commits with their attribution, feature flag and touched files."""
    with Session(engine) as session:
        features = set(
            session.scalars(
                select(Feature.subject_id).where(
                    Feature.repository_id == repository_id,
                    Feature.subject_kind == "commit",
                    Feature.is_feature.is_(True),
                )
            )
        )
        files: dict[int, list[str]] = defaultdict(list)
        for commit_id, path in session.execute(
            select(FileChange.commit_id, FileChange.path)
            .join(CommitRow, CommitRow.id == FileChange.commit_id)
            .where(CommitRow.repository_id == repository_id, CommitRow.is_merge.is_(False))
        ):
            files[commit_id].append(path)
        rows = session.execute(
            select(
                CommitRow.id,
                CommitRow.sha,
                CommitRow.author_name,
                CommitRow.author_email,
                CommitRow.author_date,
                CommitRow.lines_added,
                Attribution.ai_lines,
                Attribution.human_lines,
                Attribution.unknown_lines,
            )
            .outerjoin(Attribution, Attribution.commit_id == CommitRow.id)
            .where(CommitRow.repository_id == repository_id, CommitRow.is_merge.is_(False))
        ).all()
    changes = []
    for cid, sha, name, email, when, added, ai, human, unknown in rows:
        identity = f"{name} <{email}>"
        changes.append(
            Change(
                sha=sha,
                author=email.lower(),
                date=_aware(when) or datetime.now(UTC),
                lines_added=added,
                ai_lines=ai or 0,
                human_lines=human or 0,
                unknown_lines=unknown if ai is not None else added,
                is_feature=sha in features,
                is_bot=any(marker in identity for marker in config.bot_authors),
                files=tuple(files.get(cid, ())),
            )
        )
    changes.sort(key=lambda c: (c.date, c.sha))
    return changes


def load_incidents(engine: Engine, repository_id: int) -> list[Incident] | None:
    with Session(engine) as session:
        rows = session.scalars(
            select(IncidentRow).where(IncidentRow.repository_id == repository_id)
        ).all()
        if not rows:
            return None
        links: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for incident_id, sha, role, evidence in session.execute(
            select(
                IncidentLink.incident_id,
                IncidentLink.commit_sha,
                IncidentLink.role,
                IncidentLink.evidence,
            ).where(IncidentLink.repository_id == repository_id)
        ):
            links[incident_id][role].add(sha)
            links[incident_id]["evidence"].add(evidence)
        return [
            Incident(
                id=row.external_id,
                started_at=_aware(row.started_at),
                resolved_at=_aware(row.resolved_at),
                severity=row.severity,
                causes=tuple(sorted(links[row.id]["cause"])),
                fixes=tuple(sorted(links[row.id]["fix"])),
                evidence=tuple(sorted(links[row.id]["evidence"])),
            )
            for row in rows
        ]


def load_inducing(engine: Engine, repository_id: int) -> dict[str, int] | None:
    """inducing sha -> number of distinct fixes, from the preferred SZZ variant when it ran."""
    with Session(engine) as session:
        rows = session.execute(
            select(SzzLink.variant, SzzLink.fix_sha, SzzLink.inducing_sha).where(
                SzzLink.repository_id == repository_id
            )
        ).all()
    if not rows:
        return None
    variants = {r[0] for r in rows}
    variant = SZZ_PREFERRED if SZZ_PREFERRED in variants else sorted(variants)[0]
    fixes: dict[str, set[str]] = defaultdict(set)
    for v, fix, inducing in rows:
        if v == variant:
            fixes[inducing].add(fix)
    return {sha: len(f) for sha, f in fixes.items()}


def load_pull_requests(engine: Engine, repository_id: int) -> list[PullRequest] | None:
    with Session(engine) as session:
        rows = session.scalars(
            select(PullRequestRow).where(PullRequestRow.repository_id == repository_id)
        ).all()
        if not rows:
            return None
        feature_prs = set(
            session.scalars(
                select(Feature.subject_id).where(
                    Feature.repository_id == repository_id,
                    Feature.subject_kind == "pr",
                    Feature.is_feature.is_(True),
                )
            )
        )
        return [
            PullRequest(
                number=row.number,
                merged_at=_aware(row.merged_at),
                author=row.author_email,
                commits=tuple(row.commit_shas),
                labels=tuple(row.labels),
                is_feature=str(row.number) in feature_prs,
            )
            for row in rows
        ]


def merge_reviews(
    stored: list[PullRequest] | None, exported: list[PullRequest]
) -> list[PullRequest]:
    """Exported PRs win for reviews; commits come from the store when the export has none."""
    by_number = {pr.number: pr for pr in stored or []}
    for pr in exported:
        known = by_number.get(pr.number)
        merged = pr
        if known is not None:
            merged = pr.filled_from(known, pr.reviews)
        by_number[pr.number] = merged
    return sorted(by_number.values(), key=lambda p: p.number)


def load_deployments(
    repo: Path, deploy_tags: str | None, deployments_file: Path | None
) -> tuple[list[datetime], list[str]]:
    """Deployment times from tags and a deployments file, one per (commit, time); unreadable
    file rows come back as notes naming their line."""
    found: list[Deployment] = []
    notes: list[str] = []
    if deploy_tags:
        found += tag_deployments(repo, deploy_tags)
    if deployments_file is not None:
        rows, problems = file_deployments(repo, deployments_file)
        found += rows
        notes += [f"deployments: {p}" for p in problems]
    unique = sorted({(d.deployed_at, d.sha) for d in found})
    return [moment for moment, _sha in unique], notes


def _first_parent_at(repo: Path, head: str, moment: datetime) -> str | None:
    out = git.run_git(
        repo, "rev-list", "-1", "--first-parent", f"--before={int(moment.timestamp())}", head
    )
    sha = out.decode().strip()
    return sha or None


def _tree_files(repo: Path, rev: str) -> set[str]:
    out = git.run_git(repo, "ls-tree", "-r", "-z", "--name-only", rev)
    return {git.decode_path(p) for p in out.split(b"\0") if p}


def measure_rework(
    repo: Path,
    head: str,
    changes: Sequence[Change],
    provenance: dict[str, CommitProvenance],
    by: str,
    config: MetricsConfig,
) -> tuple[list[LineFate], str, list[GitProblem]]:
    """Blame-based rework for the most recent complete periods.

    For a period P the files its changes touched are blamed at the first-parent commit just
    before P's end + `rework_days`, restricted to commits after P's start; a line of a change in
    P that is no longer there (nor moved: blame follows moves and copies) was reworked.
    """
    if not changes:
        return [], "no changes", []
    last = max(c.date for c in changes)
    window = timedelta(days=config.rework_days)
    by_period: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_period[period_key(c.date, by)].append(c)

    def end_of(key: str) -> datetime:
        return datetime.combine(period_end(key), time(), UTC)

    complete = sorted(k for k in by_period if end_of(k) + window <= last)
    chosen = complete[-config.rework_periods :] if config.rework_periods else []
    if not chosen:
        return [], f"no period is {config.rework_days} days old yet", []
    classifier = LineClassifier(provenance)
    fates: list[LineFate] = []
    problems: list[GitProblem] = []
    for key in chosen:
        snapshot = _first_parent_at(repo, head, end_of(key) + window)
        if snapshot is None:
            continue
        start = datetime.combine(period_start(key), time(), UTC)
        base = _first_parent_at(repo, head, start - timedelta(seconds=1))
        members = {c.sha: c for c in by_period[key]}
        present = _tree_files(repo, snapshot)
        paths = sorted({p for c in members.values() for p in c.files if p in present})
        surviving: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for _path, blamed in git.blame_files(repo, snapshot, paths, since=base):
            if isinstance(blamed, GitProblem):
                problems.append(blamed)
                continue
            for line in blamed:
                if line.boundary or line.sha not in members:
                    continue
                kind, _tool = classifier.classify(line)
                surviving[line.sha][kind] += 1
        for sha, c in members.items():
            added = {"ai": c.ai_lines, "human": c.human_lines, "unknown": c.unknown_lines}
            kept = surviving.get(sha, {})
            reworked = {k: max(0, v - kept.get(k, 0)) for k, v in added.items()}
            fates.append(LineFate(sha, c.date, added, reworked))
    return fates, "", problems


def measure_vulnerabilities(
    repo: Path,
    head: str,
    provenance: dict[str, CommitProvenance],
    scan_paths: Sequence[str],
) -> SurvivingLines:
    """Scan the Python files under `scan_paths` at the work tree, blame them at `head`, and count
    surviving lines and findings per provenance kind and file."""
    from netgain.analysis.options import ScanOptions
    from netgain.analysis.scanner import scan

    tracked = sorted(
        p
        for p in _tree_files(repo, head)
        if p.endswith(".py")
        and any(p == s or p.startswith(s.rstrip("/") + "/") or s in ("", ".") for s in scan_paths)
    )
    result = scan(
        [repo / p for p in tracked if (repo / p).is_file()], root=repo, options=ScanOptions()
    )
    findings_at: dict[str, list[int]] = defaultdict(list)
    for finding in result.findings:
        if finding.suppressed is None:
            findings_at[finding.location.path].append(finding.location.line)
    classifier = LineClassifier(provenance)
    files: dict[str, dict[str, int]] = {}
    lines: dict[str, int] = defaultdict(int)
    findings: dict[str, int] = defaultdict(int)
    problems: list[str] = [f"{u.path}: {u.reason}" for u in result.unparsed]
    for path, blamed in git.blame_files(repo, head, tracked):
        if isinstance(blamed, GitProblem):
            problems.append(f"{path}: {blamed.message}")
            continue
        counts: dict[str, int] = defaultdict(int)
        kind_of_line: dict[int, str] = {}
        for line in blamed:
            kind, _tool = classifier.classify(line)
            kind_of_line[line.final_line] = kind
            counts[f"{kind}_lines"] += 1
            lines[kind] += 1
        for number in findings_at.get(path, []):
            kind = kind_of_line.get(number, "unknown")
            counts[f"{kind}_findings"] += 1
            findings[kind] += 1
        files[path] = dict(counts)
    for kind in ("ai", "human", "unknown"):
        lines.setdefault(kind, 0)
        findings.setdefault(kind, 0)
    return SurvivingLines(dict(lines), dict(findings), files, len(tracked), tuple(problems))


def collect(
    engine: Engine,
    repository_id: int,
    repo: Path,
    config: MetricsConfig,
    *,
    by: str,
    review_exports: Sequence[Path] = (),
    rework: bool = True,
    scan_paths: Sequence[str] | None = None,
    deploy_tags: str | None = None,
    deployments_file: Path | None = None,
    decisions_file: Path | None = None,
) -> Dataset:
    """Everything the metrics need for one repository.

    Deployments come from tags matching `deploy_tags` and rows of `deployments_file` (the same
    sources `netgain incidents link` uses); with neither, deployment frequency says so.
    The review gate's decisions come from `decisions_file` (default REPO/.netgain/decisions.jsonl,
    which `netgain check` appends to); corrupt lines become notes naming their line.
    """
    changes = load_changes(engine, repository_id, config)
    data = Dataset(
        changes=changes,
        incidents=load_incidents(engine, repository_id),
        inducing=load_inducing(engine, repository_id),
        pull_requests=load_pull_requests(engine, repository_id),
    )
    if review_exports:
        exported, problems = read_review_exports(review_exports)
        data.notes.extend(problems)
        data.pull_requests = merge_reviews(data.pull_requests, exported)
        data.reviews_present = any(pr.reviews for pr in data.pull_requests)
    if deploy_tags or deployments_file is not None:
        data.deployments, notes = load_deployments(repo, deploy_tags, deployments_file)
        data.notes.extend(notes)
    if decisions_file is not None and not decisions_file.is_file():
        raise UsageError(f"{decisions_file}: no such decision log (netgain check writes one)")
    log = read_decisions(decisions_file or repo / DECISIONS_FILE)
    if log is not None:
        data.decisions = log.decisions
        data.notes.extend(f"policy decisions: {p}" for p in log.problems)
    head = git.rev_parse(repo, "HEAD")
    needs_blame = head is not None and (rework or scan_paths is not None)
    provenance = (
        load_provenance(engine, repository_id, [c.sha for c in changes]) if needs_blame else {}
    )
    if head is not None and rework:
        fates, note, blame_problems = measure_rework(repo, head, changes, provenance, by, config)
        data.rework = fates if fates else None
        data.rework_note = note
        data.notes.extend(f"rework: {p.path or ''}: {p.message}" for p in blame_problems)
    elif not rework:
        data.rework_note = "not measured (--no-rework)"
    if head is not None and scan_paths is not None:
        data.surviving = measure_vulnerabilities(repo, head, provenance, scan_paths)
    from netgain.risk.summary import risk_summary  # fits models: imported only when collecting

    data.risk = risk_summary(repo, engine, repository_id)
    return data
