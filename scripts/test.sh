#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the UI, then the whole Rust workspace's
# tests (core, CLI end-to-end, demo material, desktop shell).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd ui && npm run build --silent && npm test --silent)
cargo test --workspace --locked
