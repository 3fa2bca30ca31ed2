"""Trace each reported finding to the change that introduced it.

In order, per finding:

1. Its fix: the commits the file names (`fixed_by`: shas or `#PR`) and the commits whose message
   cites the finding's id or one of its aliases (a CVE or GHSA id, a bounty report id). A merge
   stands for the commits it brought in (security fixes are often merged as one pull request).
2. With a fix: SZZ from the fix (netgain's variant), keeping candidates written on or before the
   date found (a later commit cannot have introduced what was already reported).
3. Without a fix, or when SZZ from it keeps no candidate: blame of the reported lines at the last
   first-parent commit on or before the date found, so code changed since does not hide the
   change that was live when the finding was reported. Like SZZ, blame looks past commits that
   changed lines without changing behaviour (formatting runs, mass edits, moves).
4. Otherwise the finding stays unlinked with its reason: an endpoint with no file and no fix, a
   date before the first commit, a file or lines that did not exist at that commit.

Of a finding's causes one is primary (most of the fixed or reported lines; the newest on a tie):
the metrics attribute the finding to it, so one finding counts once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.findings.blame_at import BlameAtDate, Blamed
from netgain.incidents.link import CommitResolver
from netgain.store.finding_models import ExternalFinding, ExternalFindingLink
from netgain.store.models import Commit
from netgain.szz import SzzResult, find_inducing
from netgain.szz.persist import store_results

MAX_MERGED = 50  # a merged fix branch longer than this is a release merge, not a fix
MIN_TOKEN = 5  # shorter ids (or ids without a letter) are too likely to occur by chance


@dataclass(frozen=True, slots=True)
class _Link:
    sha: str
    role: str
    method: str
    lines: int
    detail: str
    date: datetime | None = None
    weight: int = 0  # what the primary choice compares (lines in the reported file first)


@dataclass(slots=True)
class FindingsLinkReport:
    """What one link run did: findings linked per method, unlinked ones per reason."""

    findings: int = 0
    linked: dict[str, int] = field(default_factory=dict)  # method of the primary cause -> count
    unlinked: dict[str, int] = field(default_factory=dict)  # reason -> count
    with_fix: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": self.findings,
            "linked": dict(sorted(self.linked.items())),
            "unlinked": dict(sorted(self.unlinked.items())),
            "with_fix": self.with_fix,
            "problems": list(self.problems),
        }


def citation_pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern matching any of `tokens` as a whole word (case-insensitive), or None when none
    is specific enough to search commit messages for (MIN_TOKEN characters and a letter)."""
    usable = sorted(
        {t for t in tokens if len(t) >= MIN_TOKEN and any(c.isalpha() for c in t)},
        key=len,
        reverse=True,
    )
    if not usable:
        return None
    alternatives = "|".join(re.escape(t) for t in usable)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_findings(
    root: Path,
    session: Session,
    repository_id: int,
    *,
    finding_ids: Sequence[int] | None = None,
    jobs: int | None = None,
) -> FindingsLinkReport:
    """Recompute the links of the repository's findings (or only `finding_ids`).

    The repository's commits must be ingested (commit messages are searched for citations).
    The caller commits the session.
    """
    query = select(ExternalFinding).where(ExternalFinding.repository_id == repository_id)
    if finding_ids is not None:
        query = query.where(ExternalFinding.id.in_(list(finding_ids)))
    findings = list(session.scalars(query.order_by(ExternalFinding.id)))
    report = FindingsLinkReport(findings=len(findings))
    if not findings:
        return report
    resolver = CommitResolver(root, session, repository_id)
    messages: list[tuple[str, str]] = [
        (sha, message)
        for sha, message in session.execute(
            select(Commit.sha, Commit.message).where(Commit.repository_id == repository_id)
        )
    ]
    fixes = {f.id: _fixes(f, resolver, messages, report) for f in findings}
    _unfold_merges(root, fixes)
    all_fixes = sorted({link.sha for links in fixes.values() for link in links})
    szz: dict[str, SzzResult] = {}
    if all_fixes:
        szz = {r.fix: r for r in find_inducing(root, all_fixes, jobs=jobs)}
        store_results(session, repository_id, szz.values())
    ids = [f.id for f in findings]
    session.execute(delete(ExternalFindingLink).where(ExternalFindingLink.finding_id.in_(ids)))
    now = datetime.now(UTC)
    traced = {f.id: _szz_causes(f, fixes[f.id], szz) for f in findings}
    blamed = BlameAtDate(root, jobs=jobs).trace([f for f in findings if not traced[f.id][0]])
    for finding in findings:
        links = list(fixes[finding.id])
        report.with_fix += bool(links)
        causes, reason = traced[finding.id]
        if not causes:
            by_blame = blamed[finding.id]
            causes = _blame_causes(finding, by_blame)
            reason = "; ".join(r for r in (reason, by_blame.reason) if r)
        primary = _primary(causes)
        for link in links + causes:
            session.add(
                ExternalFindingLink(
                    finding_id=finding.id,
                    repository_id=repository_id,
                    commit_sha=link.sha,
                    role=link.role,
                    method=link.method,
                    is_primary=link is primary,
                    lines=link.lines,
                    detail=link.detail[:2000],
                    created_at=now,
                )
            )
        if primary is None:
            finding.link_status, finding.link_method = "unlinked", None
            finding.link_reason = reason or "nothing to trace"
            short = reason.split(":", 1)[0] if reason else "nothing to trace"
            report.unlinked[short] = report.unlinked.get(short, 0) + 1
        else:
            finding.link_status, finding.link_method = "linked", primary.method
            finding.link_reason = reason
            report.linked[primary.method] = report.linked.get(primary.method, 0) + 1
    session.flush()
    return report


def _fixes(
    finding: ExternalFinding,
    resolver: CommitResolver,
    messages: list[tuple[str, str]],
    report: FindingsLinkReport,
) -> list[_Link]:
    """The finding's fix commits: named by the file, or citing its id or an alias."""
    who = f"{finding.source}:{finding.external_id}"
    found: dict[str, _Link] = {}
    for ref in finding.fixed_by:
        sha, label = resolver.resolve(ref)
        if sha is None:
            report.problems.append(
                {"finding": who, "message": f"fixed_by: {label!r} does not name a commit here"}
            )
            continue
        found.setdefault(sha, _Link(sha, "fix", "explicit-fix", 0, label))
    tokens = list(finding.aliases)
    if not finding.key_derived:
        tokens.append(finding.external_id)
    pattern = citation_pattern(tokens)
    if pattern is not None:
        for sha, message in messages:
            match = pattern.search(message)
            if match is not None and sha not in found:
                subject = message.split("\n", 1)[0][:200]
                found[sha] = _Link(
                    sha, "fix", "fix-references-finding", 0, f"cites {match.group(0)}: {subject}"
                )
    return sorted(found.values(), key=lambda link: link.sha)


def _unfold_merges(root: Path, fixes: dict[int, list[_Link]]) -> None:
    """Replace a merge among the fixes by the commits it brought in.

    Security fixes are often merged as one pull request ("Merge pull request from GHSA-..."):
    the merge is what cites the advisory, but SZZ analyses the commits that changed the code
    (a merge has no change of its own to blame from).
    """
    shas = sorted({link.sha for links in fixes.values() for link in links})
    if not shas:
        return
    out = git.run_git(root, "rev-list", "--no-walk", "--parents", *shas)
    merges = {
        parts[0]: parts[1]
        for parts in (line.split() for line in out.decode("ascii", "replace").splitlines())
        if len(parts) > 2
    }
    brought: dict[str, list[str]] = {}
    for merge, first_parent in merges.items():
        listed = git.run_git(
            root,
            "rev-list",
            "--no-merges",
            f"--max-count={MAX_MERGED + 1}",
            f"{first_parent}..{merge}",
        )
        commits = listed.decode("ascii", "replace").split()
        if 0 < len(commits) <= MAX_MERGED:
            brought[merge] = commits
    for finding_id, links in fixes.items():
        unfolded: dict[str, _Link] = {}
        for link in links:
            if link.sha not in brought:
                unfolded.setdefault(link.sha, link)
                continue
            for sha in brought[link.sha]:
                detail = f"brought in by merge {link.sha[:12]} ({link.detail})"
                unfolded.setdefault(sha, _Link(sha, "fix", link.method, 0, detail[:500]))
        fixes[finding_id] = sorted(unfolded.values(), key=lambda x: x.sha)


def _szz_causes(
    finding: ExternalFinding, fixes: list[_Link], szz: dict[str, SzzResult]
) -> tuple[list[_Link], str]:
    """Causes by SZZ from the finding's fixes, written on or before the date found.

    Lines in the reported file weigh first when choosing the primary cause: a fix that also
    touches tests or other files must not pin the finding on whoever wrote those.
    """
    if not fixes:
        return [], ""
    found_at = _aware(finding.found_at)
    lines: Counter[str] = Counter()
    in_file: Counter[str] = Counter()
    dates: dict[str, datetime | None] = {}
    where: dict[str, list[str]] = defaultdict(list)
    later = 0
    for fix in fixes:
        result = szz.get(fix.sha)
        for cand in result.candidates if result else []:
            if found_at and cand.author_date and cand.author_date > found_at:
                later += 1
                continue
            dates[cand.sha] = cand.author_date
            for ev in cand.evidence:
                lines[cand.sha] += len(ev.lines)
                if finding.path and finding.path in (ev.path, ev.inducing_path):
                    in_file[cand.sha] += len(ev.lines)
                where[cand.sha].append(f"{ev.path}:{','.join(map(str, ev.lines[:20]))}")
            where[cand.sha].insert(0, f"from fix {fix.sha[:12]}")
    causes = [
        _Link(
            sha,
            "cause",
            "szz",
            lines[sha],
            " ".join(where[sha]),
            dates.get(sha),
            in_file[sha] * 1_000_000 + lines[sha],
        )
        for sha in dates
    ]
    if causes:
        return causes, ""
    why = f"{later} candidate(s) written after the date found" if later else "no candidate"
    return [], f"szz from fix: {why}"


def _primary(causes: list[_Link]) -> _Link | None:
    """The cause with most evidence lines; on a tie the newest (it last touched the code), else
    the first in file order."""
    best: _Link | None = None
    for cause in causes:
        if (
            best is None
            or cause.weight > best.weight
            or (cause.weight == best.weight and _newer(cause.date, best.date))
        ):
            best = cause
    return best


def _newer(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and a.astimezone(UTC) > b.astimezone(UTC)


def _blame_causes(finding: ExternalFinding, blamed: Blamed) -> list[_Link]:
    """One cause per commit blame gave reported lines to, weighted by their number."""
    if blamed.rev is None:
        return []
    past = (
        f", past {blamed.looked_past} formatting/mass-edit/move commit(s)"
        if blamed.looked_past
        else ""
    )
    return [
        _Link(
            sha,
            "cause",
            "blame",
            len(numbers),
            f"{finding.path}:{','.join(map(str, numbers))} at {blamed.rev[:12]}{past}",
            weight=len(numbers),
        )
        for sha, numbers in blamed.lines.items()
    ]
