#!/usr/bin/env bash
# The HTML report tests drive a real headless Chromium (Debian's `chromium` package).
# Installs it when missing and when we are allowed to (root with apt-get); otherwise says how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "ensure-chromium: /usr/bin/chromium is missing; install Debian's 'chromium' package" >&2
echo "(the HTML report browser tests fail without it)" >&2
exit 1
