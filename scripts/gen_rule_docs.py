"""Regenerate docs/rules/ from the rules' own documentation.

Usage: .venv/bin/python scripts/gen_rule_docs.py [OUT_DIR]   (default: docs/rules)

tests/report/test_rule_docs.py fails when the committed pages differ from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import netgain.analysis.rules  # noqa: F401  (importing registers every rule)
from netgain.analysis.rules.base import all_rules
from netgain.report.rule_docs import write_rule_docs

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "rules"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    rules = all_rules()
    missing = {r.id: r.missing_sections() for r in rules if r.missing_sections()}
    if missing:
        for rule_id, sections in sorted(missing.items()):
            sys.stderr.write(f"{rule_id}: missing doc sections: {', '.join(sections)}\n")
        return 1
    written = write_rule_docs(out, rules)
    sys.stdout.write(f"wrote {len(written)} pages to {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
