#!/usr/bin/env bash
# Installs what is missing, builds, and opens the Polku desktop app on the demo project
# (built on first run at ~/.local/share/polku/demo.polku). Pass a .polku file to open another.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ $# -eq 0 ]; then set -- --demo; fi
exec ./scripts/desktop-run.sh "$@"
