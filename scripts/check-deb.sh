#!/usr/bin/env bash
# Checks a Debian package built by scripts/package-deb.sh without installing it (which needs
# root): its metadata and contents, then its programs run from the unpacked tree with no
# environment pointing at the checkout, so they must find the packaged model, lexicon and demo.
#
#   scripts/check-deb.sh target/debug/bundle/deb/Polku_0.1.0_amd64.deb
set -euo pipefail
deb=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "check-deb: $deb: $*" >&2; exit 1; }

# Output is captured before it is searched: `grep -q` stops reading at its first match, and
# under pipefail the writer's broken pipe would decide the check at random.
depends=$(dpkg-deb --field "$deb" Depends)
grep -q libwebkit2gtk-4.1 <<<"$depends" || fail "does not depend on WebKitGTK: $depends"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/polku-desktop usr/bin/polku usr/share/applications/Polku.desktop \
  usr/lib/Polku/models/multilingual-e5-small/model.safetensors \
  usr/lib/Polku/lemmas/fi/forms.fst usr/lib/Polku/demo/codebook.json; do
  [ -s "$root/$f" ] || fail "lacks /$f"
done
libraries=$(ldd "$root/usr/bin/polku-desktop")
if grep -q "not found" <<<"$libraries"; then
  fail "the app needs libraries the package does not depend on: $(grep 'not found' <<<"$libraries")"
fi

run() { env -u POLKU_MODELS -u POLKU_LEMMAS -u POLKU_ASSETS HOME="$root/home" "$root/usr/bin/polku" "$@"; }
models=$(run models --json)
grep -q "\"path\": \"$root/usr/bin/../lib/Polku/models/multilingual-e5-small\"" <<<"$models" \
  || fail "the packaged command line does not find the packaged model: $models"
# A compound found by its last part needs the packaged Finnish lexicon.
printf 'Kuukausimaksu nousi yllättäen.\n' >"$root/palaute.txt"
run new "$root/p.polku" --name check >/dev/null
run import "$root/p.polku" "$root/palaute.txt" >/dev/null
hits=$(run search "$root/p.polku" maksu)
grep -q Kuukausimaksu <<<"$hits" || fail "the packaged command line does not find the packaged lexicon: $hits"
echo "check-deb: $deb: contents, libraries, model and lexicon found"
