"""The English, Spanish and Polish catalogues are complete and current."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "latido" / "locale"
LANGS = ["es", "pl"]


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated(lang):
    po = _po(lang)
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert missing == [], f"{lang}: untranslated strings: {missing[:20]}"
    assert fuzzy == [], f"{lang}: fuzzy strings need review: {fuzzy[:20]}"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_the_po_file(lang):
    po = _po(lang)
    mo_path = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [e.msgid for e in po.translated_entries()
             if not e.msgid_plural and mo.gettext(e.msgid) != e.msgstr]
    assert stale == [], f"{lang}: run `scripts/i18n.sh` to recompile; stale: {stale[:10]}"


def test_catalogues_hold_every_string_in_the_source(tmp_path):
    """Extract the strings again from a copy of the code; any new one must be in the .po."""
    assert shutil.which("xgettext"), "GNU gettext is needed (apt-get install gettext)"
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "latido", copy / "latido",
                    ignore=shutil.ignore_patterns("__pycache__", "tests", "*.mo"))
    shutil.copytree(ROOT / "config", copy / "config",
                    ignore=shutil.ignore_patterns("__pycache__"))
    cmd = [sys.executable, "-m", "django", "makemessages", "-l", "es", "--no-obsolete",
           "--ignore", "*/tests/*", "--ignore", "*/migrations/*"]
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(copy), "LATIDO_DATA_DIR": str(tmp_path / "var")}
    subprocess.run(cmd, cwd=copy / "latido", check=True, env=env, capture_output=True)
    fresh = {e.msgid for e in polib.pofile(str(copy / "latido/locale/es/LC_MESSAGES/django.po"))}
    for lang in LANGS:
        known = {e.msgid for e in _po(lang)}
        missing = sorted(fresh - known)
        assert missing == [], f"{lang}: run `scripts/i18n.sh`; missing: {missing[:20]}"


@pytest.mark.parametrize(("lang", "expected"), [("es", "Abierto"), ("pl", "Otwarte")])
def test_status_label_is_translated_at_runtime(lang, expected):
    from latido.tickets.enums import Status

    with translation.override(lang):
        assert str(Status.OPEN.label) == expected
