"""The interface is in Spanish by default and in English once the visitor switches language, and
the committed English catalogue (.po and its compiled .mo) is complete and up to date."""

import ast
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def switch_to(client, language, next_url="/"):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


# -- Pages --------------------------------------------------------------------------------------


def test_the_login_page_is_in_spanish_by_default(client):
    body = client.get(reverse("login")).content.decode()

    assert '<html lang="es-co">' in body
    assert "Ingresar" in body
    assert "Log in" not in body


def test_switching_to_english_translates_the_login_page(client):
    switch_to(client, "en", reverse("login"))
    body = client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in body
    assert "Log in" in body
    assert "Email address" in body  # the User model's field label, from the project catalogue
    assert "Ingresar" not in body


def test_switching_back_to_spanish_restores_the_spanish_login_page(client):
    switch_to(client, "en")
    switch_to(client, "es-co")
    body = client.get(reverse("login")).content.decode()

    assert "Ingresar" in body
    assert "Log in" not in body


def test_a_browser_set_to_english_still_gets_spanish_until_english_is_chosen(client):
    # Recharge points often run laptops whose system language is English: the UI stays
    # Spanish until someone picks English in the selector.
    body = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert "Ingresar" in body
    assert "Log in" not in body

    client.post(reverse("set_language"), {"language": "en"}, headers={"accept-language": "en"})
    body = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert "Log in" in body


def test_every_page_offers_the_language_selector(client, admin):
    assert 'action="/i18n/setlang/"' in client.get(reverse("login")).content.decode()
    client.force_login(admin)
    assert 'action="/i18n/setlang/"' in client.get(reverse("customers:list")).content.decode()


def test_an_unknown_language_is_refused_and_spanish_stays(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    body = client.get(reverse("login")).content.decode()

    assert "Ingresar" in body


def test_the_administrators_pages_are_in_english_after_switching(client, admin, customer):
    client.force_login(admin)
    switch_to(client, "en")
    body = client.get(reverse("customers:list")).content.decode()

    # Template strings: the menu, the page and a plural form.
    for text in ("Customer list", "Add customer", "Billers", "Log out", "1 customer", "Mobile phone"):
        assert text in body, text
    for text in ("Lista de usuarios", "Agregar usuario", "Salir", "1 usuario"):
        assert text not in body, text


def test_messages_from_python_code_are_in_english_after_switching(client, admin):
    client.force_login(admin)
    switch_to(client, "en")
    response = client.get(reverse("customers:edit"), {"identificacion": "999"}, follow=True)
    body = response.content.decode()

    assert "There is no customer with identification 999." in body
    assert "No existe un usuario" not in body


def test_the_administrators_pages_stay_in_spanish_without_switching(client, admin, customer):
    client.force_login(admin)
    body = client.get(reverse("customers:list")).content.decode()

    assert "Lista de usuarios" in body
    assert "1 usuario" in body


# -- The catalogue ------------------------------------------------------------------------------


def parse_po(path):
    """Return {key: (msgstrs, flags)} for every live entry of a .po file, keyed as the .mo keys
    them: the msgid (prefixed by "msgctxt\\x04" when there is a context), with "\\x00msgid_plural"
    appended for plural entries. The header entry (empty msgid) is left out."""
    entries, entry, field, flags = {}, {}, None, set()

    def close():
        nonlocal entry, flags
        if "msgid" in entry and entry["msgid"]:
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if "msgid_plural" in entry:
                key += "\x00" + entry["msgid_plural"]
                strs = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
            else:
                strs = [entry["msgstr"]]
            entries[key] = (strs, flags)
        entry, flags = {}, set()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#~"):  # obsolete entry: not compiled
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                close()
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        field, value = line.split(" ", 1)
        if field in ("msgctxt", "msgid") and "msgid" in entry:
            close()
        entry[field] = ast.literal_eval(value)
    close()
    return entries


def parse_mo(path):
    """Return {key: [msgstrs]} from a GNU .mo file, header left out."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalog = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[translations + 8 * i : translations + 8 * i + 8])
        key = data[ooff : ooff + olen].decode()
        if key:
            catalog[key] = data[toff : toff + tlen].decode().split("\x00")
    return catalog


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(PO)


def test_the_catalogue_holds_the_projects_strings(po_entries):
    assert len(po_entries) > 300
    assert po_entries["Ingresar"][0] == ["Log in"]
    assert po_entries["%(n)s usuario\x00%(n)s usuarios"][0] == ["%(n)s customer", "%(n)s customers"]


def test_every_string_has_an_english_translation(po_entries):
    untranslated = [key for key, (strs, _) in po_entries.items() if not all(s.strip() for s in strs)]
    assert untranslated == [], "run makemessages, then translate these in locale/en"


def test_no_translation_is_marked_fuzzy(po_entries):
    # msgfmt leaves fuzzy entries out of the .mo: they would silently show in Spanish.
    fuzzy = [key for key, (_, flags) in po_entries.items() if "fuzzy" in flags]
    assert fuzzy == []


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?\w+[^>]*>")


def test_translations_keep_the_placeholders_and_markup_of_the_spanish(po_entries):
    wrong = []
    for key, (strs, _) in po_entries.items():
        source = key.split("\x04")[-1].split("\x00")[-1]  # the plural msgid carries them all
        expected = sorted(PLACEHOLDER.findall(source))
        for s in strs:
            if sorted(PLACEHOLDER.findall(s)) != expected:
                wrong.append((key, s))
    assert wrong == []


def test_the_committed_mo_matches_the_po(po_entries):
    assert MO.exists(), "run: python manage.py compilemessages -l en, and commit the .mo"
    compiled = parse_mo(MO)
    expected = {key: strs for key, (strs, _) in po_entries.items()}
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert stale == set(), "the .mo is out of date: run compilemessages -l en and commit it"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalogue(po_entries, tmp_path):
    out = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert parse_mo(out) == parse_mo(MO)
