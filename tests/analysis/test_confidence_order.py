"""One order of confidences (`Confidence.rank`) serves the gate's `--fail-on-confidence`, the
weakest-hop rule of a flow and the engine's choice between two flows to the same sink."""

from __future__ import annotations

import pickle

from netgain.analysis.findings import Confidence
from netgain.analysis.summaries import RawFinding, better_finding
from netgain.analysis.values import Step, lower_confidence

HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW


def test_rank_orders_low_medium_high() -> None:
    assert [c.rank for c in (LOW, MEDIUM, HIGH)] == [0, 1, 2]
    assert pickle.loads(pickle.dumps(MEDIUM)).rank == 1  # noqa: S301 - as the cache restores it


def test_a_flow_is_as_sure_as_its_weakest_hop() -> None:
    assert lower_confidence(HIGH, MEDIUM) is MEDIUM
    assert lower_confidence(LOW, HIGH) is LOW
    assert lower_confidence(MEDIUM, MEDIUM) is MEDIUM


def test_the_engine_keeps_the_surer_flow_then_the_shorter() -> None:
    sink = Step("app.py", 9, 4, "sink")

    def raw(confidence: Confidence, hops: int) -> RawFinding:
        trace = tuple(Step("app.py", i, 0, "step") for i in range(1, hops + 1))
        return RawFinding("sql-injection", sink, trace, confidence, "request")

    assert better_finding(raw(HIGH, 5), raw(MEDIUM, 1))
    assert not better_finding(raw(LOW, 1), raw(MEDIUM, 5))
    assert better_finding(raw(MEDIUM, 2), raw(MEDIUM, 3))
