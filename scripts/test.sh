#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the UI, then the whole Rust workspace's
# tests (core, CLI end-to-end, demo material, desktop shell), and the rust-bert backend's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd ui && npm run build --silent && npm test --silent)
cargo test --workspace --locked
# The optional rust-bert (libtorch) embedding backend against candle: one test file only, as
# this build adds minutes on two cores.
LIBTORCH=/usr cargo test -p polku --features rust-bert --test embed_tch --locked
