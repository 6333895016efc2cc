"""Reading a members file: encodings, delimiters and column names from real spreadsheet
software, and a clear message for every row or file that cannot be imported."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from django.utils import translation

from maillage.core.services import member_leave
from maillage.members.models import Company, Invitation, SkillConcept
from maillage.members.services import imports, invitation_create

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(personas, data: bytes | str, *, by=None, spaces=None, default_space=None):
    by = by or personas.claire
    if isinstance(data, str):
        data = (DATA / data).read_bytes()
    spaces = spaces or list(by.operator.spaces.all())
    return imports.member_import_parse(
        operator=by.operator,
        staff_record=by,
        data=data,
        spaces=spaces,
        default_space=default_space or by.home_space,
    )


def people(preview) -> list[tuple[str, str]]:
    return [(row.full_name, row.email) for row in preview.rows]


# --- encodings -------------------------------------------------------------------------------


def test_it_reads_a_french_excel_file_in_windows_1252_with_semicolons(personas):
    preview = parse(personas, "members_excel_fr.csv")
    assert "Windows-1252" in preview.encoding
    assert preview.delimiter == ";"
    assert people(preview) == [
        ("Léa Fournier", "lea.fournier@example.org"),
        ("Étienne Gaël", "etienne@example.org"),
        ("Chloé Müller", "chloe@example.org"),
    ]
    assert preview.rows[0].company == "Atelier Cœur"  # "œ" exists in Windows-1252 only
    assert preview.is_valid


def test_it_reads_utf8_with_a_bom_as_excel_saves_it(personas):
    preview = parse(personas, "members_utf8_bom.csv")
    assert preview.encoding == "UTF-8 with BOM"
    assert preview.columns[0] == ("name", "Nom complet")  # no BOM glued to the first header
    assert people(preview)[0] == ("Léa Fournier", "lea.fournier@example.org")


def test_it_reads_utf8_without_a_bom(personas):
    preview = parse(personas, "members_utf8_comma.csv")
    assert preview.encoding == "UTF-8"
    assert preview.rows[0].company == "Atelier Cœur"


def test_it_reads_latin1(personas):
    preview = parse(personas, "members_latin1.csv")
    assert "Latin-1" in preview.encoding
    assert preview.rows[0].company == "Crèmerie Générale"
    assert preview.rows[1].full_name == "Noé Perrin"


def test_it_reads_utf16_as_excel_saves_unicode_text(personas):
    text = "Nom\tEmail\nLéa Fournier\tlea@example.org\n"
    preview = parse(personas, text.encode("utf-16"))
    assert preview.encoding == "UTF-16"
    assert people(preview) == [("Léa Fournier", "lea@example.org")]


# --- delimiters ------------------------------------------------------------------------------


def test_it_reads_commas_with_quoted_skills_that_hold_commas(personas):
    preview = parse(personas, "members_utf8_comma.csv")
    assert preview.delimiter == ","
    assert [s.text for s in preview.rows[0].skills] == ["graphic design", "illustration"]


def test_it_reads_tabs(personas):
    preview = parse(personas, "members_tab.tsv")
    assert preview.delimiter == "\t"
    assert [s.text for s in preview.rows[0].skills] == ["Design", "Illustration"]


def test_it_prefers_the_delimiter_that_makes_sense_of_the_header(personas):
    # Commas inside the data must not fool the detection of a semicolon file.
    text = "Nom;Email;Compétences\nLéa, dite Lili;lea@example.org;design, UX, illustration\n"
    preview = parse(personas, text.encode())
    assert preview.delimiter == ";"
    assert preview.rows[0].full_name == "Léa, dite Lili"
    assert len(preview.rows[0].skills) == 3


def test_it_follows_excels_sep_line(personas):
    preview = parse(personas, b"sep=,\nName,Email\nLea,lea@example.org\n")
    assert preview.delimiter == ","
    assert people(preview) == [("Lea", "lea@example.org")]
    assert preview.rows[0].line == 3  # line numbers are those the spreadsheet shows


# --- column names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Nom;Email",
        "NOM;E-MAIL",
        "nom complet;courriel",
        "Name;Email Address",
        "Full name;Adresse mail",
        "  Nom  ;  Adresse e-mail ",
        "Nom et prénom;Mél",
    ],
)
def test_it_recognises_french_and_english_names_in_any_case_with_or_without_accents(
    personas, header
):
    preview = parse(personas, f"{header}\nLéa Fournier;lea@example.org\n".encode())
    assert people(preview) == [("Léa Fournier", "lea@example.org")]


def test_it_joins_first_and_last_names(personas):
    preview = parse(personas, "PRÉNOM;nom;email\nLéa;Fournier;lea@example.org\n".encode())
    assert people(preview) == [("Léa Fournier", "lea@example.org")]
    assert [label for label, _header in preview.columns] == ["first name", "last name", "email"]


def test_it_ignores_unknown_columns_and_says_which(personas):
    preview = parse(personas, "members_excel_fr.csv")
    assert preview.ignored_columns == ["Téléphone"]
    assert preview.is_valid


def test_it_names_the_missing_column_and_the_recognised_ones(personas):
    with pytest.raises(imports.ImportFileError) as error:
        parse(personas, "members_missing_email.csv")
    message = error.value.message
    assert "Missing column: email." in message
    assert "“Nom” (name)" in message and "“Entreprise” (company)" in message
    assert "Courriel" in message  # says what it would have accepted


def test_it_says_when_no_column_name_is_recognised(personas):
    with pytest.raises(imports.ImportFileError) as error:
        parse(personas, b"Lea Fournier;lea@example.org\nNoe;noe@example.org\n")
    assert "Missing columns: name, email." in error.value.message
    assert "first line must hold the column names" in error.value.message


def test_it_refuses_two_columns_that_mean_the_same(personas):
    with pytest.raises(imports.ImportFileError) as error:
        parse(personas, b"Nom;Email;Courriel\nLea;lea@example.org;lea@example.org\n")
    assert "“Email” and “Courriel”" in error.value.message


# --- rows ------------------------------------------------------------------------------------


def errors_by_line(preview) -> dict[int, dict[str, list[str]]]:
    return {row.line: row.errors for row in preview.rows if row.errors}


def test_it_flags_every_row_level_mistake_with_its_line(personas):
    preview = parse(personas, "members_with_errors.csv")
    errors = errors_by_line(preview)
    assert not preview.is_valid
    assert "also on line 3" in errors[2]["email"][0]  # duplicates: both rows, any case
    assert "also on line 2" in errors[3]["email"][0]
    assert errors[4]["full_name"] == ["The name is empty."]
    assert "not a valid email address" in errors[5]["email"][0]
    assert "already a member of Ruche & Co" in errors[6]["email"][0]
    assert "No space called “La Lune”" in errors[7]["space"][0]
    assert len(preview.error_rows) == 6


def test_it_lets_a_manager_import_only_into_the_spaces_they_run(personas):
    malik = personas.malik
    spaces = [personas.filature]  # what the access gate gives Malik
    text = "Nom;Email;Espace\nLéa;lea@example.org;Le Quai\nNoé;noe@example.org;la filature\n"
    preview = parse(personas, text.encode(), by=malik, spaces=spaces)
    assert (
        "No space called “Le Quai” among the spaces you run (La Filature)"
        in (preview.rows[0].errors["space"][0])
    )
    assert preview.rows[1].space == personas.filature  # case and accents do not matter
    with pytest.raises(imports.DomainError):
        parse(personas, text.encode(), by=malik, spaces=spaces, default_space=personas.quai)


def test_it_never_finds_another_operators_space(personas):
    text = "Nom;Email;Espace\nLéa;lea@example.org;La Filature\n"
    preview = parse(personas, text.encode(), by=personas.zoe)
    assert "No space called “La Filature”" in preview.rows[0].errors["space"][0]


def test_it_uses_the_default_space_for_rows_without_one(personas):
    preview = parse(personas, "members_excel_fr.csv", default_space=personas.quai)
    assert [r.space for r in preview.rows] == [personas.filature, personas.quai, personas.filature]


def test_it_welcomes_back_a_former_member_and_says_so(personas):
    member_leave(member=personas.hugo)
    preview = parse(personas, b"Nom;Email\nHugo Lefevre;hugo@example.org\n")
    assert preview.is_valid
    assert "Left on" in preview.rows[0].notes[0]


def test_it_says_a_pending_invitation_will_be_replaced(personas):
    invitation_create(space=personas.filature, email="lea@example.org", send=False)
    preview = parse(personas, b"Nom;Email\nLea;lea@example.org\n")
    assert preview.is_valid
    assert "Replaces the invitation" in preview.rows[0].notes[0]


def test_it_skips_blank_lines_and_trims_cells(personas):
    text = "Nom;Email\n\n  Léa   Fournier ; LEA@Example.org \n;\n\n"
    preview = parse(personas, text.encode())
    assert people(preview) == [("Léa Fournier", "lea@example.org")]


def test_it_refuses_html_in_names_and_companies(personas):
    preview = parse(personas, b"Nom;Email;Entreprise\n<b>Lea</b>;lea@example.org;<script>x\n")
    assert "without < and >" in preview.rows[0].errors["full_name"][0]
    assert "without < and >" in preview.rows[0].errors["company"][0]


def test_it_lists_the_companies_it_will_create_once_whatever_their_case(personas):
    Company.objects.create(operator=personas.ruche, name="Studio Nord")
    preview = parse(personas, "members_excel_fr.csv")
    assert preview.new_companies == ["Atelier Cœur"]  # "atelier cœur" is the same one
    assert preview.plans == [("Résident", 2), ("Nomade", 1)]


def test_it_splits_skills_on_commas_semicolons_and_bars(personas):
    text = 'Nom;Email;Skills\nLéa;lea@example.org;"design; UX | illustration, Design"\n'
    preview = parse(personas, text.encode())
    assert [s.text for s in preview.rows[0].skills] == ["design", "UX", "illustration"]


def test_it_refuses_a_skill_the_profile_would_refuse(personas):
    text = "Nom;Email;Skills\nLéa;lea@example.org;" + "x" * 90 + "\n"
    preview = parse(personas, text.encode())
    assert preview.rows[0].errors["skills"]


# --- files that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\r\n  \n", "The file is empty."),
        (b"Nom;Email\n", "column names but no rows"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel workbook"),
        ((DATA / "garbage.bin").read_bytes(), "not a text (CSV) file"),
        (random.Random(4).randbytes(4096).replace(b"\x00", b"\x01"), "not a text (CSV) file"),
        (b'Nom;Email\n"Lea;lea@example.org\n' + b"x" * 200_000, "could not be read"),
    ],
    ids=["empty", "blank", "header-only", "xlsx", "xls", "garbage", "garbage-without-nul", "quote"],
)
def test_it_explains_why_a_file_cannot_be_read(personas, data, message):
    with pytest.raises(imports.ImportFileError) as error:
        parse(personas, data)
    assert message in error.value.message


def test_it_refuses_too_many_rows(personas):
    rows = "".join(f"Person {n};p{n}@example.org\n" for n in range(imports.MAX_ROWS + 1))
    with pytest.raises(imports.ImportFileError) as error:
        parse(personas, f"Nom;Email\n{rows}".encode())
    assert "more than 5" in error.value.message and "rows" in error.value.message


def test_it_accepts_exactly_the_row_limit(personas):
    rows = "".join(f"Person {n};p{n}@example.org\n" for n in range(imports.MAX_ROWS))
    preview = parse(personas, f"Nom;Email\n{rows}".encode())
    assert len(preview.rows) == imports.MAX_ROWS and preview.is_valid


def test_it_refuses_a_file_over_the_size_limit(personas):
    with pytest.raises(imports.ImportFileError):
        parse(personas, b"Nom;Email\n" + b"x" * imports.MAX_BYTES)


def test_it_writes_nothing_while_previewing(personas):
    parse(personas, "members_excel_fr.csv")
    assert not Company.objects.exists()
    assert not Invitation.objects.exists()


def test_it_shows_the_concept_each_skill_links_to_or_a_new_tag(personas):
    text = 'Nom;Email;Compétences\nLéa;lea@example.org;"compta, grafiste, zorglub du dimanche"\n'
    compta, _grafiste, zorglub = parse(personas, text.encode()).rows[0].skills
    assert (compta.kind, compta.label) == ("skill", "accounting")
    assert compta.uri.startswith("http://data.europa.eu/esco/skill/")
    assert compta.score >= 0.82 and compta.reason  # the linker says why
    assert (zorglub.kind, zorglub.uri) == ("new", "")
    assert not SkillConcept.objects.filter(uri__startswith="tag:").exists()  # nothing created


def test_it_says_when_a_skill_is_an_existing_tag(personas):
    SkillConcept.objects.create(uri="tag:zorglub", kind="tag", label_fr="zorglub")
    skills = parse(personas, b"Nom;Email;Skills\nLea;lea@example.org;Zorglub\n").rows[0].skills
    assert [(s.kind, s.uri) for s in skills] == [("tag", "tag:zorglub")]


def test_it_names_the_plans_on_offer_when_a_plan_is_unknown(personas):
    preview = parse(
        personas,
        "Nom;Email;Formule\nLéa;lea@example.org;resident\nNoé;noe@example.org;Premium\n".encode(),
    )
    lea, noe = preview.rows
    assert lea.plan == "Résident"  # written as the operator names it
    assert not lea.errors
    assert noe.errors["plan"] == [
        "Unknown plan “Premium”: the plans on offer are Nomade, Résident."
    ]
    assert not preview.is_valid


def test_it_refuses_plans_when_none_is_on_offer(personas):
    from maillage.workspace.models import Plan

    Plan.objects.all().delete()
    preview = parse(personas, "Nom;Email;Formule\nLéa;lea@example.org;Résident\n".encode())
    assert "No plan is on offer yet" in preview.rows[0].errors["plan"][0]
