"""Routing fairness and the and / or tree, as properties."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from netgain.config import RawConfig
from netgain.policy.codeowners import Codeowners
from netgain.policy.evaluate import ORDER, _combine
from netgain.policy.facts import ChangeContext
from netgain.policy.github import PullRequest
from netgain.policy.people import Directory
from netgain.policy.routing import rank
from netgain.policy.schema import Policy, policy_from_config

STATUS = st.sampled_from([*ORDER, "skipped"])


def _policy() -> Policy:
    return policy_from_config(RawConfig({"people": {"teams": {"t": ["ann", "ben", "cyd"]}}}))


def _ctx(head: str) -> ChangeContext:
    return ChangeContext(Path(), "b" * 40, head, PullRequest(), "dev", [])


def test_equal_candidates_take_turns_across_changes_and_stay_put_within_one() -> None:
    policy = _policy()
    people = Directory(policy, Codeowners())
    winners = set()
    for i in range(40):
        ctx = _ctx(f"{i:040x}")
        order = [c.login for c in rank({"ann", "ben", "cyd"}, ctx, people, policy, {})]
        assert order == [c.login for c in rank({"cyd", "ben", "ann"}, ctx, people, policy, {})]
        winners.add(order[0])
    assert winners == {"ann", "ben", "cyd"}


def test_load_outweighs_a_tie() -> None:
    policy = _policy()
    people = Directory(policy, Codeowners())
    for i in range(10):
        ranked = rank({"ann", "ben"}, _ctx(f"{i:040x}"), people, policy, {"ann": 1})
        assert [c.login for c in ranked] == ["ben", "ann"]


@given(st.lists(STATUS, min_size=1, max_size=6))
def test_all_of_is_its_worst_and_any_of_its_best_child(children: list[str]) -> None:
    active = [s for s in children if s != "skipped"]
    all_of, any_of = _combine("all_of", children), _combine("any_of", children)
    if not active:
        assert all_of == any_of == "skipped"
        return
    assert all_of in active and any_of in active
    assert all(ORDER.index(all_of) >= ORDER.index(s) for s in active)
    assert all(ORDER.index(any_of) <= ORDER.index(s) for s in active)


@given(st.lists(STATUS, min_size=1, max_size=6))
def test_an_extra_approved_child_never_hurts_any_of_and_skipped_is_neutral(
    children: list[str],
) -> None:
    before = _combine("any_of", children)
    assert _combine("any_of", [*children, "approved"]) == "approved"
    assert _combine("any_of", [*children, "skipped"]) == before
    assert _combine("all_of", [*children, "skipped"]) == _combine("all_of", children)
