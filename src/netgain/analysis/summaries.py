"""Function summaries: what a function does with its parameters, reused at every call site.

A summary (Pysa style) records parameter -> return flows, parameter -> sink flows, source ->
return flows and parameter -> attribute-of-self flows (constructors), each with the rules the
function sanitized for and the steps inside the function, so a caller in another module can
compose a complete trace without re-analysing the callee.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netgain.analysis.findings import Confidence
from netgain.analysis.values import Label, Step, fast_pickle, preferred_trace


@fast_pickle
@dataclass(frozen=True, slots=True)
class ParamFlow:
    param: int
    cleaned: frozenset[str]
    trace: tuple[Step, ...]


@fast_pickle
@dataclass(frozen=True, slots=True)
class ParamSink:
    param: int
    rule: str
    sources: frozenset[str]  # source kinds the sink accepts
    cleaned: frozenset[str]
    trace: tuple[Step, ...]  # from the parameter to the sink (last step)


@fast_pickle
@dataclass(frozen=True, slots=True)
class RawFinding:
    """A concrete flow found by the engine, before it becomes a `Finding` (snippets added later)."""

    rule: str
    sink: Step
    trace: tuple[Step, ...]
    confidence: Confidence
    source_kind: str


def better_finding(a: RawFinding, b: RawFinding) -> bool:
    """Whether `a` is reported rather than `b` for the same rule and sink: the surer one, then
    the trace `preferred_trace` picks, then the source kind (so the choice is a total order and
    never depends on which was found first)."""
    ra, rb = a.confidence.rank, b.confidence.rank
    if ra != rb:
        return ra > rb
    if a.trace != b.trace:
        return preferred_trace(a.trace, b.trace)
    return a.source_kind < b.source_kind


@dataclass(slots=True)
class Summary:
    returns: tuple[ParamFlow, ...] = ()
    sinks: tuple[ParamSink, ...] = ()
    source_returns: frozenset[Label] = frozenset()
    self_flows: tuple[ParamFlow, ...] = ()
    return_type: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # Leading elements of a returned list: the parameters and source labels flowing into each,
    # so `subprocess.run(build_argv(...))` can tell whether the program itself is tainted.
    return_head: tuple[tuple[frozenset[int], frozenset[Label]], ...] | None = None
    # Parameters a predicate validates: every truthy return is reached only after a check on
    # them (`def is_safe(name): return re.fullmatch(...) is not None`), with the rules cleared.
    validates: tuple[tuple[int, frozenset[str]], ...] = ()

    def shape(self) -> tuple[object, ...]:
        """What callers depend on, without traces: the fixpoint compares shapes."""
        return (
            frozenset((f.param, f.cleaned) for f in self.returns),
            frozenset(
                (s.param, s.rule, s.cleaned, s.trace[-1] if s.trace else None) for s in self.sinks
            ),
            frozenset(
                (lb.kind, lb.cleaned, lb.trace[0] if lb.trace else None)
                for lb in self.source_returns
            ),
            frozenset((f.param, f.cleaned) for f in self.self_flows),
            self.return_type,
            None
            if self.return_head is None
            else tuple(
                (tuple(sorted(params)), frozenset(lb.key() for lb in sources))
                for params, sources in self.return_head
            ),
            self.validates,
        )


EMPTY_SUMMARY = Summary()


def _empty_summary() -> Summary:
    return EMPTY_SUMMARY


def _reduce_summary(self: Summary) -> tuple[object, tuple[object, ...]]:
    """Most functions have an empty summary: pickle those as the shared `EMPTY_SUMMARY` (a tenth
    of a warm rescan was spent rebuilding identical empty summaries)."""
    if (
        not (self.returns or self.sinks or self.source_returns or self.self_flows or self.extra)
        and self.return_type is None
        and self.return_head is None
        and not self.validates
    ):
        return (_empty_summary, ())
    return (
        Summary,
        (
            self.returns,
            self.sinks,
            self.source_returns,
            self.self_flows,
            self.return_type,
            self.extra,
            self.return_head,
            self.validates,
        ),
    )


Summary.__reduce__ = _reduce_summary  # type: ignore[assignment,method-assign]
