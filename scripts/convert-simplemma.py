#!/usr/bin/env python3
"""Builds Polku's Finnish lemma lexicon from simplemma's data (scripts/fetch-model.py runs it).

Usage: convert-simplemma.py fi.plzma frontcode.py OUT

fi.plzma is simplemma's lzma-compressed, front-coded form->lemma table; frontcode.py is
simplemma's own decoder for it, taken from the same pinned wheel. The table is normalised to
what Polku's tokenizer can meet (lower-case, NFC, one word of letters and digits, under 64
bytes) and compiled by the `polku-lemmas` tool into OUT/forms.fst and OUT/lemmas.txt. A lower-case
form written both as a common word and as a name ("tuli", "Tuli") keeps the common word's lemma.
Deterministic: the output's sha256 is pinned in assets/model-manifest.json.
"""

import importlib.util
import lzma
import os
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SOURCE = """# Finnish lemma lexicon

Built by Polku's set-up (`scripts/fetch-model.sh`) from the Finnish data of the PyPI package
simplemma 2.0.0 (software MIT licence, Adrien Barbaresi and contributors), file
`simplemma/strategies/dictionaries/data/fi.plzma`: 3.5 million word forms of 125,000 lemmas.

simplemma states that its lemmatisation lists are derived from these sources, whose licences
apply to this data (not to Polku's code, which is MIT OR Apache-2.0):
- Lemmatization lists by Michal Měchura (Open Database License 1.0);
- Wiktionary entries packaged by the Kaikki project (CC BY-SA 4.0 and GFDL);
- the FreeLing project, spaCy lookups data and the UniMorph project (CC BY-SA 3.0);
- the Wikinflection corpus by Eleni Metheniti (CC BY 4.0).

Polku does not ship this data in its repository or binaries; the set-up downloads it.
"""


def main():
    plzma, frontcode, out = sys.argv[1:4]
    spec = importlib.util.spec_from_file_location("frontcode", frontcode)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with lzma.open(plzma, "rb") as f:
        table = module._decode_stream(f.read())
    rows = set()
    for raw_form, raw_lemma in table.items():
        try:
            form = unicodedata.normalize("NFC", raw_form.decode("utf-8"))
            lemma = unicodedata.normalize("NFC", raw_lemma.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        if not (form.isalnum() and lemma.isalnum()) or len(form.encode()) >= 64:
            continue
        proper = lemma[:1].isupper()
        # Sort key puts the common-word reading of a form first; polku-lemmas keeps the first.
        rows.add((form.lower(), form[:1].isupper(), proper, lemma.lower()))
    os.makedirs(out, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as tsv:
        for form, _, proper, lemma in sorted(rows):
            tsv.write(f"{form}\t{lemma}\t{int(proper)}\n")
    try:
        subprocess.run(["cargo", "run", "--quiet", "--release", "--locked", "-p", "polku-lemmas", "--",
                        tsv.name, out], cwd=ROOT, check=True)
    finally:
        os.unlink(tsv.name)
    with open(os.path.join(out, "SOURCE.md"), "w", encoding="utf-8") as f:
        f.write(SOURCE)


if __name__ == "__main__":
    main()
