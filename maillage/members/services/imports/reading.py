"""Reading a spreadsheet saved as CSV, whatever wrote it: the encoding (UTF-8 with or
without a BOM, UTF-16, Windows-1252 / Latin-1), the delimiter (`;` from French spreadsheet
software, `,`, tab) and column names in French or English, in any case, with or without accents.

Plain Python (no models): bytes in, a `Table` of text cells out, or an `ImportFileError` whose
message says what is wrong with the file and what would be right.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.core.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000


def _aliases(names: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in names.split(","))


# Column names people use, compared after `_header_key` (lower case, no accents, no
# punctuation, no plural "s"). "nom" alone is a full name, or the last name next to "prénom".
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": _aliases(
        "nom, name, nom complet, full name, fullname, nom et prenom, prenom et nom, nom prenom, "
        "prenom nom, membre, member, display name, identite, coworker, personne"
    ),
    "first_name": _aliases("prenom, first name, firstname, given name"),
    "last_name": _aliases("nom de famille, nom famille, last name, lastname, surname, family name"),
    "email": _aliases(
        "email, e mail, mail, courriel, adresse mail, adresse e mail, adresse email, "
        "adresse courriel, adresse electronique, email address, e mail address, mel"
    ),
    "company": _aliases(
        "entreprise, societe, company, organisation, organization, structure, employeur, "
        "employer, raison sociale, organisme"
    ),
    "plan": _aliases("formule, abonnement, plan, offre, forfait, membership, contrat"),
    "space": _aliases(
        "espace, space, lieu, site, tiers lieu, coworking, location, espace de rattachement, "
        "home space"
    ),
    "skills": _aliases("competence, skill, savoir faire, expertise, tag, mot cle, keyword"),
}
COLUMN_LABELS = {
    "full_name": gettext_lazy("name"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("email"),
    "company": gettext_lazy("company"),
    "plan": gettext_lazy("plan"),
    "space": gettext_lazy("space"),
    "skills": gettext_lazy("skills"),
}
DELIMITERS = {
    ";": gettext_lazy("semicolon (;)"),
    ",": gettext_lazy("comma (,)"),
    "\t": gettext_lazy("tab"),
}


class ImportFileError(DomainError):
    """The file as a whole cannot be read (encoding, columns, size): nothing to preview."""


@dataclass(frozen=True)
class Table:
    encoding: str  # a label for people: "UTF-8 with BOM", "Windows-1252 (Latin-1)"…
    delimiter: str
    columns: dict[str, int]  # what Maillage reads → index of the column
    recognised: list[tuple[str, str]]  # (what Maillage reads, the column's name in the file)
    ignored: list[str]  # names of the columns nobody reads
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells), blank lines skipped


def read_table(data: bytes) -> Table:
    """Decode, split and name the columns of a CSV file (everything but the meaning of cells)."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    text, encoding = _decode(data)
    if _looks_binary(text):
        raise ImportFileError(_("This file is not a text (CSV) file."))
    delimiter, header, rows = _read_rows(text)
    columns, recognised, ignored = _map_columns(header)
    if not rows:
        raise ImportFileError(_("The file has column names but no rows of people."))
    return Table(encoding, delimiter, columns, recognised, ignored, rows)


def _fold(text: str) -> str:
    """Lower case, accents removed, runs of anything else than letters and digits as one space."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _header_key(header: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _fold(header).split())


_ALIAS_TO_COLUMN = {
    _header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text and a label naming its encoding, or an error saying what the file is."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "This is a spreadsheet workbook (.xlsx or .ods), not a CSV file. In your "
                "spreadsheet, choose “Save as” → CSV, then upload that file."
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(
            _(
                "This is an old Excel workbook (.xls), not a CSV file. In Excel, choose “Save as” "
                "→ CSV UTF-8, then upload that file."
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), _("UTF-8 with BOM")
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "The file says it is UTF-8 but contains bytes that are not. Save it again as "
                    "“CSV UTF-8” and upload it again."
                )
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), _("UTF-16")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file could not be read as text.")) from None
    if b"\x00" in data:
        raise ImportFileError(_("This file is not a text (CSV) file."))
    try:
        return data.decode("utf-8"), _("UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), _("Windows-1252 (Latin-1)")
    except UnicodeDecodeError:
        return data.decode("latin-1"), _("ISO-8859-1 (Latin-1)")


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
    return controls > max(2, len(sample) // 200)


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _known_columns(headers: Iterable[str]) -> int:
    return sum(1 for h in headers if _header_key(h) in _ALIAS_TO_COLUMN)


def _detect_delimiter(text: str) -> str:
    """The delimiter under which the header line names the most known columns.

    Ties (e.g. only unknown columns) go to `csv.Sniffer`'s guess, then to the delimiter that
    appears most often in the header line. French spreadsheet software writes `;`.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    return max(
        DELIMITERS,
        key=lambda d: (_known_columns(_split_line(header, d)), d == sniffed, header.count(d)),
    )


def _read_rows(text: str) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """(delimiter, header cells, [(line number, cells)]) skipping blank lines."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    hint = re.fullmatch(r"sep=(.)", first_line.strip())  # Excel's "sep=;" first line
    skip_hint = bool(hint and hint.group(1) in DELIMITERS)
    delimiter = hint.group(1) if skip_hint else _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if skip_hint:
                skip_hint = False
                continue
            if header is None:
                header = cells
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)s rows: split it into several files of "
                        "%(max)s rows at most."
                    )
                    % {"max": number_format(MAX_ROWS, force_grouping=True)}
                )
    except csv.Error as exc:
        raise ImportFileError(
            _(
                'Line %(line)s could not be read (%(error)s). Check for a quote (") that is never '
                "closed."
            )
            % {"line": reader.line_num, "error": exc}
        ) from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return delimiter, header, rows


def _map_columns(header: list[str]) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    """({column: index}, [(label, header)], ignored headers) or an error naming what's missing."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    keys = [_header_key(h) for h in header]
    has_first_name = any(_ALIAS_TO_COLUMN.get(k) == "first_name" for k in keys)
    for index, (name, key) in enumerate(zip(header, keys, strict=True)):
        column = _ALIAS_TO_COLUMN.get(key)
        if column == "full_name" and key == "nom" and has_first_name:
            column = "last_name"
        if column is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if column in found:
            raise ImportFileError(
                _("Two columns hold the %(what)s: “%(a)s” and “%(b)s”. Keep only one.")
                % {
                    "what": COLUMN_LABELS[column],
                    "a": header[found[column]].strip(),
                    "b": name.strip(),
                }
            )
        found[column] = index
    missing = []
    if not {"full_name", "first_name", "last_name"} & found.keys():
        missing.append(str(COLUMN_LABELS["full_name"]))
    if "email" not in found:
        missing.append(str(COLUMN_LABELS["email"]))
    recognised = [(str(COLUMN_LABELS[c]), header[i].strip()) for c, i in found.items()]
    if missing:
        message = ngettext(
            "Missing column: %(missing)s.", "Missing columns: %(missing)s.", len(missing)
        ) % {"missing": ", ".join(missing)}
        if recognised:
            message += " " + _("Recognised columns: %(columns)s.") % {
                "columns": ", ".join(f"“{h}” ({label})" for label, h in recognised)
            }
        else:
            message += " " + _(
                "No column name was recognised: the first line must hold the column names."
            )
        message += " " + _(
            "Accepted names include: Nom, Name, Nom complet, or Prénom and Nom; Email, E-mail, "
            "Courriel, Adresse mail; Entreprise, Société, Company; Formule, Abonnement, Plan; "
            "Espace, Space, Lieu; Compétences, Skills."
        )
        raise ImportFileError(message)
    return found, recognised, ignored
