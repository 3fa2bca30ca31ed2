"""The pull request page's content, read from the gate decisions the service reported.

Every figure on the page comes from the decision documents in `service_decisions` (the same
document `netgain check --format json` prints), so the page says exactly what the check run said,
rule by rule. The documents describe hostile repositories: every field is read defensively (a
missing or mistyped field is shown as absent and counted, never a 500) and rendered escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from netgain.service.tables import decisions

# what each risk-relevant fact means, in the words a reviewer uses
RISK_FACTS = (
    ("lines_added", "lines added"),
    ("lines_removed", "lines removed"),
    ("files", "files changed"),
    ("directories", "directories touched"),
    ("subsystems", "subsystems touched"),
    ("entropy", "spread of the change (bits)"),
    ("ai_share", "AI share the gate counted"),
    ("test_files", "test files changed"),
)

# the risk model's features (netgain.risk.features) in words, for its ranked reasons
FEATURE_WORDS = {
    "ns": "subsystems touched",
    "nd": "directories touched",
    "nf": "files touched",
    "entropy": "spread of the change (bits)",
    "la": "lines added",
    "ld": "lines deleted",
    "lt": "size of the touched files before",
    "fix": "is a bug fix",
    "ndev": "earlier authors of the touched files",
    "age": "days since the touched files last changed",
    "nuc": "earlier changes to the touched files",
    "exp": "the author's earlier commits",
    "rexp": "the author's recent commits",
    "sexp": "the author's commits to these subsystems",
    "ai_share": "AI share",
    "ai_tool": "an AI tool is named",
    "familiarity": "share of touched files the author changed before",
    "tests": "test files touched",
    "la_code": "code lines added",
    "ld_code": "code lines deleted",
    "la_test": "test lines added",
    "ld_test": "test lines deleted",
    "la_other": "other lines added (docs, configuration)",
    "ld_other": "other lines deleted",
    "api_new": "libraries the author never imported before",
    "api_familiarity": "share of imported libraries the author used before",
    "zones": "sensitive zones touched",
    "findings": "security findings",
    "coverage": "diff coverage",
}

# the document's fields the page reads, by the shape they must have
LIST_FIELDS = ("rules", "findings", "reviewers", "files", "unparsed_files", "risk_reasons", "tiers")
DICT_FIELDS = ("provenance", "facts")


@dataclass
class DecisionRow:
    """One reported decision of the pull request (the page's history table)."""

    head_sha: str
    verdict: str
    conclusion: str
    created_at: datetime | None


@dataclass
class PullRequestView:
    repository: str
    number: int
    doc: dict[str, Any]
    history: list[DecisionRow]
    unreadable: list[str] = field(default_factory=list)  # fields the document lacked

    def __post_init__(self) -> None:
        for key in LIST_FIELDS:
            if self.doc.get(key) is not None and not isinstance(self.doc[key], list):
                self.unreadable.append(key)
        for key in DICT_FIELDS:
            if self.doc.get(key) is not None and not isinstance(self.doc[key], dict):
                self.unreadable.append(key)

    def _list(self, key: str) -> list[dict[str, Any]]:
        value = self.doc.get(key)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    def _dict(self, key: str) -> dict[str, Any]:
        value = self.doc.get(key)
        return value if isinstance(value, dict) else {}

    @property
    def verdict(self) -> str:
        return str(self.doc.get("verdict") or "error")

    @property
    def rules(self) -> list[dict[str, Any]]:
        return [
            {**rule, "requirements": _dicts(rule.get("requirements"))}
            for rule in self._list("rules")
        ]

    @property
    def tiers(self) -> list[str]:
        value = self.doc.get("tiers")
        return [str(t) for t in value] if isinstance(value, list) else []

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self._list("findings")

    @property
    def reviewers(self) -> list[dict[str, Any]]:
        return self._list("reviewers")

    @property
    def provenance(self) -> dict[str, Any]:
        return self._dict("provenance")

    @property
    def facts(self) -> dict[str, Any]:
        return self._dict("facts")

    @property
    def not_analysed(self) -> list[dict[str, Any]]:
        """Changed files nobody analysed, and files that did not parse: the page lists them
        because the gate never approves what it did not analyse."""
        out = [
            {"path": f.get("path"), "reason": f.get("reason") or "not analysed"}
            for f in self._list("files")
            if f.get("kind") == "code" and not f.get("analysed_by")
        ]
        seen = {str(f["path"]) for f in out}
        for item in self._list("unparsed_files"):
            if str(item.get("path")) not in seen:
                where = f" (line {item['line']})" if item.get("line") else ""
                out.append({"path": item.get("path"), "reason": f"{item.get('reason')}{where}"})
        return out

    @property
    def evidence(self) -> list[tuple[str, int]]:
        """Lines by the kind of evidence behind their provenance."""
        raw = self.provenance.get("evidence")
        labels = {
            "line": "AI by a line-level record (agent log or trailer per line)",
            "commit": "AI by a commit-level marker (trailer, co-author)",
            "declared_human": "human by the author's own claim",
            "none": "no evidence either way (unknown)",
        }
        if not isinstance(raw, dict):
            return []
        return [(labels[k], _int(raw.get(k))) for k in labels]

    @property
    def risk(self) -> tuple[float | None, str]:
        facts = self.facts
        value = facts.get("risk")
        return (float(value) if isinstance(value, int | float) else None), str(
            facts.get("risk_tier") or ""
        )

    @property
    def risk_drivers(self) -> list[tuple[str, str]]:
        """The facts the risk model reads, as the decision recorded them; the model's own
        ranked reasons when the document carries them."""
        facts = self.facts
        out: list[tuple[str, str]] = []
        for key, label in RISK_FACTS:
            value = facts.get(key)
            if isinstance(value, float):
                out.append((label, f"{value:.0%}" if key == "ai_share" else f"{value:.2f}"))
            elif isinstance(value, int):
                out.append((label, str(value)))
        findings = facts.get("findings")
        if isinstance(findings, dict) and isinstance(findings.get("total"), int):
            out.append(("security findings on added lines", str(findings["total"])))
        for key, label in (("zones", "sensitive zones touched"), ("signals", "risky APIs used")):
            value = facts.get(key)
            if isinstance(value, list) and value:
                out.append((label, ", ".join(str(v) for v in value)))
        author = facts.get("author")
        if isinstance(author, dict):
            familiar = author.get("familiar_share")
            if isinstance(familiar, int | float):
                out.append(("share of the files the author changed before", f"{familiar:.0%}"))
            first = author.get("first_signals")
            if isinstance(first, list) and first:
                out.append(("APIs the author never used here before", ", ".join(map(str, first))))
        return out

    @property
    def risk_reasons(self) -> list[dict[str, Any]]:
        return [
            {**r, "words": FEATURE_WORDS.get(str(r.get("feature")), str(r.get("feature")))}
            for r in self._list("risk_reasons")
        ]


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def load_pull_request(engine: Engine, repository: str, number: int) -> PullRequestView | None:
    """The latest decision of `repository#number` and the history of its decisions, or None
    when the service reported none (the page is then 404, like any unknown pull request)."""
    name = func.lower(decisions.c.repository)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                decisions.c.head_sha,
                decisions.c.verdict,
                decisions.c.conclusion,
                decisions.c.created_at,
                decisions.c.document,
            )
            .where(name == repository.lower(), decisions.c.number == number)
            .order_by(decisions.c.id.desc())
            .limit(50)
        ).all()
    if not rows:
        return None
    latest = rows[0].document
    doc = latest if isinstance(latest, dict) else {}
    view = PullRequestView(
        repository=repository,
        number=number,
        doc=doc,
        history=[DecisionRow(r.head_sha, r.verdict, r.conclusion, r.created_at) for r in rows],
    )
    if not isinstance(latest, dict):
        view.unreadable.append("document")
    return view


@dataclass(frozen=True)
class PullSummary:
    """A pull request's latest decision, for the lists that link to its page."""

    repository: str
    number: int
    verdict: str
    head_sha: str
    created_at: datetime | None
    ai_share: float | None
    findings: int
    requires: list[str]


def _summary(repository: str, number: int, row: Any) -> PullSummary:
    doc = row.document if isinstance(row.document, dict) else {}
    facts = doc.get("facts") if isinstance(doc.get("facts"), dict) else {}
    share = facts.get("ai_share") if isinstance(facts, dict) else None
    findings = doc.get("findings")
    tiers = [
        str(r.get("tier"))
        for r in doc.get("rules") or []
        if isinstance(r, dict) and r.get("tier") and r.get("status") not in ("skipped", "approved")
    ]
    return PullSummary(
        repository=repository,
        number=number,
        verdict=str(row.verdict),
        head_sha=str(row.head_sha),
        created_at=row.created_at,
        ai_share=float(share) if isinstance(share, int | float) else None,
        findings=len(findings) if isinstance(findings, list) else 0,
        requires=sorted(set(tiers)),
    )


def recent_pull_requests(
    engine: Engine, repositories: list[str], start: datetime, end: datetime, limit: int = 50
) -> list[PullSummary]:
    """The latest decision of each pull request of `repositories` decided in [start, end),
    newest first. Only the named repositories are read: the caller passes what it may see.

    Walks the decisions newest first (the primary key backwards) in batches until `limit` pull
    requests were seen: the first decision seen of a pull request is its latest in the range,
    and the order of first sightings is the order of those latest decisions. Grouping every
    decision of the range by pull request first took 0.3 s at 50,000 decisions; the page needs
    twenty. The documents are read only for the decisions shown."""
    if not repositories or limit < 1:
        return []
    names = {r.lower(): r for r in repositories}
    where = [
        func.lower(decisions.c.repository).in_(list(names)),
        decisions.c.number.is_not(None),
        decisions.c.created_at >= start,
        decisions.c.created_at < end,
    ]
    chosen: dict[tuple[str, int], int] = {}  # (repository, number) -> its latest decision's id
    batch = max(4 * limit, 100)
    before: int | None = None
    with engine.connect() as conn:
        while len(chosen) < limit:
            query = select(decisions.c.id, decisions.c.repository, decisions.c.number).where(*where)
            if before is not None:
                query = query.where(decisions.c.id < before)
            rows = conn.execute(query.order_by(decisions.c.id.desc()).limit(batch)).all()
            for row in rows:
                key = (str(row.repository).lower(), int(row.number))
                if key not in chosen and len(chosen) < limit:
                    chosen[key] = int(row.id)
            if len(rows) < batch:
                break
            before = int(rows[-1].id)
        if not chosen:
            return []
        shown = conn.execute(
            select(
                decisions.c.repository,
                decisions.c.number,
                decisions.c.verdict,
                decisions.c.head_sha,
                decisions.c.created_at,
                decisions.c.document,
            )
            .where(decisions.c.id.in_(list(chosen.values())))
            .order_by(decisions.c.id.desc())
        ).all()
    return [_summary(names[r.repository.lower()], int(r.number), r) for r in shown]
