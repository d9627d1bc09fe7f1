"""Fill the Spanish and Polish catalogues from hand-written translations.

Usage (from the repository root):
    bash scripts/i18n.sh                      # refresh the .po files from the source
    .venv/bin/python scripts/translations_es_pl.py
    bash scripts/i18n.sh                      # compile the .mo files

The translations live in scripts/translations_es_pl/*.py as ENTRIES, a list of
(msgid, Spanish, Polish), and optionally PLURALS, a list of
(msgid, msgid_plural, (Spanish forms...), (Polish one, few, many)).
Entries of the .po files that have no translation here are listed and the script exits 1;
with --check nothing is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().with_suffix("")
LOCALE = ROOT / "latido" / "locale"
LANGS = {"es": 0, "pl": 1}
NAMES = {"es": "Spanish", "pl": "Polish"}
HEADERS = {
    "es": {"Language": "es", "Language-Team": "Spanish"},
    "pl": {
        "Language": "pl", "Language-Team": "Polish",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
                        "(n%100<10 || n%100>=20) ? 1 : 2);",
    },
}
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[^{}]*\}|<[^>]+>")


def load() -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], tuple[tuple, tuple]]]:
    singles: dict[str, tuple[str, str]] = {}
    plurals: dict[tuple[str, str], tuple[tuple, tuple]] = {}
    for path in sorted(DATA.glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            sys.exit(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for msgid, es, pl in getattr(module, "ENTRIES", []):
            if msgid in singles:
                sys.exit(f"{path.name}: duplicate msgid {msgid!r}")
            singles[msgid] = (es, pl)
        for msgid, msgid_plural, es, pl in getattr(module, "PLURALS", []):
            plurals[(msgid, msgid_plural)] = (tuple(es), tuple(pl))
    return singles, plurals


def problems(msgid: str, msgstr: str) -> list[str]:
    found = []
    if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
        found.append("placeholders differ")

    def edges(text: str) -> tuple[str, str]:
        return text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]

    if edges(msgid) != edges(msgstr):
        found.append("leading or trailing whitespace differs")
    return found


def fill(lang: str, singles: dict, plurals: dict, write: bool) -> tuple[int, list[str]]:
    path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path), wrapwidth=79)
    po.metadata.update(HEADERS[lang])
    po.metadata.update({"Project-Id-Version": "Latido", "Last-Translator": "Latido team"})
    po.metadata_is_fuzzy = False
    po.header = (f"{NAMES[lang]} translation of Latido.\n"
                 "This file is distributed under the same license as the Latido package.\n"
                 "Update it with scripts/translations_es_pl.py.")
    before = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po}
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    index = LANGS[lang]
    missing: list[str] = []
    done = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = plurals.get((entry.msgid, entry.msgid_plural))
            if forms is None:
                missing.append(entry.msgid)
                continue
            chosen = list(forms[index])
            if lang == "pl" and len(chosen) != 3:
                sys.exit(f"pl needs 3 plural forms for {entry.msgid!r}")
            chosen += [chosen[-1]] * (nplurals - len(chosen))
            for i, text in enumerate(chosen[:nplurals]):
                ref = entry.msgid if i == 0 else entry.msgid_plural
                for problem in problems(ref, text):
                    missing.append(f"{entry.msgid!r}[{i}]: {problem}")
                entry.msgstr_plural[i] = text
        else:
            if entry.msgid not in singles:
                missing.append(entry.msgid)
                continue
            text = singles[entry.msgid][index]
            for problem in problems(entry.msgid, text):
                missing.append(f"{entry.msgid!r}: {problem}")
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        done += 1
    after = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po}
    if after != before or "YEAR" in po.metadata.get("PO-Revision-Date", "YEAR"):
        po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    if write:
        po.save(str(path))
    return done, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args()
    singles, plurals = load()
    failed = False
    for lang in LANGS:
        done, missing = fill(lang, singles, plurals, write=not args.check)
        print(f"{lang}: {done} entries translated")
        for item in missing:
            print(f"  missing or wrong: {item}")
        failed = failed or bool(missing)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
