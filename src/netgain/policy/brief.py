"""The review brief: where a senior's or an owner's attention pays off in one change.

Seniors read every line of every AI pull request; the gate already knows which lines carry the
risk. This module ranks the change's added lines from the facts `gather` collected and the
decision `decide` made, without reading anything again: lines on a taint path (with the trace),
lines in sensitive zones, the author's first use of an API family, added code no test runs
(when coverage is given), files the author never touched, and large blocks in mostly AI-written
files. Each added line counts once, under its most important reason (a later run may span lines
listed above, to keep a function in one item); everything else is summarised as low attention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netgain.analysis.signals import Signal
from netgain.policy.evaluate import Decision
from netgain.policy.facts import ChangeContext

BRIEF_TIERS = ("senior", "owner")  # the tiers whose reviewers get a brief
AI_BLOCK_LINES = 10  # a run of added lines this long in a mostly AI-written file is "large"
AI_FILE_SHARE = 0.5  # a file is mostly AI-written above this share of its added lines

# the order of attention: a lower rank comes first
RANKS = {"taint": 0, "zone": 1, "first_use": 2, "uncovered": 3, "new_to_author": 4, "ai_block": 5}


@dataclass(slots=True)
class BriefItem:
    """Added lines `path:line-end_line` worth a reviewer's attention, and why."""

    kind: str  # a key of RANKS
    path: str
    line: int
    end_line: int
    why: str
    trace: tuple[str, ...] = ()  # "path:line: message" per taint step, source first
    # lesser reasons for the same line (a first use on a line already listed for its zone)
    also: list[str] = field(default_factory=list)
    # the added lines this item puts in the brief, in reading order (a taint item's trace steps
    # may sit in other files): what the Effort@20% measurement reads, never rendered
    taken: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class Brief:
    """The ranked items, or why no brief is needed; the rest of the diff as low attention."""

    needed: bool
    reason: str
    items: list[BriefItem] = field(default_factory=list)
    low_attention: dict[str, int] = field(default_factory=dict)  # path -> added lines left
    lines_in_brief: int = 0  # added lines the items cover, taint trace steps included
    # changed files nothing analysed, or whose signals were not searched: the ranking cannot
    # speak for them, so the reviewer must read them whatever the items say
    not_analysed: list[str] = field(default_factory=list)


def asks_senior_or_owner(tier: str | None, status: str) -> bool:
    """True for an applicable rule (not skipped) of the senior or owner tier: its reviewers get a
    brief. The decision document's rules carry the same two fields, so the Action decides alike."""
    return tier in BRIEF_TIERS and status != "skipped"


def brief_tiers(decision: Decision) -> list[str]:
    """Why the change goes to a senior or an owner: one line per applicable rule of such a tier."""
    return [
        f"{r.tier} review required by rule {r.name} ({r.status})"
        for r in decision.rules
        if asks_senior_or_owner(r.tier, r.status)
    ]


def build_brief(ctx: ChangeContext, decision: Decision) -> Brief:
    """Rank the added lines of the change in `ctx` for the reviewers `decision` asks for."""
    reasons = brief_tiers(decision)
    if not reasons:
        return Brief(
            needed=False,
            reason="no rule sends this change to a senior or an owner "
            f"({', '.join(sorted({r.tier for r in decision.rules if r.tier})) or 'no tiers'} "
            "considered): a peer review of the whole diff is enough",
        )
    return rank_change(ctx, "; ".join(reasons))


def rank_change(ctx: ChangeContext, reason: str = "") -> Brief:
    """The ranking itself, whatever the decision: `build_brief` once a senior or an owner must
    review, and the Effort@20% measurement on every change of a history."""
    ranker = _Ranker(ctx)
    ranker.taint()
    ranker.zones()
    ranker.first_use()
    ranker.uncovered()
    ranker.new_to_author()
    ranker.ai_blocks()
    low = {
        path: len(lines - ranker.covered.get(path, set()))
        for path, lines in sorted(ctx.added.items())
    }
    return Brief(
        needed=True,
        reason=reason,
        items=sorted(ranker.items, key=lambda i: RANKS[i.kind]),  # stable within a kind
        low_attention={p: n for p, n in low.items() if n},
        lines_in_brief=sum(len(lines) for lines in ranker.covered.values()),
        not_analysed=not_analysed(ctx),
    )


def brief_order(brief: Brief) -> list[tuple[str, int]]:
    """The added lines the brief's items put first, in the order a reviewer reads them."""
    seen: set[tuple[str, int]] = set()
    out: list[tuple[str, int]] = []
    for item in brief.items:
        for key in item.taken:
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def not_analysed(ctx: ChangeContext) -> list[str]:
    """ "path: reason" for changed files the scan or the signal search could not read."""
    out = [f"{f.path}: {f.reason}" for f in ctx.files if f.reason]
    for u in ctx.unparsed_for_signals:
        where = f"{u.path}:{u.line}" if u.line else u.path
        out.append(f"{where}: code signals: {u.reason}")
    return out


def runs(lines: set[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) runs of `lines`, in order."""
    out: list[tuple[int, int]] = []
    for n in sorted(lines):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def by_line(signals: list[Signal]) -> dict[tuple[str, int], dict[str, list[str]]]:
    """(path, line) -> family -> details: one reason per line, since a real line often holds
    several signals (`from flask_login import current_user, login_user`)."""
    grouped: dict[tuple[str, int], dict[str, list[str]]] = {}
    for sig in signals:
        details = grouped.setdefault((sig.path, sig.line), {}).setdefault(sig.family, [])
        if sig.detail not in details:
            details.append(sig.detail)
    return grouped


def describe(families: dict[str, list[str]]) -> str:
    """ "session (a, b); password (c)" """
    return "; ".join(f"{family} ({', '.join(details)})" for family, details in families.items())


class _Ranker:
    """Collects items kind by kind; a line already in the brief is never listed again."""

    def __init__(self, ctx: ChangeContext) -> None:
        self.ctx = ctx
        self.items: list[BriefItem] = []
        self.covered: dict[str, set[int]] = {}

    def _take(
        self, kind: str, path: str, lines: set[int], why: str, short: str | None = None
    ) -> None:
        """List the lines of `lines` not yet in the brief, one item per run.

        A single line already listed keeps `short` (else `why`) as a lesser reason of its item.
        A run may span lines listed above (a zone file around its taint lines): one item for a
        function body reads better than five fragments, and the counts stay per line.
        """
        done = self.covered.setdefault(path, set())
        wanted = lines & self.ctx.added.get(path, set())
        fresh = wanted - done
        if len(wanted) == 1 and not fresh:  # one line listed above: keep this reason too
            self._also(path, min(wanted), short or why)
        for first, last in runs(
            wanted | (done & set(range(min(wanted, default=0), max(wanted, default=0) + 1)))
        ):
            span = set(range(first, last + 1))
            if span & fresh:
                trimmed = sorted(span & fresh)
                item = BriefItem(kind, path, trimmed[0], trimmed[-1], why)
                item.taken = [(path, n) for n in trimmed]
                self.items.append(item)
        done.update(fresh)

    def _also(self, path: str, line: int, why: str) -> None:
        for item in self.items:
            if item.path == path and item.line <= line <= item.end_line:
                if why != item.why and why not in item.also:
                    item.also.append(why)
                return

    def taint(self) -> None:
        findings = sorted(
            self.ctx.findings,
            key=lambda f: (-int(f.severity), f.location.path, f.location.line),
        )
        for f in findings:
            on_added = {(p, n) for p, n in f.lines() if n in self.ctx.added.get(p, set())} - {
                (p, n) for p, ns in self.covered.items() for n in ns
            }
            if not on_added:
                continue
            trace = tuple(f"{s.location.path}:{s.location.line}: {s.message}" for s in f.trace)
            sink = (f.location.path, f.location.line)
            path, line = sink if sink in on_added else min(on_added)
            taken = [(path, line), *sorted(on_added - {(path, line)})]
            self.items.append(
                BriefItem(
                    "taint",
                    path,
                    line,
                    line,
                    f"{f.severity} {f.rule_id}: {f.message}",
                    trace,
                    taken=taken,
                )
            )
            for p, n in on_added:
                self.covered.setdefault(p, set()).add(n)

    def zones(self) -> None:
        for name, hit in sorted(self.ctx.zones.items()):
            in_zone = [
                sig
                for sig in self.ctx.signals
                if f"signal {sig.family} ({sig.detail}) at {sig.path}:{sig.line}" in hit.reasons
            ]
            for (path, line), families in by_line(in_zone).items():
                self._take("zone", path, {line}, f"zone {name}: {describe(families)}")
            for path in sorted(hit.files):
                if any(r.startswith(f"path {path} matches") for r in hit.reasons):
                    why = f"zone {name}: the file is in the zone (lines not listed above)"
                    self._take("zone", path, self.ctx.added.get(path, set()), why)

    def first_use(self) -> None:
        author = self.ctx.facts.author
        who = author.login or "the author"
        firsts = [s for s in self.ctx.signals if s.family in author.first_signals]
        for (path, line), families in by_line(firsts).items():
            self._take(
                "first_use",
                path,
                {line},
                f"first use of {describe(families)} by {who} in this repository",
                short=f"first use of {', '.join(families)} by {who} in this repository",
            )

    def uncovered(self) -> None:
        """Added executable lines the `--coverage` report says no test ran."""
        if self.ctx.coverage is None:
            return
        for path, lines in sorted(self.ctx.coverage.uncovered.items()):
            self._take("uncovered", path, set(lines), "no test runs this added line (--coverage)")

    def new_to_author(self) -> None:
        """One item per file: on real histories a file's hunks otherwise flood the brief."""
        author = self.ctx.facts.author
        who = author.login or "the author"
        for path in author.files_new_to_author:
            done = self.covered.setdefault(path, set())
            fresh = self.ctx.added.get(path, set()) - done
            if not fresh:
                continue
            spans = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs(fresh))
            why = f"{who} has never changed this file before ({len(fresh)} lines: {spans})"
            item = BriefItem("new_to_author", path, min(fresh), max(fresh), why)
            item.taken = [(path, n) for n in sorted(fresh)]
            self.items.append(item)
            done.update(fresh)

    def ai_blocks(self) -> None:
        for share in self.ctx.share.files if self.ctx.share else []:
            if not share.total or share.ai / share.total <= AI_FILE_SHARE:
                continue
            why = (
                f"large added block in a file whose added lines are {share.ai / share.total:.0%} "
                "AI-written"
            )
            for first, last in runs(self.ctx.added.get(share.path, set())):
                if last - first + 1 >= AI_BLOCK_LINES:
                    self._take("ai_block", share.path, set(range(first, last + 1)), why)
