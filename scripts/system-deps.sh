#!/usr/bin/env bash
# Debian packages Pantau needs beyond Python: fonts and Pango for PDF reports (WeasyPrint),
# poppler-utils (pdftotext, used by the report tests) and Chromium for the browser tests.
# Installs what is missing when run as root; otherwise prints the command to run.
set -euo pipefail
pkgs=(chromium fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
