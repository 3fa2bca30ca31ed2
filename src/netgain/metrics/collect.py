"""Filling a Dataset from the store (history, incidents, links, SZZ, features, PRs), a PR review
export, and git (rework and vulnerability density by blame).

A table that holds nothing for the repository is a missing source (None), never an empty one:
"no incidents imported" and "no incidents happened" must read differently.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.errors import UsageError
from netgain.git.model import GitProblem
from netgain.history.queries import CommitProvenance, load_provenance
from netgain.history.share import LineClassifier
from netgain.incidents.deployments import first_deployments
from netgain.incidents.pulls import load_graph
from netgain.incidents.settings import IncidentSettings
from netgain.metrics.config import MetricsConfig
from netgain.metrics.deploys import find_deployments
from netgain.metrics.derive import recover_from_git, szz_on_fixes
from netgain.metrics.inputs import (
    Change,
    Dataset,
    Incident,
    PullRequest,
    ReportedFinding,
    SurvivingLines,
)
from netgain.metrics.origins import feature_origins, merge_commits, pull_request_origins
from netgain.metrics.review_export import read_review_exports
from netgain.metrics.rework_history import measure_rework
from netgain.policy.record import DECISIONS_FILE, read_decisions
from netgain.store.finding_models import ExternalFinding, ExternalFindingLink
from netgain.store.models import Attribution, FileChange
from netgain.store.models import Commit as CommitRow
from netgain.store.outcome_models import Feature, IncidentLink, SzzLink, SzzRun
from netgain.store.outcome_models import Incident as IncidentRow
from netgain.store.outcome_models import PullRequest as PullRequestRow

SZZ_PREFERRED = "netgain"  # the default variant; other variants only when it never ran


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# One stored non-merge commit as `load_changes` reads it: id, sha, author name, author email,
# author date, lines added, ai, human, unknown lines and level of its attribution (None without
# one), and the paths it touched.
ChangeRow = tuple[
    int,
    str,
    str,
    str,
    datetime,
    int,
    int | None,
    int | None,
    int | None,
    str | None,
    tuple[str, ...],
]


def load_changes(engine: Engine, repository_id: int, config: MetricsConfig) -> list[Change]:
    """Non-merge commits with their attribution, feature flag and touched files."""
    with Session(engine) as session:
        features = feature_commits(session, repository_id)
        rows = change_rows(session, repository_id)
    return build_changes(rows, features, config)


def feature_commits(session: Session, repository_id: int) -> set[str]:
    """The shas of the repository's commits that count as features."""
    return set(
        session.scalars(
            select(Feature.subject_id).where(
                Feature.repository_id == repository_id,
                Feature.subject_kind == "commit",
                Feature.is_feature.is_(True),
            )
        )
    )


def change_rows(session: Session, repository_id: int, after_id: int = 0) -> list[ChangeRow]:
    """The stored non-merge commits of the repository with a store id above `after_id` (all by
    default): commits, their attribution and files are written together and never rewritten,
    so a reader that kept the earlier rows reads only the new ones."""
    where = [
        CommitRow.repository_id == repository_id,
        CommitRow.is_merge.is_(False),
        CommitRow.id > after_id,
    ]
    files: dict[int, list[str]] = defaultdict(list)
    for commit_id, path in session.execute(
        select(FileChange.commit_id, FileChange.path)
        .join(CommitRow, CommitRow.id == FileChange.commit_id)
        .where(*where)
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
            Attribution.level,
        )
        .outerjoin(Attribution, Attribution.commit_id == CommitRow.id)
        .where(*where)
    ).all()
    return [(*row, tuple(files.get(row[0], ()))) for row in rows]


def build_changes(
    rows: Sequence[ChangeRow], features: set[str], config: MetricsConfig
) -> list[Change]:
    """The changes of `rows`, in date order, with the feature flags and bot rule of now."""
    changes = []
    for _cid, sha, name, email, when, added, ai, human, unknown, level, files in rows:
        identity = f"{name} <{email}>"
        changes.append(
            Change(
                sha=sha,
                author=email.lower(),
                date=_aware(when) or datetime.now(UTC),
                lines_added=added,
                ai_lines=ai or 0,
                human_lines=human or 0,
                unknown_lines=unknown if ai is not None else added,  # type: ignore[arg-type]
                is_feature=sha in features,
                is_bot=any(marker in identity for marker in config.bot_authors),
                files=files,
                level=level or "none",
                # commit-level human evidence is a marker the author wrote: a claim
                declared_human=(human or 0) if level == "commit" else 0,
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


def load_reported_findings(engine: Engine, repository_id: int) -> list[ReportedFinding] | None:
    """Findings reported after the merge, each with its primary cause; None when none was
    imported (not the same as a clean report)."""
    with Session(engine) as session:
        rows = session.scalars(
            select(ExternalFinding).where(ExternalFinding.repository_id == repository_id)
        ).all()
        if not rows:
            return None
        causes = dict(
            session.execute(
                select(ExternalFindingLink.finding_id, ExternalFindingLink.commit_sha).where(
                    ExternalFindingLink.repository_id == repository_id,
                    ExternalFindingLink.role == "cause",
                    ExternalFindingLink.is_primary.is_(True),
                )
            ).all()
        )
        return [
            ReportedFinding(
                id=row.external_id,
                source=row.source,
                severity=row.severity,
                found_at=_aware(row.found_at) or datetime.now(UTC),
                cause=causes.get(row.id),
                method=row.link_method if row.id in causes else None,
                reason=row.link_reason if row.id not in causes else "",
                title=row.title,
                cwe=row.cwe,
            )
            for row in rows
        ]


def szz_variant(session: Session, repository_id: int) -> str | None:
    """The SZZ variant the metrics read: the preferred one when it ran; None when none ran."""
    variants = set(
        session.scalars(
            select(SzzRun.variant).where(SzzRun.repository_id == repository_id).distinct()
        )
    )
    if not variants:
        return None
    return SZZ_PREFERRED if SZZ_PREFERRED in variants else sorted(variants)[0]


def load_inducing(engine: Engine, repository_id: int) -> dict[str, int] | None:
    """inducing sha -> number of distinct fixes, from the preferred SZZ variant when it ran.

    None only when no SZZ run was ever stored: analysed fixes that blamed nothing are data (an
    empty map), not a missing source.
    """
    with Session(engine) as session:
        variant = szz_variant(session, repository_id)
        if variant is None:
            return None
        rows = session.execute(
            select(SzzLink.fix_sha, SzzLink.inducing_sha).where(
                SzzLink.repository_id == repository_id, SzzLink.variant == variant
            )
        ).all()
    fixes: dict[str, set[str]] = defaultdict(set)
    for fix, inducing in rows:
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


def _tree_files(repo: Path, rev: str) -> set[str]:
    out = git.run_git(repo, "ls-tree", "-r", "-z", "--name-only", rev)
    return {git.decode_path(p) for p in out.split(b"\0") if p}


def measure_vulnerabilities(
    repo: Path,
    head: str,
    provenance: dict[str, CommitProvenance],
    scan_paths: Sequence[str],
) -> SurvivingLines:
    """Scan the tracked files under `scan_paths` at the work tree (every language the analyser
    reads: Python, notebooks, JavaScript, TypeScript), blame them at `head`, and count surviving
    lines and findings per provenance kind and file. Code in other languages is counted per
    language as not analysed, so a density over a Go service never reads as "no findings"."""
    from netgain.analysis.options import ScanOptions
    from netgain.analysis.scanner import SCANNED_SUFFIXES, scan

    tracked = sorted(
        p
        for p in _tree_files(repo, head)
        if any(p == s or p.startswith(s.rstrip("/") + "/") or s in ("", ".") for s in scan_paths)
    )
    present = [p for p in tracked if (repo / p).is_file()]
    result = scan([repo / p for p in present], root=repo, options=ScanOptions())
    not_analysed = Counter(f.language for f in result.not_analysed)
    analysed = [p for p in present if p.endswith(SCANNED_SUFFIXES)]
    findings_at: dict[str, list[int]] = defaultdict(list)
    for finding in result.findings:
        if finding.suppressed is None:
            findings_at[finding.location.path].append(finding.location.line)
    classifier = LineClassifier(provenance)
    files: dict[str, dict[str, int]] = {}
    lines: dict[str, int] = defaultdict(int)
    findings: dict[str, int] = defaultdict(int)
    problems: list[str] = [f"{u.path}: {u.reason}" for u in result.unparsed]
    for path, blamed in git.blame_files(repo, head, analysed):
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
    return SurvivingLines(
        dict(lines),
        dict(findings),
        files,
        len(analysed),
        tuple(problems),
        dict(sorted(not_analysed.items())),
    )


def collect(
    engine: Engine,
    repository_id: int,
    repo: Path,
    config: MetricsConfig,
    *,
    by: str,
    settings: IncidentSettings | None = None,
    review_exports: Sequence[Path] = (),
    rework: bool = True,
    szz: bool = True,
    scan_paths: Sequence[str] | None = None,
    deployments_file: Path | None = None,
    decisions_file: Path | None = None,
) -> Dataset:
    """Everything the metrics need for one repository, deriving from git what it can first.

    Pull requests and features are recovered from git and SZZ runs on unanalysed fix commits
    (`netgain.metrics.derive`), so a repository with nothing imported still fills those
    sections. Deployments: see `netgain.metrics.deploys` (configured tags or file, else release
    tags). The review gate's decisions come from `decisions_file` (default
    REPO/.netgain/decisions.jsonl, which `netgain check` appends to); corrupt lines become notes
    naming their line. `data.origins` records where each input came from.
    """
    settings = settings or IncidentSettings()
    head = git.rev_parse(repo, "HEAD")
    if head is not None:
        recover_from_git(engine, repository_id, head, settings)
    changes = load_changes(engine, repository_id, config)
    dates = {c.sha: c.date for c in changes}
    progress = szz_on_fixes(
        engine, repository_id, repo, dates, budget_seconds=config.szz_seconds, run=szz
    )
    data = Dataset(
        changes=changes,
        incidents=load_incidents(engine, repository_id),
        inducing=load_inducing(engine, repository_id),
        pull_requests=load_pull_requests(engine, repository_id),
        reported=load_reported_findings(engine, repository_id),
    )
    features = feature_origins(engine, repository_id)
    # Typed changes that are all fixes or chores say nothing about how many features shipped.
    data.features_known = any(
        counts["commit_features"] or counts["pr_features"] for counts in features.values()
    )
    data.origins = {
        "merge_commits": merge_commits(engine, repository_id),
        "pull_requests": pull_request_origins(engine, repository_id),
        "features": features,
        "szz": progress.to_dict(),
    }
    data.notes.extend(f"szz: {p}" for p in progress.problems[:20])
    if review_exports:
        exported, problems = read_review_exports(review_exports)
        data.notes.extend(problems)
        data.pull_requests = merge_reviews(data.pull_requests, exported)
        data.reviews_present = any(pr.reviews for pr in data.pull_requests)
    deployments = find_deployments(repo, settings.deploy_tags, deployments_file)
    data.notes.extend(deployments.notes)
    data.origins["deployments"] = deployments.source
    if deployments.found:
        data.deployments = deployments.times
        with Session(engine) as session:
            data.shipped_at = first_deployments(
                load_graph(session, repository_id), deployments.found
            )
    if decisions_file is not None and not decisions_file.is_file():
        raise UsageError(f"{decisions_file}: no such decision log (netgain check writes one)")
    log = read_decisions(decisions_file or repo / DECISIONS_FILE)
    if log is not None:
        data.decisions = log.decisions
        data.notes.extend(f"policy decisions: {p}" for p in log.problems)
    if head is not None and rework:
        fates, note, notes = measure_rework(engine, repository_id, repo, head, changes, config, by)
        data.rework = fates or None
        data.rework_note = note
        data.notes.extend(notes)
    elif not rework:
        data.rework_note = "not measured (--no-rework)"
    if head is not None and scan_paths is not None:
        provenance = load_provenance(engine, repository_id, [c.sha for c in changes])
        data.surviving = measure_vulnerabilities(repo, head, provenance, scan_paths)
    from netgain.risk.summary import risk_summary  # fits models: imported only when collecting

    data.risk = risk_summary(repo, engine, repository_id)
    return data
