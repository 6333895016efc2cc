"""Checking each row of a members file against the rules and the database, writing nothing:
the preview staff see before they confirm, and the check made again when they do."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator, Space
from maillage.members.models import Company, Invitation
from maillage.members.services.imports.reading import DELIMITERS, _fold, read_table

MAX_SKILLS_PER_ROW = 30
MAX_PLAN_CHARS = 100
NAME_CHARS = 150  # User.full_name, Invitation.full_name, Company.name
SKILL_SEPARATORS = re.compile(r"[,;|\n]+")
_TAG_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")  # as the profile services refuse it


@dataclass(frozen=True)
class SkillLink:
    """A skill phrase from the file and what it will become on the profile.

    `kind`: "skill" (linked to a taxonomy concept), "tag" (an existing free tag) or "new"
    (a new free tag, which staff can later merge into a concept).
    """

    text: str
    kind: str = "new"
    uri: str = ""
    label: str = ""
    score: float | None = None
    reason: str = ""


@dataclass
class ImportRow:
    line: int
    full_name: str = ""
    email: str = ""
    company: str = ""
    plan: str = ""
    space_text: str = ""
    space: Space | None = None
    company_name: str = ""  # the company it will be: an existing one whatever the case
    skills: list[SkillLink] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    """What an import would do, row by row; `is_valid` only when no row has an error."""

    encoding: str
    delimiter: str
    columns: list[tuple[str, str]]  # (what Maillage reads, the column's name in the file)
    ignored_columns: list[str]
    rows: list[ImportRow]
    default_space: Space
    fields: frozenset[str] = frozenset()  # what the file gives: "company", "plan", "skills"…
    new_companies: list[str] = field(default_factory=list)

    @property
    def delimiter_label(self) -> str:
        return str(DELIMITERS[self.delimiter])

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def valid_count(self) -> int:
        return sum(1 for r in self.rows if not r.errors)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.error_rows

    @property
    def plans(self) -> list[tuple[str, int]]:
        return Counter(r.plan for r in self.rows if r.plan).most_common()

    @property
    def skill_counts(self) -> dict[str, int]:
        """How many skill phrases link to a concept ("skill"), a tag ("tag"), a new tag ("new")."""
        counts = Counter(s.kind for r in self.rows for s in r.skills)
        return {kind: counts.get(kind, 0) for kind in ("skill", "tag", "new")}


def _clean(text: str) -> str:
    return " ".join(text.split())


def _space_index(spaces: Sequence[Space]) -> dict[str, Space]:
    index: dict[str, Space] = {}
    for space in spaces:
        index[_fold(space.name)] = space
        index[_fold(space.slug)] = space
    return index


def _emails_in(emails: list[str], query) -> dict[str, object]:
    """Look up rows by email in chunks (databases cap the number of query parameters)."""
    found: dict[str, object] = {}
    for start in range(0, len(emails), 500):
        for email, value in query(emails[start : start + 500]):
            found[email.lower()] = value
    return found


def _link_skills(phrases: set[str]) -> tuple[dict[str, SkillLink], dict[str, str]]:
    """Link each phrase by the rules of `profile_skill_add`, writing nothing:
    ({phrase: link}, {phrase: why profile_skill_add would refuse it})."""
    from maillage.members.models import ConceptKind
    from maillage.members.services import profiles

    try:
        from maillage.members.taxonomy import linker
    except ImportError:  # pragma: no cover - the taxonomy ships with the app
        linker = None
    links: dict[str, SkillLink] = {}
    refused: dict[str, str] = {}
    for text in phrases:
        try:
            concept = profiles.skill_resolve(text, create=False)
        except DomainError as exc:
            refused[text] = exc.message
            continue
        if concept is None:
            links[text] = SkillLink(text=text)
        elif concept.kind == ConceptKind.TAG:
            links[text] = SkillLink(text=text, kind="tag", uri=concept.uri, label=concept.label())
        else:
            match = None
            if linker is not None:
                matches = linker.link(text, limit=3)
                match = next((m for m in matches if m.concept.uri == concept.uri), None)
            links[text] = SkillLink(
                text=text,
                kind="skill",
                uri=concept.uri,
                label=concept.label(),
                score=round(float(match.score), 2) if match else 1.0,
                reason=str(match.reason or "") if match else _("same name"),
            )
    return links, refused


def member_import_parse(
    *,
    operator: Operator,
    staff_record: Member,
    data: bytes,
    spaces: Sequence[Space],
    default_space: Space,
) -> ImportPreview:
    """Read a CSV file of people to invite and check every row; writes nothing.

    `spaces` are the spaces the staff member may import into (from the access gate);
    `default_space` is used for rows without a space. File-level problems (encoding, missing
    columns, size) raise `ImportFileError`; row-level ones are in each row's `errors`.
    """
    if staff_record.operator_id != operator.pk or not staff_record.is_staff:
        message = _("Only the staff of %(operator)s can import its members.")
        raise DomainError(message % {"operator": operator.name})
    spaces = [s for s in spaces if s.operator_id == operator.pk]
    if default_space not in spaces:
        raise DomainError(_("You can only import members into a space you run."), field="space")
    table = read_table(data)
    columns = table.columns

    def cell(cells: list[str], column: str) -> str:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    space_by_name = _space_index(spaces)
    rows: list[ImportRow] = []
    for line, cells in table.rows:
        row = ImportRow(
            line=line,
            full_name=_clean(cell(cells, "full_name"))
            or _clean(f"{cell(cells, 'first_name')} {cell(cells, 'last_name')}"),
            email=_clean(cell(cells, "email")).lower(),
            company=_clean(cell(cells, "company")),
            plan=_clean(cell(cells, "plan")),
            space_text=_clean(cell(cells, "space")),
        )
        row.space = space_by_name.get(_fold(row.space_text)) if row.space_text else default_space
        _check_row(row, spaces)
        row.skills = [SkillLink(text=p) for p in _skill_phrases(cell(cells, "skills"))]
        if len(row.skills) > MAX_SKILLS_PER_ROW:
            row.error("skills", _("More than %(n)s skills.") % {"n": MAX_SKILLS_PER_ROW})
        rows.append(row)

    _check_against_database(operator, rows)
    _check_plans(operator, rows)
    links, refused = _link_skills({s.text for r in rows for s in r.skills})
    for row in rows:
        row.skills = [links.get(s.text, s) for s in row.skills]
        for skill in row.skills:
            if skill.text in refused:
                row.error("skills", f"“{skill.text[:40]}”: {refused[skill.text]}")
    return ImportPreview(
        encoding=table.encoding,
        delimiter=table.delimiter,
        columns=table.recognised,
        ignored_columns=table.ignored,
        rows=rows,
        default_space=default_space,
        fields=frozenset(columns),
        new_companies=_companies_plan(operator, rows),
    )


def _check_row(row: ImportRow, spaces: Sequence[Space]) -> None:
    """What can be said of a row on its own (the file and the database come after)."""
    for column, value, limit in (
        ("full_name", row.full_name, NAME_CHARS),
        ("company", row.company, NAME_CHARS),
        ("plan", row.plan, MAX_PLAN_CHARS),
    ):
        if len(value) > limit:
            row.error(column, _("Longer than %(n)s characters.") % {"n": limit})
        elif _TAG_LIKE.search(value):
            row.error(column, _("Write plain text, without < and >."))
    if not row.full_name:
        row.error("full_name", _("The name is empty."))
    if not row.email:
        row.error("email", _("The email address is empty."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            message = _("“%(email)s” is not a valid email address.") % {"email": row.email}
            row.error("email", message)
    if row.space is None:
        row.error(
            "space",
            _("No space called “%(name)s” among the spaces you run (%(spaces)s).")
            % {"name": row.space_text, "spaces": ", ".join(s.name for s in spaces)},
        )


def _skill_phrases(text: str) -> list[str]:
    seen: set[str] = set()
    phrases = []
    for part in SKILL_SEPARATORS.split(text):
        phrase = _clean(part)
        if phrase and phrase.casefold() not in seen:
            seen.add(phrase.casefold())
            phrases.append(phrase)
    return phrases


def plans_by_name(operator: Operator) -> dict[str, object]:
    """The operator's plans on offer, by name folded (case, accents and spacing ignored)."""
    from maillage.workspace.models import Plan

    return {
        _fold(plan.name): plan for plan in Plan.objects.filter(operator=operator, is_active=True)
    }


def _check_plans(operator: Operator, rows: list[ImportRow]) -> None:
    """A plan must be one the operator offers; it is written as the operator names it."""
    if not any(row.plan for row in rows):
        return
    plans = plans_by_name(operator)
    names = ", ".join(sorted(plan.name for plan in plans.values()))
    for row in rows:
        if not row.plan or "plan" in row.errors:
            continue
        plan = plans.get(_fold(row.plan))
        if plan is not None:
            row.plan = plan.name
        elif names:
            row.error(
                "plan",
                _("Unknown plan “%(plan)s”: the plans on offer are %(names)s.")
                % {"plan": row.plan, "names": names},
            )
        else:
            row.error(
                "plan", _("No plan is on offer yet: create the plans first, or leave it empty.")
            )


def _check_against_database(operator: Operator, rows: list[ImportRow]) -> None:
    """Duplicates inside the file, people already members, invitations to be replaced."""
    lines_by_email: dict[str, list[int]] = {}
    for row in rows:
        if row.email and "email" not in row.errors:
            lines_by_email.setdefault(row.email, []).append(row.line)
    for row in rows:
        others = [n for n in lines_by_email.get(row.email, []) if n != row.line]
        if others:
            row.error(
                "email",
                _("This address is also on line %(lines)s: each person once, please.")
                % {"lines": ", ".join(map(str, others))},
            )
    emails = sorted(lines_by_email)
    members = _emails_in(
        emails,
        lambda chunk: (
            Member.objects.filter(operator=operator)
            .annotate(email=Lower("user__email"))
            .filter(email__in=chunk)
            .values_list("email", "left_on")
        ),
    )
    pending = _emails_in(
        emails,
        lambda chunk: Invitation.objects.filter(
            operator=operator,
            email__in=chunk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("email", "created_at"),
    )
    for row in rows:
        if row.email in members:
            left_on = members[row.email]
            if left_on is None:
                row.error(
                    "email",
                    _("%(email)s is already a member of %(operator)s.")
                    % {"email": row.email, "operator": operator.name},
                )
            else:
                row.notes.append(
                    _("Left on %(date)s: accepting the invitation brings them back.")
                    % {"date": left_on.strftime("%d/%m/%Y")}
                )
        if row.email in pending:
            row.notes.append(
                _("Replaces the invitation of %(date)s, which is still pending.")
                % {"date": timezone.localtime(pending[row.email]).strftime("%d/%m/%Y")}
            )


def _company_key(name: str) -> str:
    return _clean(name).casefold()


def _companies_plan(operator: Operator, rows: list[ImportRow]) -> list[str]:
    """Name each row's company as it will be stored (an existing company of the operator, or
    the file's first spelling); returns the names of the companies to create."""
    # Compared in Python: SQLite's case-insensitive match ignores case only for ASCII letters.
    names = Company.objects.filter(operator=operator).values_list("name", flat=True)
    existing = {_company_key(name): name for name in names}
    new: dict[str, str] = {}
    for row in rows:
        if row.company:
            key = _company_key(row.company)
            row.company_name = existing.get(key) or new.setdefault(key, row.company)
    return sorted(new.values(), key=str.casefold)
