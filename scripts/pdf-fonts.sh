#!/usr/bin/env bash
# Fonts for every script a PDF may hold (children's own words, family messages): Noto for Bengali,
# Arabic/Urdu, Gurmukhi, Tamil, CJK and colour emoji beside DejaVu. Installs Debian's packages when
# run as root with apt and one is missing; otherwise says what to install (PDFs still render, with
# boxes for the missing scripts). Used by `make run`, `make test` and .ci/run.
set -uo pipefail
FONTS=(fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
missing=()
for pkg in "${FONTS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing PDF fonts: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "PDF fonts missing (install as root: apt-get install ${missing[*]}); PDFs will show boxes for those scripts." >&2
fi
exit 0
