#!/usr/bin/env bash
# Builds the desktop app: the web UI (ui/dist) and then the Tauri binary, which embeds it
# (target/debug/polku-desktop). Idempotent: steps whose inputs have not changed are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# Front-end packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "desktop-build: installing front-end packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

# The UI, unless ui/dist is newer than every input. Rebuilding needlessly would change the
# embedded files' timestamps and make cargo recompile the desktop crate.
ui_inputs=(ui/src ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts ui/svelte.config.js ui/tsconfig.json)
if [ ! -f ui/dist/index.html ] || [ -n "$(find "${ui_inputs[@]}" -newer ui/dist/index.html -print -quit)" ]; then
  echo "desktop-build: building the UI"
  (cd ui && npm run build --silent)
else
  echo "desktop-build: UI is up to date"
fi

cargo build -p polku-desktop
