#!/usr/bin/env bash
# Builds the Debian package of Polku with Tauri's bundler, offline: the desktop app
# (/usr/bin/polku-desktop, with its menu entry), the command line (/usr/bin/polku), and in
# /usr/lib/Polku the default model, the Finnish lemma lexicon and the demo material, which both
# programs find there (crates/polku/src/assets.rs). Run after scripts/setup.sh.
#
#   scripts/package-deb.sh           release build: target/release/bundle/deb/Polku_<version>_amd64.deb
#   scripts/package-deb.sh --debug   debug build (what the test command checks; reuses its build)
#
# Install with `sudo apt install ./Polku_<version>_amd64.deb`.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
build=(--release --workspace --bins)
flags=()
if [ "${1:-}" = "--debug" ]; then
  # Every target of the workspace, as `cargo test --workspace` builds them: the same features
  # for every dependency, so the test command's build is reused instead of a second tree.
  profile=debug
  build=(--workspace --all-targets)
  flags=(--debug)
fi
[ -f ui/dist/index.html ] || (cd ui && npm run build --silent)
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# Both programs in one cargo run (one feature resolution); then Tauri's bundler packs them.
cargo build "${build[@]}" --locked
cli="$target/$profile/polku"
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/polku":"%s"}}}}}' "$cli")
ui/node_modules/.bin/tauri bundle "${flags[@]}" --ci --bundles deb --config "$config"
ls "$target/$profile/bundle/deb/"*.deb
