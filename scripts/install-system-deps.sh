#!/usr/bin/env bash
# Install the Debian/Ubuntu packages kiosk needs, only those missing.
#   Qt offscreen/xcb runtime, QtMultimedia (libpulse0), a virtual screen for screenshots
#   (xvfb) and a pointer and keyboard on it for the end-to-end tests of the counter screens
#   (xdotool), a PostgreSQL server for the several-PC tests and a PulseAudio server with a
#   null sink (pulseaudio, pulseaudio-utils) for the tests that play real sound, and binutils
#   (as, ld, readelf) with which kiosk.spec trims the bundle; chromium and zbar-tools (zbarimg)
#   for the end-to-end tests of `kiosk web` (a real browser opening the QR of a printed ticket);
#   poppler-utils (pdftotext, pdfinfo, pdftoppm) to read the PDF reports back in the tests.
# Usage: scripts/install-system-deps.sh [--check]
set -euo pipefail

packages=(
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
  libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libpulse0 libasound2
  xvfb xdotool postgresql pulseaudio pulseaudio-utils binutils chromium zbar-tools poppler-utils
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian/Ubuntu system; install the Qt 6 runtime libraries," \
       "PulseAudio client library and a PostgreSQL 15 server with your package manager." >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing Debian packages: ${missing[*]}"
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: run as root or install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
