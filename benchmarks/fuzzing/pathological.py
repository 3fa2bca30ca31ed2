"""Pathological inputs of a given size for every fuzz target: the shapes that make parsers slow.

Each builder takes a size in bytes and returns one input of about that size in the real format:
deep nesting, one huge line or cell or string, a huge number of lines, records or ranges,
patterns that make a backtracking engine explode. benchmarks/fuzz.py runs every shape at 10 MB
and records time and peak memory; tests/fuzz/test_pathological.py runs the riskiest at 1-2 MB and
checks the documented outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from benchmarks.fuzzing import seeds

Builder = Callable[[int], bytes]


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // max(1, len(unit)))


def deep_json(size: int) -> bytes:
    half = size // 2
    return ("[" * half + "]" * half).encode()


def json_array(item: object) -> Builder:
    """An array of `item` repeated to `size`, one per line (the line finder's worst case)."""

    def build(size: int) -> bytes:
        line = json.dumps(item)
        return ("[\n" + ",\n".join([line] * max(1, size // (len(line) + 2))) + "\n]\n").encode()

    return build


def json_with_string(seed: bytes, key: str) -> Builder:
    """The seed with the value of the first `key` replaced by one string of `size` characters."""

    def build(size: int) -> bytes:
        text = seed.decode()
        at = text.index(f'"{key}"')
        start = text.index('"', text.index(":", at)) + 1
        end = text.index('"', start)
        return (text[:start] + _repeat("x", size) + text[end:]).encode()

    return build


def _first_record(seed: bytes, key: str | None = None) -> object:
    data = json.loads(seed)
    items = data[key] if key else data
    return items[0]


def _csv_row(seed: bytes) -> tuple[str, str]:
    lines = seed.decode().split("\n")
    return lines[0], lines[1]


def csv_rows(seed: bytes) -> Builder:
    def build(size: int) -> bytes:
        header, row = _csv_row(seed)
        return (header + "\n" + _repeat(row + "\n", size)).encode()

    return build


def csv_cell(seed: bytes, quoted_open: bool = False) -> Builder:
    """One cell of `size` characters (or an opening quote never closed, to the end of the file)."""

    def build(size: int) -> bytes:
        header, row = _csv_row(seed)
        first, _, rest = row.partition(",")
        cell = ('"' + _repeat("x,\n", size)) if quoted_open else _repeat("x", size)
        return f"{header}\n{first},{cell},{rest}\n".encode()

    return build


def lines(unit: str, head: str = "", tail: str = "") -> Builder:
    def build(size: int) -> bytes:
        return (head + _repeat(unit, size) + tail).encode()

    return build


def one_line(prefix: str, filler: str, suffix: str = "") -> Builder:
    def build(size: int) -> bytes:
        return (prefix + _repeat(filler, size) + suffix).encode()

    return build


_NOTE_META = seeds.GITAI[0].decode().split("\n---\n")[1]
_RECORD = json.dumps(json.loads(seeds.AGENT_TRACE[0].split(b"\n")[0]))
_SARIF = json.loads(seeds.SARIF_LOGS[-1])
_RESULT = _SARIF["runs"][0]["results"][0]


def sarif_results(size: int) -> bytes:
    log = json.loads(json.dumps(_SARIF))
    count = max(1, size // len(json.dumps(_RESULT)))
    log["runs"][0]["results"] = [_RESULT] * count
    return json.dumps(log, indent=1).encode()


SHAPES: dict[str, list[tuple[str, Builder]]] = {
    "gitai-note": [
        (
            "one attestation of 10 MB of ranges",
            one_line("a.py\n  0123456789abcdef ", "1-2,", "3\n---\n" + _NOTE_META),
        ),
        (
            "10 MB of file paths",
            lines("src/file.py\n  0123456789abcdef 1\n", tail="---\n" + _NOTE_META),
        ),
        (
            "metadata nested 5 M deep",
            lambda size: b"a.py\n  0123456789abcdef 1\n---\n" + deep_json(size),
        ),
    ],
    "agent-trace": [
        ("10 MB of records, one a line", lines(_RECORD + "\n")),
        ("one line nested 5 M deep", deep_json),
        ("one record with a 10 MB path", json_with_string(seeds.AGENT_TRACE[1], "path")),
    ],
    "trailers": [
        ("10 MB of trailer lines", lines("Key: value\n", head="subject\n\n")),
        ("one trailer, 10 MB of continuation lines", lines(" c\n", head="subject\n\nKey: v\n")),
        ("one 10 MB line", one_line("subject\n\n", "a", ": x\n")),
    ],
    "provenance-markers": [
        (
            "a 10 MB pattern",
            one_line(
                '[[provenance.markers]]\ntool = "x"\nfield = "subject"\npattern = "', "a|", 'b"\n'
            ),
        ),
    ],
    "sarif": [
        ("10 MB of results", sarif_results),
        ("nested 5 M deep", deep_json),
        ("a 10 MB message", json_with_string(seeds.SARIF_LOGS[-1], "text")),
    ],
    "baseline": [
        (
            "10 MB of findings",
            lambda size: json.dumps(
                {
                    "version": 1,
                    "findings": json.loads(
                        json_array(
                            {"fingerprint": "ab" * 16, "rule": "x", "path": "a.py", "line": 1}
                        )(size)
                    ),
                }
            ).encode(),
        ),
        ("nested 5 M deep", deep_json),
    ],
    "suppressions": [
        ("10 MB of suppression lines", lines("x = 1  # netgain: ignore[sql-injection] reviewed\n")),
        ("one 10 MB comment", one_line("x = 1  # netgain: ignore[", "a,", "] why\n")),
        ("10 MB that does not tokenize", lines("# netgain: ignore[x] y\n", head="s = '''\n")),
    ],
    "incidents-csv": [
        ("10 MB of rows", csv_rows(seeds.CSV_GENERIC[0])),
        ("one 10 MB cell", csv_cell(seeds.CSV_GENERIC[0])),
        ("a quote never closed, 10 MB", csv_cell(seeds.CSV_GENERIC[0], quoted_open=True)),
    ],
    "incidents-pagerduty": [
        ("10 MB of rows", csv_rows(seeds.CSV_PAGERDUTY[0])),
        ("one 10 MB cell", csv_cell(seeds.CSV_PAGERDUTY[0])),
    ],
    "incidents-json": [
        (
            "10 MB of incidents, one a line",
            json_array(_first_record(seeds.JSON_GENERIC[0], "incidents")),
        ),
        ("nested 5 M deep", deep_json),
    ],
    "incidents-jira": [
        (
            "10 MB of issues",
            lambda size: json.dumps(
                {"issues": json.loads(json_array(_first_record(seeds.JIRA[0], "issues"))(size))},
                indent=1,
            ).encode(),
        ),
        ("a 10 MB description", json_with_string(seeds.JIRA[0], "description")),
        ("nested 5 M deep", deep_json),
    ],
    "incidents-github": [
        ("10 MB of issues", json_array(_first_record(seeds.GITHUB_ISSUES[0]))),
        ("a 10 MB body", json_with_string(seeds.GITHUB_ISSUES[0], "body")),
    ],
    "incidents-detect": [
        ("10 MB of rows", csv_rows(seeds.CSV_GENERIC[0])),
        ("10 MB of incidents", json_array(_first_record(seeds.JSON_GENERIC[0], "incidents"))),
    ],
    "incidents-store": [
        ("10 MB of incidents", json_array(_first_record(seeds.JSON_GENERIC[0], "incidents"))),
    ],
    "prs-github": [
        ("10 MB of pull requests", json_array(_first_record(seeds.PULLS_GITHUB[0]))),
        ("pages nested 5 M deep", lambda size: b"[]\n" + deep_json(size)),
    ],
    "prs-gitlab": [
        ("10 MB of merge requests", json_array(_first_record(seeds.PULLS_GITLAB[0]))),
    ],
    "review-export": [
        ("10 MB of reviews", json_array(_first_record(seeds.REVIEW_EXPORTS[0]))),
    ],
    "coverage": [
        ("10 MB of lcov lines", lines("DA:1,1\n", head="SF:a.py\n", tail="end_of_record\n")),
        (
            "10 MB of Cobertura lines",
            lines(
                '<line number="1" hits="1"/>\n',
                head='<coverage><class filename="a.py">\n',
                tail="</class></coverage>\n",
            ),
        ),
        (
            "XML nested 1 M deep",
            lambda size: (
                "<coverage>" + "<a>" * (size // 8) + "</a>" * (size // 8) + "</coverage>"
            ).encode(),
        ),
    ],
    "codeowners": [
        ("10 MB of rules (GitHub ignores >= 3 MB)", lines("/src/dir/*.py @team\n")),
        (
            "2.9 MB of rules, matched",
            lambda size: lines("/src/dir/*.py @team\n")(min(size, 2_900_000)),
        ),
        (
            "one 2.9 MB owner",
            lambda size: one_line("*a*a*a*a*a*a*a*a*b a@", ".", "@\n")(min(size, 2_900_000)),
        ),
    ],
    "policy": [
        ("10 MB of rules (over the 1 MiB cap)", lines('[[rules]]\nname = "r"\nif = "true"\n')),
        (
            "1 MiB of distinct rules",
            lambda size: "".join(
                f'[[rules]]\nname = "r{i}"\nif = "change.ai_lines > {i}"\n'
                for i in range(min(size, 1_000_000) // 50)
            ).encode(),
        ),
        ("nested arrays 5 M deep", lambda size: b"x = " + deep_json(size)),
    ],
    "cel": [
        ("a 10 MB condition", one_line("", "true && ", "true")),
        ("parentheses 5 M deep", lambda size: b"(" * (size // 2) + b")" * (size // 2)),
    ],
    "github-event": [
        ("a 10 MB PR body", json_with_string(seeds.EVENTS[0], "body")),
        ("nested 5 M deep", deep_json),
    ],
    "github-reviews": [
        ("10 MB of reviews", json_array(_first_record(seeds.REVIEW_LISTS[0]))),
    ],
}
