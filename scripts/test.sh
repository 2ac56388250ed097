#!/usr/bin/env bash
# Runs every test: installs what is missing, checks formatting and lints (rustfmt, clippy with
# warnings as errors, svelte-check inside the UI build), builds the UI and runs its unit tests,
# then the whole Rust workspace's tests (core, CLI end-to-end, demo material, exports opened by
# LibreOffice and Chromium, desktop shell), the Debian package (built and checked),
# and the rust-bert backend's tests. A run leaves `git status` clean.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# One build from cold: incremental caches would only add gigabytes of disk.
export CARGO_INCREMENTAL=0
cargo fmt --all --check
# The UI is built before clippy: the desktop crate embeds `ui/dist`, which a fresh clone lacks.
(cd ui && npm run build --silent && npm test --silent)
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The Debian package (the debug build above, bundled) and what it holds and finds.
deb=$(./scripts/package-deb.sh --debug | tail -1)
./scripts/check-deb.sh "$deb"
# The optional rust-bert (libtorch) embedding backend against candle: only its module of the
# core's test binary (a name filter), as this build adds minutes on two cores. `--workspace`
# keeps every other dependency's features as above, so only rust-bert's own crates are built.
LIBTORCH=/usr cargo test --workspace --features polku/rust-bert --test tests embed_tch:: --locked
