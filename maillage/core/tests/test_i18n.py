"""The translation catalogs: complete, compiled, consistent, and used by the pages.

French is the default language; English is the identity catalog (empty msgstr). The .po
files are updated with `./dev messages`, which also compiles the .mo files; both are
committed, so production needs no gettext. Neither do these tests: section (e) reads the
translatable strings of the code the way `makemessages` does, in Python, to catch a string
added to the code without `./dev messages` and a translation.
"""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import shutil
import subprocess
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.utils import is_ignored_path
from django.utils import translation
from django.utils.translation.template import templatize

LOCALE = Path(settings.BASE_DIR) / "locale"
FR_PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"


# --- a small .po reader (no dependency) -----------------------------------------------------
@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.references[0] if self.references else "?"

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r} ({self.where})"


KEYWORD_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")')


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""), obsolete ones left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        starts_entry = line.startswith(("#", "msgctxt", "msgid"))
        if entry is None or (target is not None and target[0] == "msgstr" and starts_entry):
            finish()
            entry = Entry()
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            entry.references += line[2:].split()
        elif line.startswith("#"):
            continue
        else:
            match = KEYWORD_LINE.fullmatch(line)
            if match:
                keyword, index, text = match.group(1), int(match.group(2) or 0), match.group(3)
                target = (keyword, index)
                value = ast.literal_eval(text)
                if keyword == "msgstr":
                    entry.msgstr[index] = value
                else:
                    setattr(entry, keyword, value)
            elif line.startswith('"') and target is not None:
                keyword, index = target
                value = ast.literal_eval(line)
                if keyword == "msgstr":
                    entry.msgstr[index] += value
                else:
                    setattr(entry, keyword, getattr(entry, keyword) + value)
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if entry.msgid]


def first(entries: list[Entry], count: int = 15) -> str:
    listed = "\n  ".join(str(entry) for entry in entries[:count])
    more = f"\n  ... and {len(entries) - count} more" if len(entries) > count else ""
    return (
        f"\n  {listed}{more}\nRun ./dev messages, translate them in "
        "maillage/locale/fr/LC_MESSAGES/django.po, then run ./dev messages again."
    )


def listing(problems: list[str], count: int = 15) -> str:
    more = f"\n  ... and {len(problems) - count} more" if len(problems) > count else ""
    return "\n  " + "\n  ".join(problems[:count]) + more


# --- (a) complete ---------------------------------------------------------------------------
def test_the_french_catalog_has_every_message_translated() -> None:
    entries = messages(FR_PO)
    assert len(entries) > 100, "the French catalog looks empty: run ./dev messages"
    untranslated = [e for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    summary = f"{len(untranslated)} French entries are not translated:"
    assert not untranslated, summary + first(untranslated)


def test_the_french_catalog_has_no_fuzzy_entry() -> None:
    fuzzy = [e for e in messages(FR_PO) if "fuzzy" in e.flags]
    assert not fuzzy, (
        f"{len(fuzzy)} French entries are marked fuzzy (a guess by msgmerge, never shown to "
        "users): check each translation, then remove its '#, fuzzy' line." + first(fuzzy)
    )


def test_the_french_catalog_uses_the_french_plural_rule() -> None:
    header = read_po(FR_PO)[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header.msgstr[0]
    plural_entries = [e for e in messages(FR_PO) if e.msgid_plural is not None]
    wrong = [e for e in plural_entries if sorted(e.msgstr) != [0, 1]]
    assert not wrong, "plural entries need exactly msgstr[0] and msgstr[1]:" + first(wrong)


# --- (b) compiled ---------------------------------------------------------------------------
def expected_catalog(path: Path) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries, keyed as gettext reads them."""
    catalog: dict = {}
    for entry in messages(path):
        if "fuzzy" in entry.flags or not entry.msgstr or not all(entry.msgstr.values()):
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalog[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(msgid, index)] = text
    return catalog


def mo_catalog(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def without_header(catalog: dict) -> dict:
    return {key: value for key, value in catalog.items() if key != ""}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_committed_mo_file_matches_its_po_file(language: str, tmp_path: Path) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    stale = "\nRun ./dev messages (or manage.py compilemessages) and commit the .mo file."
    assert mo.is_file(), f"{mo} is missing." + stale
    committed = mo_catalog(mo)

    expected = expected_catalog(po)
    actual = without_header(committed._catalog)
    missing = sorted(str(key) for key in expected.keys() - actual.keys())
    extra = sorted(str(key) for key in actual.keys() - expected.keys())
    common = expected.keys() & actual.keys()
    different = sorted(str(key) for key in common if expected[key] != actual[key])
    assert not (missing or extra or different), (
        f"{mo.name} for {language} is out of date: {len(missing)} messages missing, "
        f"{len(extra)} no longer in the .po, {len(different)} changed, e.g. "
        f"{(missing + extra + different)[:5]}" + stale
    )

    msgfmt = shutil.which("msgfmt")
    if msgfmt is not None:  # the real compiler, when this machine has it
        fresh = tmp_path / "django.mo"
        command = [msgfmt, "--check-format", "-o", str(fresh), str(po)]
        subprocess.run(command, check=True, capture_output=True)
        recompiled = without_header(mo_catalog(fresh)._catalog)
        assert recompiled == actual, f"{mo} differs from a fresh compilation." + stale

    if language == "fr":
        assert [committed.plural(n) for n in (0, 1, 2, 10)] == [0, 0, 1, 1]


# --- (c) consistent -------------------------------------------------------------------------
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[#0+\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %(name)s, %(count)d
    r"|%[#0+\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]"  # %s, %d (no space flag: "20 % for" is text)
    r"|\{[A-Za-z_][\w.]*\}"  # {name}
)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def test_every_french_translation_keeps_the_placeholders_of_its_source() -> None:
    problems = []
    for entry in messages(FR_PO):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, source in enumerate(sources):
            text = entry.msgstr.get(index, "")
            if text and placeholders(text) != placeholders(source):
                before, after = sorted(placeholders(source)), sorted(placeholders(text))
                problems.append(f"{entry}: {before} became {after}")
    assert not problems, f"{len(problems)} translations change placeholders:" + listing(problems)


def test_every_french_translation_keeps_the_surrounding_whitespace_of_its_source() -> None:
    def edges(text: str) -> tuple[str, str]:
        return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]

    problems = []
    for entry in messages(FR_PO):
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 else entry.msgid_plural or entry.msgid
            if text and edges(text) != edges(source):
                problems.append(str(entry))
    assert not problems, "leading or trailing whitespace differs from the source:" + listing(
        problems
    )


def test_the_invitation_subject_reads_naturally_in_french() -> None:
    with translation.override("fr"):
        subject = translation.gettext("You are invited to join %(space)s on Maillage")
    subject %= {"space": "La Filature"}
    assert subject == "Vous êtes invité·e à rejoindre La Filature sur Maillage"


# --- (d) used by the pages ------------------------------------------------------------------
@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_landing_page_in_french(client, personas) -> None:
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert 'lang="fr"' in page
    assert "Se connecter" in page
    assert "Faites de votre espace de coworking une communauté vivante" in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_a_browser_asking_for_english_gets_the_landing_page_in_english(client, personas) -> None:
    response = client.get("/", headers={"accept-language": "en"})
    page = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in page
    assert "Se connecter" not in page


@pytest.mark.django_db
def test_a_member_gets_her_home_page_in_french(login, personas) -> None:
    response = login(personas.ines).get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    for text in ("Accueil", "Annuaire", "Mon profil", "Bonjour", "Votre activité récente"):
        assert text in page, f"{text!r} missing from the French home page"
    assert "Your recent activity" not in page


@pytest.mark.django_db
def test_a_member_who_chose_english_gets_english_whatever_the_browser_says(login, personas) -> None:
    user = personas.ines.user
    user.language = "en"
    user.save(update_fields=["language"])
    response = login(personas.ines).get("/", headers={"accept-language": "fr"})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    for text in ("Home", "Directory", "My profile", "Hello", "Your recent activity"):
        assert text in page, f"{text!r} missing from the English home page"
    assert "Votre activité récente" not in page


# --- (e) in step with the code --------------------------------------------------------------
# `./dev messages` runs makemessages, which runs GNU xgettext on the Python files and on the
# templates turned into Python by Django's `templatize`. The same, without gettext: `ast` for
# Python files, `templatize` then Python's tokenizer for templates (.html and .txt). Each
# keyword maps to the positions of its (context, msgid, plural) arguments, as makemessages
# passes them to xgettext (--keyword=pgettext:1c,2 ...) plus xgettext's Python defaults.
REPO = Path(settings.BASE_DIR).parent
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
EXTENSIONS = {".py", ".html", ".txt"}  # makemessages' default for the "django" domain


@dataclass(frozen=True)
class Message:
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    where: str

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r} ({self.where})"


def makemessages_ignore_patterns() -> list[str]:
    """The --ignore options that `./dev messages` gives makemessages, and Django's defaults."""
    script = (REPO / "dev").read_text(encoding="utf-8")
    command = re.search(r"manage\.py makemessages(?:.*\\\n)*.*", script)
    assert command, "./dev no longer runs makemessages: update this test"
    patterns = [p.strip("'\"") for p in re.findall(r"--ignore=(\S+)", command.group(0))]
    assert patterns, "./dev messages passes no --ignore to makemessages: update this test"
    return [*patterns, "CVS", ".*", "*~", "*.pyc"]


def translatable_files() -> Iterator[Path]:
    """The files makemessages reads, walked from the repository root as `./dev` does."""
    ignore = makemessages_ignore_patterns()
    ignored_roots = {Path(p).resolve() for p in (settings.MEDIA_ROOT, settings.STATIC_ROOT) if p}
    for dirpath, dirnames, filenames in os.walk(REPO):
        relative = Path(dirpath).relative_to(REPO)
        for name in list(dirnames):
            if (
                name == "locale"
                or is_ignored_path(os.path.normpath(relative / name), ignore)
                or (Path(dirpath) / name).resolve() in ignored_roots
            ):
                dirnames.remove(name)
        for name in sorted(filenames):
            if Path(name).suffix in EXTENSIONS and not is_ignored_path(
                os.path.normpath(relative / name), ignore
            ):
                yield relative / name


def message(keyword: str, args: list[str | None], where: str) -> Message | None:
    """The message of a call, when its arguments are literal strings (as xgettext wants)."""
    context, msgid, plural = KEYWORDS[keyword]
    positions = [p for p in (context, msgid, plural) if p is not None]
    if len(args) <= max(positions) or any(args[p] is None for p in positions):
        return None
    text = args[msgid]
    if not text:
        return None
    return Message(
        msgctxt=args[context] if context is not None else None,
        msgid=text,
        msgid_plural=args[plural] if plural is not None else None,
        where=where,
    )


def python_messages(source: str, where: str) -> Iterator[Message]:
    tree = ast.parse(source)
    # xgettext reads an f-string as one string: a call inside it is never extracted.
    in_fstrings = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in in_fstrings:
            continue
        function = node.func
        name = getattr(function, "id", None) or getattr(function, "attr", None)
        if name not in KEYWORDS:
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        ]
        found = message(name, args, f"{where}:{node.lineno}")
        if found:
            yield found


def template_messages(source: str, where: str) -> Iterator[Message]:
    # templatize keeps the lines of the template and writes ` gettext(u'...') `, ` _("...") `
    # among blanked-out text; without indentation, Python's tokenizer reads it.
    code = "\n".join(line.lstrip() for line in templatize(source, origin=where).splitlines())
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in skip]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS:
            continue
        if tokens[index + 1].string != "(":
            continue
        args: list[str | None] = []
        current: str | None = ""
        depth = 1
        for inner in tokens[index + 2 :]:
            if inner.type == tokenize.OP and inner.string in "([{":
                depth, current = depth + 1, None
            elif inner.type == tokenize.OP and inner.string in ")]}":
                depth -= 1
                if depth == 0:
                    args.append(current or None)
                    break
            elif inner.type == tokenize.OP and inner.string == "," and depth == 1:
                args.append(current or None)
                current = ""
            elif inner.type == tokenize.STRING and current is not None:
                current += ast.literal_eval(inner.string)
            else:
                current = None
        found = message(token.string, args, f"{where}:{token.start[0]}")
        if found:
            yield found


def code_messages() -> list[Message]:
    messages_: list[Message] = []
    for path in translatable_files():
        source = (REPO / path).read_text(encoding="utf-8")
        read = python_messages if path.suffix == ".py" else template_messages
        messages_ += read(source, str(path))
    return messages_


@pytest.fixture(scope="module")
def messages_in_code() -> list[Message]:
    return code_messages()


def test_the_strings_of_the_code_are_read_as_makemessages_reads_them(messages_in_code) -> None:
    found = {(m.msgctxt, m.msgid): m for m in messages_in_code}
    assert len(found) > 1000, "far too few translatable strings found: is the reader broken?"
    assert not [m for m in messages_in_code if "/tests/" in m.where], "tests are left out"
    expected = {
        (None, "Log in"): None,  # {% translate %} in a template
        ("navigation group", "Staff"): None,  # {% translate ... context ... %}
        (None, "%(n)s going"): "%(n)s going",  # {% blocktranslate count %}, as python-format
        (None, "not taken"): None,  # _("...") in a template filter argument
        (None, "We are sorry: this event is cancelled."): None,  # a .txt email template
        (None, "You are invited to join %(space)s on Maillage"): None,  # Python code
        (None, "%(n)d place left"): "%(n)d places left",  # ngettext in Python
    }
    for key, plural in expected.items():
        assert key in found, f"{key} is not read from the code"
        if plural is not None:
            assert any(m.msgid_plural == plural for m in messages_in_code if m.msgid == key[1])


def test_every_translatable_string_of_the_code_is_in_the_compiled_french_catalog(
    messages_in_code,
) -> None:
    catalog = mo_catalog(LOCALE / "fr" / "LC_MESSAGES" / "django.mo")._catalog
    missing: list[str] = []
    seen: set[tuple] = set()
    for found in messages_in_code:
        key = found.msgid if found.msgctxt is None else f"{found.msgctxt}\x04{found.msgid}"
        if (key, found.msgid_plural) in seen:
            continue
        seen.add((key, found.msgid_plural))
        if found.msgid_plural is None:
            translated = catalog.get(key) or catalog.get((key, 0))
        else:
            translated = catalog.get((key, 0)) and catalog.get((key, 1))
        if not translated:
            missing.append(str(found))
    assert not missing, (
        f"{len(missing)} translatable strings of the code have no French translation in "
        "django.mo: run ./dev messages, translate the new entries of "
        "maillage/locale/fr/LC_MESSAGES/django.po, then run ./dev messages again."
        + listing(missing)
    )


def test_french_never_puts_de_or_a_before_a_place_name():
    """Spaces and communities are often named with an article ("Le Quai", "Les Ateliers"):
    "de Le Quai" and "à Le Quai" are wrong French ("du Quai", "au Quai"). The sentences name
    "l'espace …" or "la communauté …" instead, so that any name reads right."""
    before_place = re.compile(r"(?<![\w’'])(?:de|à|De|À) %\((?:space|operator|space_name)\)s")
    wrong = [
        str(entry)
        for entry in messages(FR_PO)
        for text in entry.msgstr.values()
        if before_place.search(text)
    ]
    assert not wrong, wrong
