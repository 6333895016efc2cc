"""Result cards for the directory: what each card shows and why it matched, read in bulk.

Everything here reads only the sections the access gate (`visible_sections`) lets the viewer
see; the cards and "why it matched" never show anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.access import Viewer
from maillage.members.access import visible_sections
from maillage.members.models import Need, Offer, Profile, ProfileSkill, SkillLevel
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
    interests, for "why it matched"), in a few flat queries of plain values."""
    contents = {pk: _Content() for pk in ids}
    concept = ("id", "label_fr", "label_en", "alt_labels")
    skills = (
        ProfileSkill.objects.filter(profile_id__in=ids)
        .order_by("-level", "pk")
        .values_list("profile_id", "level", *(f"concept__{f}" for f in concept))
    )
    for profile_id, level, *row in skills:
        contents[profile_id].skills.append(SkillInfo(_concept(row), level))
    kinds: list[tuple[type, dict, str]] = [(Offer, {"is_active": True}, "offers")]
    if full:
        kinds.append((Need, {"is_open": True}, "needs"))
    for model, live, attr in kinds:
        rows = list(
            model.objects.filter(profile_id__in=ids, **live)
            .order_by("-created_at", "-pk")
            .values_list("pk", "profile_id", "title", "description")
        )
        linked: dict[int, list[ConceptInfo]] = {}
        if full:  # the cards show titles; skills only explain a match
            through = model.skills.through
            key = f"{model._meta.model_name}_id"
            for item_id, *row in through.objects.filter(
                **{f"{key}__in": [r[0] for r in rows]}
            ).values_list(key, *(f"skillconcept__{f}" for f in concept)):
                linked.setdefault(item_id, []).append(_concept(row))
        for item_id, profile_id, title, description in rows:
            item = ItemInfo(title, description, tuple(linked.get(item_id, ())))
            getattr(contents[profile_id], attr).append(item)
    if full:
        interests = Profile.interests.through.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "interest__label_fr", "interest__label_en"
        )
        for profile_id, label_fr, label_en in interests:
            contents[profile_id].interests.append((label_fr, label_en))
    return contents


# What a card, the access gate and "why it matched" read of a profile and its member.
PROFILE_FIELDS = (
    "member_id", "headline", "bio", "photo", "company_id", "listed", "availability_note",
    *(f"visibility_{s}" for s in Profile.SECTIONS),
    "member__user_id", "member__operator_id", "member__home_space_id", "member__role",
    "member__user__full_name", "member__user__email",
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
