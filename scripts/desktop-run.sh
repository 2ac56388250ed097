#!/usr/bin/env bash
# Builds (if needed) and runs the Polku desktop app.
#   scripts/desktop-run.sh [PROJECT | --demo]
# Opens PROJECT (a .polku file), else $POLKU_PROJECT, else the start screen; `--demo` opens
# the demo project at ${XDG_DATA_HOME:-~/.local/share}/polku/demo.polku, built on first run.
# Without a display (a server, CI) the window opens on a virtual X display (Xvfb :99).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/desktop-build.sh

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  export DISPLAY=:99
  if [ ! -e /tmp/.X11-unix/X99 ]; then
    echo "desktop-run: no display; starting Xvfb $DISPLAY"
    Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
      [ -e /tmp/.X11-unix/X99 ] && break
      sleep 0.1
    done
  fi
fi

target/debug/polku-desktop "$@"
