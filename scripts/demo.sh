#!/usr/bin/env bash
# The first thing a new user runs: netgain on its own history, with the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
NETGAIN=.venv/bin/netgain
# the checkout's own top level: `.git` is a file in a worktree or submodule, and an unpacked
# sdist inside some other repository must not analyse that repository's history
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" != "$(pwd -P)" ]; then
  echo "make demo analyses netgain's own git history: run it from a git clone" >&2
  exit 2
fi
echo "== netgain ingest: history and AI provenance into .netgain/netgain.db"
$NETGAIN ingest .
echo
echo "== netgain provenance HEAD: per-commit attribution (latest 15)"
$NETGAIN provenance HEAD --limit 15
echo
if [ -d src ]; then
  # the product code: the tests (a third of the lines) would double the blame time of a first run
  echo "== netgain share HEAD --include 'src/**': AI share of every surviving line of the source, by tool and file"
  $NETGAIN share HEAD --include 'src/**' --top 10
else
  echo "== netgain share HEAD: AI share of every surviving line, by tool and file"
  $NETGAIN share HEAD --exclude 'tests/fixtures/' --top 10
fi
if [ -d src ]; then
  echo
  echo "== netgain scan src --fail-on critical: security findings in netgain itself"
  $NETGAIN scan src --fail-on critical || true
fi
if git rev-parse -q --verify HEAD~3 >/dev/null; then
  echo
  echo "== netgain check --base HEAD~3 --head HEAD: the review gate for the last three commits"
  $NETGAIN check --base HEAD~3 --head HEAD || true
fi
echo
echo "Store: $(pwd)/.netgain/netgain.db  (query it, or run: $NETGAIN provenance HEAD --json)"

if $NETGAIN incidents --help >/dev/null 2>&1 && [ -f examples/incidents.csv ]; then
  echo
  echo "== netgain incidents import examples/incidents.csv: a bundled example incidents file"
  $NETGAIN incidents import examples/incidents.csv || true
fi
echo
echo "== netgain report: throughput, incidents, AI vs human quality, rework and review load"
REPORT="$(pwd)/.netgain/report.html"
$NETGAIN report --output "$REPORT" --scan src
echo "Report: $REPORT  (one offline HTML file; open it in a browser)"
