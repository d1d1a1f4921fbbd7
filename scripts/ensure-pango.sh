#!/usr/bin/env bash
# WeasyPrint makes Keywork's PDFs and needs the Pango library from the operating system. `make run`
# and `make test` call this first: if Pango is missing it is installed where that can be done
# without asking (apt as root, or with password-less sudo, as .ci/run does for Chromium);
# otherwise it stops with one line saying what to install.
set -euo pipefail
PY="${1:-.venv/bin/python}"
have_pango() { "$PY" -c "import weasyprint" >/dev/null 2>&1; }
have_pango && exit 0

PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    SUDO="sudo -n"
  else
    SUDO="none"
  fi
  if [ "$SUDO" != none ]; then
    echo "Installing Pango for PDFs (apt-get install $PACKAGES)…" >&2
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null
    have_pango && exit 0
  fi
fi
echo "Keywork's PDFs need the Pango library, which is missing: install it (Debian/Ubuntu: sudo apt-get install $PACKAGES; Fedora: sudo dnf install pango; macOS: brew install pango), then run this again." >&2
exit 1
