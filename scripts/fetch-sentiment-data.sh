#!/usr/bin/env bash
# Fetches the labelled English sentiment data Polku trains and tests its sentiment head with,
# from the registry packages that ship it, and checks the pinned sha256 of each package:
#   - VADER's ground truth (Hutto & Gilbert 2014, MIT): ~23,700 sentences rated -4..4 by
#     people (movie-review, Amazon, tweet and NYT snippets), in the vaderSentiment sdist.
#     Used to TRAIN the head (`polku train-sentiment`).
#   - The UCI "Sentiment Labelled Sentences" (Kotzias et al. 2015, CC BY 4.0): 3,000
#     Amazon/IMDb/Yelp sentences labelled 0/1, in the npm package `sentiment`'s test
#     fixtures. Never trained on: used only to MEASURE accuracy (crates/polku/tests/model_quality.rs).
# Output: assets/data/vader/*.txt and assets/data/uci/*.json (gitignored). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=assets/data
if [ -f "$dest/.complete" ]; then exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { echo "$1  $2" | sha256sum --check --status || { echo "fetch-sentiment-data: $2 does not match the pinned sha256" >&2; exit 1; }; }

echo "fetch-sentiment-data: vaderSentiment==3.3.2 (PyPI sdist) and sentiment@5.0.2 (npm)"
python3 -m pip download --quiet --no-deps --no-binary :all: --no-build-isolation --disable-pip-version-check \
  vaderSentiment==3.3.2 -d "$tmp" 2>/dev/null \
  || python3 -m pip download --quiet --no-deps --no-binary :all: --disable-pip-version-check vaderSentiment==3.3.2 -d "$tmp"
check 5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9 "$tmp/vaderSentiment-3.3.2.tar.gz"
(cd "$tmp" && npm pack --silent sentiment@5.0.2 >/dev/null)
check 89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f "$tmp/sentiment-5.0.2.tgz"

rm -rf "$dest" && mkdir -p "$dest/vader" "$dest/uci"
tar -xzf "$tmp/vaderSentiment-3.3.2.tar.gz" -C "$tmp" vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz
tar -xzf "$tmp/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$tmp"
for f in "$tmp"/hutto_ICWSM_2014/*_GroundTruth.txt; do cp "$f" "$dest/vader/"; done
tar -xzf "$tmp/sentiment-5.0.2.tgz" -C "$tmp" package/test/fixtures
cp "$tmp"/package/test/fixtures/{amazon,imdb,yelp}.json "$dest/uci/"
touch "$dest/.complete"
echo "fetch-sentiment-data: ready in $dest ($(cat "$dest"/vader/*.txt | wc -l) training, 3000 test sentences)"
