"""The board answer as plain text (`netgain metrics --board`): one screen, every figure with its
interval and sample size, or "insufficient data" and why. The HTML report renders the same
`board` document (templates/report.html.j2, section `#board`)."""

from __future__ import annotations

from typing import Any


def _num(x: float | None, percent: bool = False) -> str:
    if x is None:
        return "-"
    return f"{x:+.1%}" if percent else f"{x:+.2f}"


def interval(est: dict[str, Any] | None, *, percent: bool = False) -> str:
    """`+1.23 [0.40, 2.06]`, or `-` when there is no value."""
    if not est or est.get("value") is None:
        return "-"
    return (
        f"{_num(est['value'], percent)} [{_num(est['low'], percent)}, {_num(est['high'], percent)}]"
    )


def refusal(doc: dict[str, Any]) -> str:
    """Why a figure is missing: insufficient data and the reason, or the missing source."""
    reason = doc.get("reason")
    return f"{doc.get('status', 'insufficient data')}" + (f": {reason}" if reason else "")


def throughput_lines(name: str, its: dict[str, Any]) -> list[str]:
    if its.get("status") != "ok":
        return [f"  {name}: {refusal(its)}"]
    ratio = its["after_over_before"]
    ratio_text = (
        f"{ratio['value']:.2f}x [{ratio['low']:.2f}, {ratio['high']:.2f}]"
        if ratio.get("value") is not None
        else refusal(ratio)
    )
    relative = its["relative_level_change"]
    relative_text = (
        f"{interval(relative, percent=True)} of the pre-AI trend"
        if relative.get("value") is not None
        else "no relative change: the pre-AI trend is at or below zero there"
    )
    return [
        f"  {name} ({its['unit']}): {its['mean_before']:.1f} before, {its['mean_after']:.1f} "
        f"after ({ratio_text}; {its['weeks_before']} + {its['weeks_after']} weeks)",
        f"    level change at adoption {interval(its['level_change'])} per week "
        f"({relative_text}), "
        f"slope change {interval(its['trend_change_per_week'])} per week per week; "
        f"gap to the pre-AI trend at the end {interval(its['relative_change_at_end'], percent=True)}",
        *(f"    warning: {w}" for w in its.get("warnings", [])),
    ]


def board_lines(board: dict[str, Any]) -> list[str]:
    """The board document as lines of text."""
    weeks = board["weeks"]
    adoption = board["adoption"]
    out = [
        f"Board answer: {weeks['count']} complete weeks ({weeks['first'] or '-'} to "
        f"{weeks['last'] or '-'}); 95% intervals",
    ]
    if adoption.get("status") == "ok":
        before = adoption.get("ai_share_before")
        after = adoption.get("ai_share_after")
        out.append(
            f"AI adoption: week {adoption['week']} ({adoption['date']}), AI share of added lines "
            f"{'-' if before is None else f'{before:.0%}'} before, "
            f"{'-' if after is None else f'{after:.0%}'} after; {adoption['method']}"
        )
    else:
        out.append(f"AI adoption: {refusal(adoption)}")
    out.append("Throughput against the pre-AI baseline (segmented regression, AR(1) errors, HC3):")
    for name, its in board["throughput"].items():
        out.extend(throughput_lines(name, its))
    net = board["net_gain"]
    if net.get("status") == "ok":
        diff = net["after_minus_before"]
        out.append(
            f"Net gain after downstream cost: {interval(diff)} net features per week after "
            f"minus before (bootstrap over weeks, n={diff['n']})"
            + (
                f"; upper bound, no data for: {', '.join(net['missing_costs'])}"
                if net["missing_costs"]
                else ""
            )
        )
    else:
        out.append(f"Net gain after downstream cost: {refusal(net)}")
    out.append("Weights:")
    for key, w in board["weights"].items():
        n = f", n={w['n']}" if w.get("n") else ""
        out.append(f"  {key} = {w['value']:.2f} ({w['basis']}: {w['source']}{n})")
    quality = board["quality"]
    out.append(f"AI against human quality, adjusted ({quality['model']}):")
    for name in ("defects", "incidents"):
        q = quality[name]
        if q.get("status") == "ok":
            out.append(
                f"  {name}: AI minus human {interval(q['ai_minus_human'], percent=True)} "
                f"probability per change, adjusted for {', '.join(q['adjusted_for']) or 'nothing'} "
                f"(n={q['n']}: {q['n_ai']} AI, {q['n_human']} human)"
            )
        else:
            out.append(f"  {name}: {refusal(q)}")
    return out
