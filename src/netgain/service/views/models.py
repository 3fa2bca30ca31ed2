"""What the views answer: pydantic models the API serialises (and documents in its OpenAPI
schema) and the dashboard renders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page[T](View):
    """One page of a listing; `next_cursor` fetches the next one (None: this was the last)."""

    items: list[T]
    next_cursor: str | None = None


class Organisation(View):
    org: str
    repositories: int = Field(description="repositories of the organisation the caller may read")
    teams: list[str] = Field(description="teams named in the organisation's configuration")
    admin: bool = Field(description="whether the caller is an admin of the organisation")


class Repository(View):
    full_name: str
    org: str
    name: str
    commits: int = Field(description="non-merge commits ingested")
    first_commit_at: datetime | None
    last_commit_at: datetime | None
    ingested_at: datetime | None = Field(description="end of the last finished ingest")


class Provenance(View):
    """The AI share of a change's added lines, with the evidence class it rests on."""

    ai_lines: int
    human_lines: int
    unknown_lines: int
    ai_share: float | None = Field(description="AI lines over all attributed lines")
    bucket: str = Field(description="AI-share bucket: 0-25, 25-50, 50-75, 75-100 or unknown")
    evidence: str = Field(description="evidence class: line, commit or none")
    tools: list[str] = []
    models: list[str] = []


class Commit(View):
    repository: str
    sha: str
    subject: str
    author_email: str
    author_date: datetime
    lines_added: int
    lines_deleted: int
    files_changed: int
    provenance: Provenance


class CommitDetail(Commit):
    message: str
    files: list[str]
    provenance_evidence: list[dict[str, Any]] = Field(
        description="the evidence records behind the attribution (notes, markers, traces)"
    )
    risk: float | None = Field(description="the gate's change-risk score when a decision has one")


class Requirement(View):
    model_config = ConfigDict(frozen=True, extra="allow")

    kind: str | None = None
    satisfied: bool | None = None
    detail: str | None = None


class Rule(View):
    """One rule of the gate's decision: whether it applied, its status, and why."""

    name: str | None
    status: str | None
    reason: str | None = None
    tier: str | None = None
    condition: str | None = None
    requirements: list[Requirement] = []


class Decision(View):
    """A decision of the review gate on one head of a change, with its rules and reasons."""

    id: int
    repository: str
    number: int | None
    head_sha: str
    verdict: str
    conclusion: str
    decided_at: datetime
    rules: list[Rule]
    reasons: list[str] = Field(description="the tiers that applied and why")
    requires: list[str] = Field(description="senior_review, design_doc, owner_approval")
    failed_rules: list[str]
    ai_share: float | None
    risk: float | None
    risk_tier: str | None


class DecisionDetail(Decision):
    findings: list[dict[str, Any]] = Field(description="the gate's findings, with their traces")
    provenance: dict[str, Any] = Field(description="the gate's provenance figures and evidence")
    reviewers: list[dict[str, Any]] = Field(description="who was asked to review, and why")
    unparsed_files: list[dict[str, Any]] = Field(description="files the gate could not parse")
    not_analysed: bool = Field(description="the gate did not finish: nothing was approved")


class PullRequest(View):
    repository: str
    number: int
    title: str
    merged_at: datetime | None
    author_email: str | None
    commits: int
    provenance: Provenance
    decision: Decision | None = Field(description="the latest gate decision, if any")


class PullRequestDetail(PullRequest):
    commit_shas: list[str]
    labels: list[str]
    decisions: list[DecisionDetail] = Field(description="every gate decision, newest first")


class Incident(View):
    repository: str
    id: str
    source: str
    title: str
    severity: str | None
    service: str | None
    started_at: datetime | None
    resolved_at: datetime | None
    causes: list[str] = Field(description="commits the incident was traced to")
    fixes: list[str]


class ReportedFinding(View):
    repository: str
    id: str
    source: str
    title: str
    severity: str | None
    cwe: int | None
    path: str | None
    found_at: datetime
    cause: str | None = Field(description="the introducing commit it was traced to")
    link_status: str
    link_reason: str


class Risk(View):
    repository: str
    status: str = Field(description="evaluated, or why not")
    evaluated_at: datetime | None
    result: dict[str, Any] = Field(description="`netgain risk evaluate` figures")


class Metrics(View):
    """The `netgain metrics --json` document over a scope, or why it is withheld."""

    scope: str = Field(description="repository, organisation, team or person")
    name: str
    repositories: list[str]
    since: datetime | None
    until: datetime | None
    withheld: str | None = Field(
        default=None, description="why no figures are given (privacy: a group too small)"
    )
    document: dict[str, Any] | None = Field(description="the metrics document (netgain.metrics/1)")


class OverviewBucket(View):
    changes: int
    lines_added: int


class OverviewPeriod(View):
    period: str
    changes: int
    ai_lines: int
    human_lines: int
    unknown_lines: int
    ai_share: float | None


class Overview(View):
    """The organisation overview's headline figures, computed in the database."""

    org: str
    team: str | None = Field(default=None, description="the team the figures are about, if any")
    since: datetime | None
    until: datetime | None
    repositories: int
    withheld: str | None = Field(
        default=None, description="why no figures are given (privacy: a team too small)"
    )
    changes: int = 0
    lines_added: int = 0
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    ai_share: float | None = None
    unknown_share: float | None = None
    by_bucket: dict[str, OverviewBucket] = Field(default_factory=dict)
    periods: list[OverviewPeriod] = Field(default_factory=list)
    decisions: dict[str, int] = Field(
        default_factory=dict, description="the latest gate decision per pull request, by verdict"
    )
    incidents: int = 0
    notes: list[str] = Field(default_factory=list)
