#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter: netgain parses PEP 701 f-strings with the
# standard library's own parser, so an older interpreter cannot analyse modern code.
set -eu
for v in 3.12 3.13; do
  for p in "$HOME"/.pyenv/versions/"$v"*/bin/python"$v" "$(command -v "python$v" 2>/dev/null || true)"; do
    if [ -n "$p" ] && [ -x "$p" ]; then echo "$p"; exit 0; fi
  done
done
if command -v python3 >/dev/null && python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  command -v python3; exit 0
fi
echo "netgain needs Python 3.12 or newer; none found (try: pyenv install 3.12)" >&2
exit 1
