"""The French catalogue is complete and compiled: every string of the app has a translation in the .mo."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def po_entries(path: Path) -> list[dict]:
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
            else:
                current = None
        if fields.get("msgid"):
            fields["fuzzy"] = "#, fuzzy" in block or ", fuzzy" in block
            entries.append(fields)
    return entries


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_catalogue_exists_for_both_languages(language):
    assert (LOCALE / language / "LC_MESSAGES" / "django.po").exists()
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()


def test_every_french_string_is_translated_and_compiled():
    po = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
    with (LOCALE / "fr" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    untranslated, stale = [], []
    for entry in po_entries(po):
        msgstr = entry.get("msgstr", entry.get("msgstr[0]", ""))
        if not msgstr or entry["fuzzy"]:
            untranslated.append(entry["msgid"])
            continue
        if "msgid_plural" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        elif "msgctxt" in entry:
            got = compiled.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            got = compiled.gettext(entry["msgid"])
        if got != msgstr:
            stale.append(entry["msgid"])
    assert untranslated == [], f"translate these in {po}: {untranslated[:20]}"
    assert stale == [], f"run `manage.py compilemessages`: {stale[:20]}"
