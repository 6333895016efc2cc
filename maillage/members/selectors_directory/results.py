"""Result cards for the directory: what each card shows and why it matched, read in bulk.

Everything here reads only the sections the access gate (`visible_sections`) lets the viewer
see; the cards and "why it matched" never show anything else.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core import sql
from maillage.core.access import Viewer
from maillage.members.access import visible_sections
from maillage.members.models import (
    Interest,
    Need,
    Offer,
    Profile,
    ProfileSkill,
    SkillConcept,
    SkillLevel,
)
from maillage.members.services.search import Term, analyse, concept_words


def _language() -> str:
    return get_language() or "fr"


@dataclass(frozen=True)
class Reason:
    """Why a profile matched, in words: « Compétence : Design graphique (expert) — … »."""

    label: str
    text: str
    hint: str = ""

    @property
    def label_text(self) -> str:
        # French puts a (non-breaking) space before the colon.
        return _("%(label)s:") % {"label": self.label}

    def __str__(self) -> str:
        sentence = f"{self.label_text} {self.text}"
        return f"{sentence} — {self.hint}" if self.hint else sentence


@dataclass
class DirectoryResult:
    profile: Profile
    sections: frozenset[str]
    reasons: list[Reason] = field(default_factory=list)
    skills: list[SkillInfo] = field(default_factory=list)
    offers: list[ItemInfo] = field(default_factory=list)

    def sees(self, section: str) -> bool:
        return section in self.sections

    @property
    def url(self) -> str:
        return reverse("profile_detail", kwargs={"member_id": self.profile.member_id})

    @property
    def initials(self) -> str:
        name = self.profile.member.user.full_name or self.profile.member.user.email
        return "".join(part[0] for part in name.split()[:2]).upper()


@dataclass(frozen=True, slots=True)
class ConceptInfo:
    """The parts of a skill concept a result card and "why it matched" use."""

    id: int
    label_fr: str
    label_en: str
    alt_labels: dict

    @property
    def pk(self) -> int:
        return self.id

    def label(self, language: str | None = None) -> str:
        language = (language or _language())[:2]
        return (self.label_en if language == "en" else self.label_fr) or self.label_fr


@dataclass(frozen=True, slots=True)
class SkillInfo:
    concept: ConceptInfo
    level: int


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """An active offer or an open need."""

    title: str
    description: str
    concepts: tuple[ConceptInfo, ...]


@dataclass
class _Content:
    """What one profile holds, read in bulk for a page of results."""

    skills: list[SkillInfo] = field(default_factory=list)
    offers: list[ItemInfo] = field(default_factory=list)
    needs: list[ItemInfo] = field(default_factory=list)
    interests: list[tuple[str, str]] = field(default_factory=list)  # (French, English)


def _concept(row: Sequence) -> ConceptInfo:
    return ConceptInfo(row[0], row[1], row[2] or "", row[3] or {})


def _contents(ids: list[int], *, full: bool) -> dict[int, _Content]:
    """Skills and active offers of these profiles (and, when `full`, open needs and
    interests, for "why it matched"), in a few flat queries of plain values.

    Every page of results asks: the queries are written in SQL once per process and number
    of ids (core/sql.py); the ORM took longer to compile them than the database to answer
    (7.0 → 2.9 ms for 20 profiles at 100,000 members)."""
    contents = {pk: _Content() for pk in ids}
    if not ids:
        return contents
    vendor, n = connection.vendor, len(ids)
    for profile_id, level, *row in sql.fetch(_skills_sql(vendor, n), ids):
        contents[profile_id].skills.append(SkillInfo(_concept_row(row), level))
    kinds: list[tuple[type, str, str]] = [(Offer, "is_active", "offers")]
    if full:
        kinds.append((Need, "is_open", "needs"))
    for model, live, attr in kinds:
        rows = sql.fetch(_items_sql(vendor, model, live, n), [*ids, True])
        linked: dict[int, list[ConceptInfo]] = {}
        if full and rows:  # the cards show titles; skills only explain a match
            item_ids = [r[0] for r in rows]
            for item_id, *row in sql.fetch(_links_sql(vendor, model, len(item_ids)), item_ids):
                linked.setdefault(item_id, []).append(_concept_row(row))
        for item_id, profile_id, title, description in rows:
            item = ItemInfo(title, description, tuple(linked.get(item_id, ())))
            getattr(contents[profile_id], attr).append(item)
    if full:
        for profile_id, label_fr, label_en in sql.fetch(_interests_sql(vendor, n), ids):
            contents[profile_id].interests.append((label_fr, label_en))
    return contents


_CONCEPT_COLUMNS = ("id", "label_fr", "label_en", "alt_labels")


def _concept_row(row: Sequence) -> ConceptInfo:
    """A concept from its columns read by hand: its alternative labels as the field reads
    them (JSON text on SQLite)."""
    alt = SkillConcept._meta.get_field("alt_labels").from_db_value(row[3], None, connection)
    return _concept((row[0], row[1], row[2], alt))


def _concept_columns(alias: str) -> str:
    return ", ".join(sql.column(SkillConcept, name, alias) for name in _CONCEPT_COLUMNS)


@functools.lru_cache(maxsize=256)
def _skills_sql(vendor: str, n: int) -> str:
    col = sql.column
    return (
        f"SELECT {col(ProfileSkill, 'profile', 'ps')}, {col(ProfileSkill, 'level', 'ps')}, "  # noqa: S608
        f"{_concept_columns('c')} FROM {sql.table(ProfileSkill, 'ps')} "
        f"{sql.join(SkillConcept, 'c', col(ProfileSkill, 'concept', 'ps'))} "
        f"WHERE {col(ProfileSkill, 'profile', 'ps')} IN ({sql.marks(n)}) "
        f"ORDER BY {col(ProfileSkill, 'level', 'ps')} DESC, {col(ProfileSkill, 'id', 'ps')}"
    )


@functools.lru_cache(maxsize=256)
def _items_sql(vendor: str, model: type, live: str, n: int) -> str:
    col = sql.column
    return (
        f"SELECT {col(model, 'id', 'x')}, {col(model, 'profile', 'x')}, "  # noqa: S608
        f"{col(model, 'title', 'x')}, {col(model, 'description', 'x')} "
        f"FROM {sql.table(model, 'x')} WHERE {col(model, 'profile', 'x')} IN ({sql.marks(n)}) "
        f"AND {col(model, live, 'x')} = %s "
        f"ORDER BY {col(model, 'created_at', 'x')} DESC, {col(model, 'id', 'x')} DESC"
    )


@functools.lru_cache(maxsize=256)
def _links_sql(vendor: str, model: type, n: int) -> str:
    through, col = model.skills.through, sql.column
    item = model._meta.model_name
    return (
        f"SELECT {col(through, item, 't')}, {_concept_columns('c')} "  # noqa: S608
        f"FROM {sql.table(through, 't')} "
        f"{sql.join(SkillConcept, 'c', col(through, 'skillconcept', 't'))} "
        f"WHERE {col(through, item, 't')} IN ({sql.marks(n)})"
    )


@functools.lru_cache(maxsize=256)
def _interests_sql(vendor: str, n: int) -> str:
    through, col = Profile.interests.through, sql.column
    return (
        f"SELECT {col(through, 'profile', 't')}, {col(Interest, 'label_fr', 'i')}, "  # noqa: S608
        f"{col(Interest, 'label_en', 'i')} FROM {sql.table(through, 't')} "
        f"{sql.join(Interest, 'i', col(through, 'interest', 't'))} "
        f"WHERE {col(through, 'profile', 't')} IN ({sql.marks(n)})"
    )


# What a card, the access gate and "why it matched" read of a profile and its member.
PROFILE_FIELDS = (
    "member_id", "headline", "bio", "photo", "company_id", "listed", "availability_note",
    *(f"visibility_{s}" for s in Profile.SECTIONS),
    "member__user_id", "member__operator_id", "member__home_space_id", "member__role",
    "member__user__full_name", "member__user__email", "member__user__erased_at",
    "member__home_space__name", "member__home_space__operator_id",
    "company__name",
)  # fmt: skip


def results_for(
    viewer: Viewer, ids: list[int], terms: Sequence[Term], concepts: Sequence
) -> list[DirectoryResult]:
    if not ids:
        return []
    profiles = (
        Profile.objects.filter(pk__in=ids)
        .select_related("member__user", "member__home_space", "company")
        .only(*PROFILE_FIELDS)
    )
    by_id = {p.pk: p for p in profiles}
    contents = _contents(list(by_id), full=bool(terms))
    results = []
    for pk in ids:
        profile = by_id.get(pk)
        if profile is None:
            continue
        # The gate again, for what the card shows: a profile the search let through but
        # the gate would not (an entry not yet reindexed) is left out rather than shown.
        sections = visible_sections(viewer, profile)
        if not sections:
            continue
        content = contents[pk]
        result = DirectoryResult(profile=profile, sections=sections)
        if "skills" in sections:
            result.skills = content.skills[:5]
        if "offers" in sections:
            result.offers = content.offers[:2]
        if terms:
            result.reasons = why_matched(profile, content, sections, terms, concepts)
        results.append(result)
    return results


def _level(level: int) -> str:
    return str(SkillLevel(level).label) if level in SkillLevel.values else ""


def why_matched(
    profile: Profile,
    content: _Content,
    sections: frozenset[str],
    terms: Sequence[Term],
    concepts: Sequence,
) -> list[Reason]:
    """Why a profile matched, in the viewer's words, from the sections they may see only."""
    linked = {c.concept_id: c for c in concepts}
    query_words = " ".join(t.word for t in terms)
    reasons: list[Reason] = []

    def hits(*texts: str) -> bool:
        analysed = analyse(" ".join(t for t in texts if t))
        return any(term.matches(analysed) for term in terms)

    def concept_reason(concept: ConceptInfo) -> tuple[bool, str]:
        """(matched, hint): a hint when the words alone would not have matched."""
        if hits(*concept_words(concept)):
            return True, ""
        if concept.pk in linked:
            return True, _("close to “%(words)s”") % {"words": query_words}
        return False, ""

    def items(found: Sequence[ItemInfo], label: str) -> None:
        for item in found:
            skill_hits = [concept_reason(c) for c in item.concepts]
            if hits(item.title, item.description) or any(m for m, _h in skill_hits):
                hint = next((h for m, h in skill_hits if m and h), "")
                reasons.append(Reason(label, item.title, hint))

    if "offers" in sections:
        items(content.offers, _("Offer"))
    if "skills" in sections:
        for skill in content.skills:
            matched, hint = concept_reason(skill.concept)
            if matched:
                level = _level(skill.level)
                text = f"{skill.concept.label()} ({level})" if level else skill.concept.label()
                reasons.append(Reason(_("Skill"), text, hint))
    user = profile.member.user
    if hits(user.full_name):
        reasons.append(Reason(_("Name"), user.full_name))
    if "about" in sections:
        if hits(profile.headline):
            reasons.append(Reason(_("Headline"), profile.headline))
        if profile.company_id and hits(profile.company.name):
            reasons.append(Reason(_("Company"), profile.company.name))
        if hits(profile.bio):
            reasons.append(Reason(_("About"), _snippet(profile.bio, terms)))
    if "needs" in sections:
        items(content.needs, _("Need"))
    if "interests" in sections:
        english = _language()[:2] == "en"
        for label_fr, label_en in content.interests:
            if hits(label_fr, label_en):
                reasons.append(Reason(_("Interest"), label_en if english else label_fr))
    if "availability" in sections and hits(profile.availability_note):
        reasons.append(Reason(_("Availability"), profile.availability_note))
    return reasons


def _snippet(text: str, terms: Sequence[Term], width: int = 60) -> str:
    """A few words of `text` around the first word that matches."""
    plain = " ".join(text.split())
    words = plain.split(" ")
    for i, word in enumerate(words):
        if any(term.matches(analyse(word)) for term in terms):
            start = max(0, i - 4)
            piece = " ".join(words[start : start + 12])
            prefix = "… " if start > 0 else ""
            suffix = " …" if start + 12 < len(words) else ""
            return f"{prefix}{piece}{suffix}"
    return plain[:width] + ("…" if len(plain) > width else "")
