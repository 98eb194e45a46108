"""French is the default language: every message shown must have a French translation."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "portal/translations/fr/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def extracted_messages(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def french_catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_every_message_in_the_code_has_a_french_translation(tmp_path):
    catalogue = french_catalogue()
    missing = []
    extracted = extracted_messages(tmp_path)
    assert len(extracted) > 100
    for msgid in sorted(extracted):
        message = catalogue.get(msgid)
        strings = message.string if message else None
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if message is None or not translated or message.fuzzy:
            missing.append(msgid)
    assert missing == [], (
        "Untranslated or fuzzy (run `make extract-messages`, then translate):\n" + "\n".join(missing)
    )


def test_no_message_is_translated_twice():
    """Union merges of the catalogue can append an entry that is already there; gettext then
    uses one of the two translations and the other is silently lost (the impact theme "Email",
    shown as "Courriel" to helpers, came out as "E-mail" and its checkbox could not be found)."""
    seen: dict[tuple, int] = {}
    duplicates = []
    context = None
    msgid_lines: list[str] = []
    reading_msgid = False
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines + [""], start=1):
        if line.startswith("msgctxt "):
            context = line
        elif line.startswith("msgid "):
            msgid_lines, reading_msgid = [line[6:]], True
        elif reading_msgid and line.startswith('"'):
            msgid_lines.append(line)
        elif reading_msgid:
            key = (context, "".join(msgid_lines))
            if key != (None, '""'):  # the header
                if key in seen:
                    duplicates.append(f"{key[1]} (lines {seen[key]} and {number - 1})")
                seen.setdefault(key, number - 1)
            reading_msgid, context = False, None
    assert duplicates == [], "Delete the second entry of:\n" + "\n".join(duplicates)


def test_translations_keep_their_placeholders():
    for message in french_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | {"%(num)d"}, message.id
            assert wanted - {"%(num)d"} <= set(PLACEHOLDER.findall(string)), message.id


def test_strings_of_the_shared_macros_are_in_the_catalogue(client, auth, cafe_a, resident):
    """pybabel skips folders starting with "_" unless told otherwise: _macros/ must be extracted."""
    auth.login(resident)
    page = client.post("/c/saint-jean-de-cole/board/new", data={"title": ""}).get_data(as_text=True)
    assert "Please correct the fields marked below." not in page
    assert "Veuillez corriger" in page
