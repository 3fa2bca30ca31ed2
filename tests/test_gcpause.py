"""netgain.gcpause leaves the collector as it found it, also when the work inside fails."""

from __future__ import annotations

import gc

import pytest

from netgain.gcpause import fewer_collections


def test_collector_restored_after_the_work_and_after_a_failure() -> None:
    gc.unfreeze()  # as in a fresh `netgain` process (the test runner may have frozen objects)
    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    with fewer_collections():
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() > 0  # what was alive is out of the collector's sight
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_objects_frozen_by_the_caller_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with fewer_collections():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_cycles_made_inside_are_still_collected() -> None:
    class Node:
        other: object = None

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
