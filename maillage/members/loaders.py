"""Reference data loaded into the database: the skills taxonomy and the list of interests.

Used by migration 0004 (with the historical models it passes in) and by the
`maillage load_taxonomy` command (with the live ones), so both load the same way:
idempotent by key (a concept's `uri`, an interest's `slug`), in bulk, never touching free
tags typed by members.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Interests: (slug, French, English, category). Categories are keys of INTEREST_CATEGORIES.
INTERESTS: tuple[tuple[str, str, str, str], ...] = (
    ("course-a-pied", "Course à pied", "Running", "sport"),
    ("yoga", "Yoga", "Yoga", "sport"),
    ("velo", "Vélo", "Cycling", "sport"),
    ("escalade", "Escalade", "Climbing", "sport"),
    ("football", "Football", "Football", "sport"),
    ("natation", "Natation", "Swimming", "sport"),
    ("randonnee", "Randonnée", "Hiking", "sport"),
    ("badminton", "Badminton et tennis", "Badminton and tennis", "sport"),
    ("jeux-de-societe", "Jeux de société", "Board games", "games"),
    ("jeux-video", "Jeux vidéo", "Video games", "games"),
    ("echecs", "Échecs", "Chess", "games"),
    ("jeux-de-role", "Jeux de rôle", "Role-playing games", "games"),
    ("cuisine", "Cuisine", "Cooking", "food"),
    ("patisserie", "Pâtisserie", "Baking", "food"),
    ("vin-biere", "Vin et bière", "Wine and beer", "food"),
    ("cuisine-vegetarienne", "Cuisine végétarienne", "Vegetarian cooking", "food"),
    ("musique", "Musique", "Music", "culture"),
    ("lecture", "Lecture", "Reading", "culture"),
    ("cinema", "Cinéma", "Cinema", "culture"),
    ("photographie", "Photographie", "Photography", "culture"),
    ("theatre", "Théâtre et improvisation", "Theatre and improv", "culture"),
    ("arts-plastiques", "Dessin et arts plastiques", "Drawing and visual arts", "culture"),
    ("voyage", "Voyage", "Travel", "culture"),
    ("langues", "Langues étrangères", "Foreign languages", "culture"),
    ("jardinage", "Jardinage", "Gardening", "nature"),
    ("nature", "Nature et balades", "Nature walks", "nature"),
    ("bricolage", "Bricolage et fabrication", "DIY and making", "nature"),
    ("ecologie", "Écologie", "Ecology", "causes"),
    ("egalite", "Égalité femmes-hommes", "Gender equality", "causes"),
    ("solidarite", "Solidarité", "Solidarity", "causes"),
    ("benevolat", "Bénévolat", "Volunteering", "causes"),
    ("economie-sociale", "Économie sociale et solidaire", "Social economy", "causes"),
    ("entrepreneuriat", "Entrepreneuriat", "Entrepreneurship", "work"),
    ("innovation-sociale", "Innovation sociale", "Social innovation", "work"),
    ("tech", "Technologie", "Technology", "work"),
    ("logiciel-libre", "Logiciel libre", "Open source", "work"),
    ("intelligence-artificielle", "Intelligence artificielle", "Artificial intelligence", "work"),
    ("meditation", "Méditation et bien-être", "Meditation and well-being", "wellbeing"),
    ("parentalite", "Parentalité", "Parenting", "wellbeing"),
)

INTEREST_CATEGORIES = {
    "sport": _("Sport"),
    "games": _("Games"),
    "food": _("Food and drink"),
    "culture": _("Culture"),
    "nature": _("Nature and making"),
    "causes": _("Causes"),
    "work": _("Work and ideas"),
    "wellbeing": _("Well-being and family"),
}


def load_interests(Interest) -> int:
    """Create missing interests and refresh labels of existing ones; returns how many are new."""
    existing = {i.slug: i for i in Interest.objects.all()}
    new, changed = [], []
    for slug, fr, en, category in INTERESTS:
        row = existing.get(slug)
        if row is None:
            new.append(Interest(slug=slug, label_fr=fr, label_en=en, category=category))
        elif (row.label_fr, row.label_en, row.category) != (fr, en, category):
            row.label_fr, row.label_en, row.category = fr, en, category
            changed.append(row)
    Interest.objects.bulk_create(new)
    Interest.objects.bulk_update(changed, ["label_fr", "label_en", "category"])
    return len(new)


def unload_interests(Interest) -> None:
    Interest.objects.filter(slug__in=[row[0] for row in INTERESTS]).delete()


# --- the skills taxonomy ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConceptRow:
    """One concept to load: a skill or a group of skills (never a free tag)."""

    uri: str
    kind: str  # "skill" or "group"
    label_fr: str
    label_en: str = ""
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    group_uri: str | None = None


def taxonomy_rows(taxonomy=None) -> Iterator[ConceptRow]:
    """The groups and concepts of a taxonomy (by default the one shipped with the app, in
    maillage/members/taxonomy/data), as rows to load. ESCO's "knowledge" and "skill"
    concepts are all skills here."""
    if taxonomy is None:
        from maillage.members.taxonomy.linker import default_taxonomy

        taxonomy = default_taxonomy()
    for group in taxonomy.groups.values():
        yield ConceptRow(uri=group.uri, kind="group", label_fr=group.fr, label_en=group.en)
    for concept in taxonomy.concepts.values():
        alt = {"fr": list(concept.alt_fr), "en": list(concept.alt_en)}
        yield ConceptRow(
            uri=concept.uri,
            kind="skill",
            label_fr=concept.fr or concept.en,
            label_en=concept.en,
            alt_labels={k: v for k, v in alt.items() if v},
            group_uri=concept.group or None,
        )


def load_concepts(
    SkillConcept, rows: Iterable[ConceptRow], *, batch_size: int = 2_000
) -> tuple[int, int]:
    """Insert new concepts and refresh existing ones (by `uri`); returns (created, updated).

    Free tags are left alone; a concept's group is linked in a second pass, since a group may
    come after its skills in the file.
    """
    rows = [r for r in rows if r.uri and r.label_fr]
    existing = {c.uri: c for c in SkillConcept.objects.exclude(kind="tag")}
    new, changed = [], []
    for row in rows:
        concept = existing.get(row.uri)
        values = {
            "kind": row.kind,
            "label_fr": row.label_fr[:255],
            "label_en": row.label_en[:255],
            "alt_labels": row.alt_labels,
        }
        if concept is None:
            new.append(SkillConcept(uri=row.uri, **values))
        elif any(getattr(concept, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(concept, k, v)
            changed.append(concept)
    SkillConcept.objects.bulk_create(new, batch_size=batch_size)
    SkillConcept.objects.bulk_update(
        changed, ["kind", "label_fr", "label_en", "alt_labels"], batch_size=batch_size
    )
    ids = dict(SkillConcept.objects.exclude(kind="tag").values_list("uri", "pk"))
    current = dict(SkillConcept.objects.exclude(kind="tag").values_list("uri", "group_id"))
    regroup = []
    for row in rows:
        group_id = ids.get(row.group_uri) if row.group_uri else None
        if current.get(row.uri) != group_id:
            regroup.append(SkillConcept(pk=ids[row.uri], group_id=group_id))
    SkillConcept.objects.bulk_update(regroup, ["group"], batch_size=batch_size)
    return len(new), len(changed)


def unload_concepts(SkillConcept) -> None:
    """Remove the taxonomy's concepts, keeping free tags (members' words)."""
    SkillConcept.objects.filter(kind="tag", merged_into__isnull=False).update(merged_into=None)
    SkillConcept.objects.exclude(kind="tag").delete()
