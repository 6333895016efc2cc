"""Writes to profiles: who a member is, their skills, offers, needs, interests and privacy.

Every function is one transaction: it checks everything first and raises `DomainError` (with
the form field at fault) before anything is written, so a refused change leaves nothing
half-done. Each write that changes what search can find ends with `profile_reindex`, inside
the same transaction. Readers go through `maillage.members.access`; nothing here decides who
may see what.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind, Member
from maillage.core.services import activity_record
from maillage.members.models import (
    Company,
    ConceptKind,
    ContactMessage,
    Interest,
    Need,
    Offer,
    OfferTerms,
    Onboarding,
    Profile,
    ProfileSkill,
    SkillConcept,
    SkillLevel,
    Urgency,
    Visibility,
)

# Languages a member can say they speak, in the order the form lists them.
LANGUAGE_CHOICES: list[tuple[str, Any]] = [
    ("fr", gettext_lazy("French")),
    ("en", gettext_lazy("English")),
    ("es", gettext_lazy("Spanish")),
    ("de", gettext_lazy("German")),
    ("it", gettext_lazy("Italian")),
    ("pt", gettext_lazy("Portuguese")),
    ("nl", gettext_lazy("Dutch")),
    ("ar", gettext_lazy("Arabic")),
    ("zh", gettext_lazy("Chinese")),
    ("ru", gettext_lazy("Russian")),
    ("pl", gettext_lazy("Polish")),
    ("ro", gettext_lazy("Romanian")),
    ("tr", gettext_lazy("Turkish")),
    ("uk", gettext_lazy("Ukrainian")),
    ("br", gettext_lazy("Breton")),
    ("oc", gettext_lazy("Occitan")),
    ("lsf", gettext_lazy("French Sign Language")),
]
LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}

MAX_LINKS = 5
MAX_SKILLS = 40
MAX_ACTIVE_OFFERS = 12
MAX_OPEN_NEEDS = 12
MAX_TEXT = 5_000
CONTACT_PER_DAY = 10
CONTACT_MAX_CHARS = 3_000
# A typed skill is linked to the taxonomy when the linker's best match scores at least this
# (scores run from 0 to 1); below it, the words become a free tag that staff can merge later.
# Measured on the shipped taxonomy: "droit des contrats" 1.0, "dev web" → web programming 0.92,
# but "React" → "react to events" 0.76 and "UX design" → "create a UX prototype" 0.81, which
# a tag serves better than a wrong skill.
LINK_MIN_SCORE = 0.85
LINK_MARGIN = 0.05  # ahead of the runner-up by at least this, unless it is an exact label
LINK_EXACT_SCORE = 0.97

_TAG_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- small checks ----------------------------------------------------------------------------


def _plain(value: object, *, field: str, max_length: int, required: bool = False) -> str:
    """A one-line text field: trimmed, spaces collapsed, no HTML, within its length."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    if _TAG_LIKE.search(text):
        raise DomainError(
            _("HTML is not allowed here: write plain text, without < and >."), field=field
        )
    if len(text) > max_length:
        raise DomainError(
            _("Keep it under %(max)s characters (this is %(n)s).")
            % {"max": max_length, "n": len(text)},
            field=field,
        )
    return text


def _long_text(value: object, *, field: str, max_length: int = MAX_TEXT) -> str:
    """A multi-line text (bio, descriptions): kept as typed, rendered escaped or sanitized."""
    text = _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
    if len(text) > max_length:
        raise DomainError(
            _("Keep it under %(max)s characters (this is %(n)s).")
            % {"max": max_length, "n": len(text)},
            field=field,
        )
    return text


def _choice(value: object, choices, *, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose one of the options offered."), field=field)
    return value


def _touch(profile: Profile) -> None:
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])


def _reindex(profile: Profile) -> None:
    from maillage.members.services.search import profile_reindex

    profile_reindex(profile=profile)


# --- the profile -----------------------------------------------------------------------------


def profile_get_or_create(member: Member) -> Profile:
    """A member record's profile, created empty (with the default visibilities) on first use."""
    profile, created = Profile.objects.get_or_create(member=member)
    if created:
        profile.member = member
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, **fields: Any) -> Profile:
    """Change the "about" and "availability" parts of a profile (only the fields given).

    Fields: full_name (on the account), headline, bio (Markdown), company (a name; members of
    one operator who give the same name share the company), languages (codes), links
    ([{"label", "url"}] or URLs), open_to_coffee, open_to_lunch, availability_note.
    """
    allowed = {
        "full_name",
        "headline",
        "bio",
        "company",
        "languages",
        "links",
        "open_to_coffee",
        "open_to_lunch",
        "availability_note",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    if "full_name" in fields:
        clean["full_name"] = _plain(
            fields["full_name"], field="full_name", max_length=150, required=True
        )
    if "headline" in fields:
        clean["headline"] = _plain(fields["headline"], field="headline", max_length=140)
    if "bio" in fields:
        clean["bio"] = _long_text(fields["bio"], field="bio")
    if "company" in fields:
        clean["company"] = _plain(fields["company"], field="company", max_length=150)
    if "languages" in fields:
        clean["languages"] = _languages(fields["languages"])
    if "links" in fields:
        clean["links"] = _links(fields["links"])
    if "availability_note" in fields:
        clean["availability_note"] = _plain(
            fields["availability_note"], field="availability_note", max_length=140
        )
    for flag in ("open_to_coffee", "open_to_lunch"):
        if flag in fields:
            clean[flag] = bool(fields[flag])

    # Everything is valid: write.
    if "full_name" in clean:
        user = profile.member.user
        user.full_name = clean.pop("full_name")
        user.save(update_fields=["full_name"])
    if "company" in clean:
        name = clean.pop("company")
        profile.company = _company_for(profile, name) if name else None
    for name, value in clean.items():
        setattr(profile, name, value)
    profile.updated_at = timezone.now()
    profile.save()
    _note_completion(profile)
    _reindex(profile)
    return profile


def _company_for(profile: Profile, name: str) -> Company:
    operator_id = profile.member.operator_id
    company = Company.objects.filter(operator_id=operator_id, name__iexact=name).first()
    return company or Company.objects.create(operator_id=operator_id, name=name)


def _languages(value: object) -> list[str]:
    codes = [str(c).strip().lower() for c in (value or [])]
    unknown = [c for c in codes if c not in LANGUAGE_CODES]
    if unknown:
        raise DomainError(
            _("Unknown language: %(code)s.") % {"code": unknown[0]}, field="languages"
        )
    return list(dict.fromkeys(codes))


def _links(value: object) -> list[dict[str, str]]:
    items = list(value or [])
    if len(items) > MAX_LINKS:
        raise DomainError(_("At most %(n)s links.") % {"n": MAX_LINKS}, field="links")
    validate = URLValidator(schemes=["http", "https"])
    links = []
    for item in items:
        if isinstance(item, str):
            item = {"label": "", "url": item}
        url = str(item.get("url", "")).strip()
        try:
            validate(url)
        except ValidationError:
            raise DomainError(
                _("“%(url)s” is not a web address (it must start with https:// or http://).")
                % {"url": url[:80]},
                field="links",
            ) from None
        label = _plain(item.get("label", ""), field="links", max_length=60)
        links.append({"label": label or urlsplit(url).hostname or url, "url": url})
    return links


SECTION_FIELDS = {s: f"visibility_{s}" for s in Profile.SECTIONS}


@transaction.atomic
def profile_set_visibility(
    *, profile: Profile, listed: bool | None = None, **sections: str
) -> Profile:
    """Who may see each section (`about="network"`, …) and whether the member is listed."""
    for section, value in sections.items():
        if section not in SECTION_FIELDS:
            raise ValueError(f"Unknown profile section {section!r}.")
        _choice(value, Visibility, field=f"visibility_{section}")
    for section, value in sections.items():
        setattr(profile, SECTION_FIELDS[section], value)
    if listed is not None:
        profile.listed = bool(listed)
    profile.updated_at = timezone.now()
    profile.save()
    _reindex(profile)
    return profile


@transaction.atomic
def profile_photo_set(*, profile: Profile, upload) -> Profile:
    """Check, shrink and store a new photo (replacing the old one once committed)."""
    from maillage.members.images import photo_prepare

    content = photo_prepare(upload)
    old = profile.photo.name if profile.photo else ""
    storage = profile.photo.storage
    profile.photo.save(content.name, content, save=False)
    try:
        profile.updated_at = timezone.now()
        profile.save(update_fields=["photo", "updated_at"])
    except Exception:
        storage.delete(profile.photo.name)
        raise
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return profile


@transaction.atomic
def profile_photo_remove(*, profile: Profile) -> Profile:
    if profile.photo:
        old, storage = profile.photo.name, profile.photo.storage
        profile.photo = ""
        profile.updated_at = timezone.now()
        profile.save(update_fields=["photo", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old))
    return profile


# --- skills ----------------------------------------------------------------------------------


def _linker():
    """The taxonomy linker (pure Python; loads the shipped data file once per process)."""
    from maillage.members.taxonomy import linker

    return linker


def _lang() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def _normalise(text: str) -> str:
    return " ".join(text.split())


def skill_resolve(text: str, *, create: bool = True) -> SkillConcept | None:
    """The concept a member means by `text`: a taxonomy skill if one matches well, else a tag.

    Order: an exact label (French, English, or an alternative label found by the linker);
    then the linker's best match if it scores at least `LINK_MIN_SCORE`; else a free tag
    `tag:<slug>` (created when `create`). A tag merged by staff resolves to its target.
    """
    text = _plain(text, field="skills", max_length=80, required=True)
    if len(text) < 2:
        raise DomainError(_("A skill needs at least two characters."), field="skills")
    exact = (
        SkillConcept.objects.filter(kind=ConceptKind.SKILL)
        .filter(Q(label_fr__iexact=text) | Q(label_en__iexact=text))
        .order_by("pk")
        .first()
    )
    if exact is not None:
        return exact
    best = _clear_best_match(text)
    if best is not None:
        concept = SkillConcept.objects.filter(uri=best.concept.uri).first()
        if concept is not None and concept.kind != ConceptKind.TAG:
            return _follow_merge(concept)
    slug = slugify(text)[:180]
    if not slug:
        raise DomainError(
            _("“%(text)s” does not look like a skill: use letters or digits.") % {"text": text},
            field="skills",
        )
    uri = f"tag:{slug}"
    tag = SkillConcept.objects.filter(uri=uri).first()
    if tag is not None:
        return _follow_merge(tag)
    if not create:
        return None
    tag, _created = SkillConcept.objects.get_or_create(
        uri=uri, defaults={"kind": ConceptKind.TAG, "label_fr": text, "label_en": ""}
    )
    return tag


def _clear_best_match(text: str):
    """The linker's best match if it is good and clearly ahead of the next one.

    A generic word matches many concepts equally ("droit" → insurance law, labour law, …):
    picking one would be a guess, so such words become a tag instead.
    """
    matches = _linker().link(text, limit=2, lang=_lang())
    if not matches or matches[0].score < LINK_MIN_SCORE:
        return None
    best = matches[0]
    if (
        best.score < LINK_EXACT_SCORE
        and len(matches) > 1
        and best.score - matches[1].score < LINK_MARGIN
    ):
        return None
    return best


def _follow_merge(concept: SkillConcept) -> SkillConcept:
    seen = set()
    while concept.merged_into_id is not None and concept.pk not in seen:
        seen.add(concept.pk)
        concept = concept.merged_into
    return concept


def _concept(value: SkillConcept | str) -> SkillConcept:
    if isinstance(value, SkillConcept):
        return _follow_merge(value)
    concept = SkillConcept.objects.filter(uri=str(value)).first()
    if concept is None:
        raise DomainError(_("Unknown skill."), field="skills")
    return _follow_merge(concept)


def _skills(
    values: Iterable[SkillConcept | str] | str | None, *, field: str = "skills"
) -> list[SkillConcept]:
    """Skills given as concepts, URIs, names, or one comma-separated string of names."""
    if isinstance(values, str):
        values = values.split(",")
    concepts: list[SkillConcept] = []
    for value in values or []:
        if isinstance(value, SkillConcept):
            concept = _follow_merge(value)
        elif isinstance(value, str) and (
            value.startswith(("tag:", "http://", "https://", "maillage:"))
        ):
            concept = _concept(value)
        else:
            if not str(value).strip():
                continue
            try:
                concept = skill_resolve(str(value))
            except DomainError as exc:
                raise DomainError(exc.message, field=field) from None
        if concept.pk not in {c.pk for c in concepts}:
            concepts.append(concept)
    if len(concepts) > 12:
        raise DomainError(_("Choose at most 12 skills here."), field=field)
    return concepts


def skills_resolve_all(
    values: Iterable[SkillConcept | str] | str | None, *, field: str = "skills"
) -> list[SkillConcept]:
    """Skills given as concepts, URIs or words (a list, or one comma-separated string), as
    the profile's sections take them: for other apps (a project's skills)."""
    return _skills(values, field=field)


@transaction.atomic
def profile_skill_add(
    *,
    profile: Profile,
    text: str | None = None,
    concept: SkillConcept | str | None = None,
    level: int = SkillLevel.CONFIRMED,
) -> ProfileSkill:
    """Add a skill (a taxonomy concept, or words that are linked or become a free tag).

    Adding a skill the profile already has changes its level.
    """
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in SkillLevel.values:
        raise DomainError(_("Choose a level."), field="level")
    if concept is not None:
        resolved = _concept(concept)
    elif text is not None and text.strip():
        resolved = skill_resolve(text)
    else:
        raise DomainError(_("Type a skill."), field="text")
    existing = profile.skills.filter(concept=resolved).first()
    if existing is None and profile.skills.count() >= MAX_SKILLS:
        raise DomainError(_("At most %(n)s skills.") % {"n": MAX_SKILLS}, field="text")
    if existing is not None:
        existing.level = level
        existing.save(update_fields=["level"])
        skill = existing
    else:
        skill = ProfileSkill.objects.create(profile=profile, concept=resolved, level=level)
    _touch(profile)
    _note_completion(profile)
    _reindex(profile)
    return skill


@transaction.atomic
def profile_skill_remove(*, profile: Profile, skill: ProfileSkill) -> None:
    if skill.profile_id != profile.pk:
        raise DomainError(_("This skill is not on your profile."))
    skill.delete()
    _touch(profile)
    _reindex(profile)


def skill_suggest(prefix: str, *, limit: int = 8) -> list[SkillConcept]:
    """Taxonomy skills for an autocomplete. Never free tags (members typed those), never people."""
    prefix = _normalise(prefix or "")[:80]
    if len(prefix) < 2:
        return []
    uris = [m.concept.uri for m in _linker().suggest(prefix, limit=limit, lang=_lang())]
    if uris:
        found = {
            c.uri: c
            for c in SkillConcept.objects.filter(
                uri__in=uris, kind=ConceptKind.SKILL
            ).select_related("group")
        }
        concepts = [found[u] for u in uris if u in found]
        if concepts:
            return concepts[:limit]
    return list(
        SkillConcept.objects.filter(kind=ConceptKind.SKILL)
        .filter(Q(label_fr__icontains=prefix) | Q(label_en__icontains=prefix))
        .select_related("group")
        .order_by("label_fr")[:limit]
    )


# --- offers and needs ------------------------------------------------------------------------


def _offer_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in fields:
        clean["title"] = _plain(fields["title"], field="title", max_length=140, required=True)
    if "description" in fields:
        clean["description"] = _long_text(fields["description"], field="description")
    if "terms" in fields:
        clean["terms"] = _choice(fields["terms"], OfferTerms, field="terms")
    if "terms_note" in fields:
        clean["terms_note"] = _plain(fields["terms_note"], field="terms_note", max_length=140)
    return clean


@transaction.atomic
def offer_publish(
    *,
    profile: Profile,
    title: str,
    description: str = "",
    terms: str = OfferTerms.PAID,
    terms_note: str = "",
    skills: Iterable[SkillConcept | str] | str = (),
) -> Offer:
    """Publish a service the member provides to others (recorded in the ledger)."""
    clean = _offer_fields(
        {"title": title, "description": description, "terms": terms, "terms_note": terms_note}
    )
    concepts = _skills(skills)
    if profile.offers.filter(is_active=True).count() >= MAX_ACTIVE_OFFERS:
        raise DomainError(
            _("You already publish %(n)s offers: withdraw one first.") % {"n": MAX_ACTIVE_OFFERS}
        )
    offer = Offer.objects.create(profile=profile, **clean)
    offer.skills.set(concepts)
    activity_record(member=profile.member, kind=ActivityKind.OFFER_PUBLISHED, target=offer)
    _touch(profile)
    _note_completion(profile)
    _reindex(profile)
    return offer


@transaction.atomic
def offer_update(
    *, offer: Offer, skills: Iterable[SkillConcept | str] | str | None = None, **fields: Any
) -> Offer:
    """Change an offer (title, description, terms, terms_note, skills, is_active)."""
    unknown = set(fields) - {"title", "description", "terms", "terms_note", "is_active"}
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    clean = _offer_fields(fields)
    concepts = _skills(skills) if skills is not None else None
    reopening = fields.get("is_active") and not offer.is_active
    if reopening and offer.profile.offers.filter(is_active=True).count() >= MAX_ACTIVE_OFFERS:
        raise DomainError(
            _("You already publish %(n)s offers: withdraw one first.") % {"n": MAX_ACTIVE_OFFERS}
        )
    if "is_active" in fields:
        clean["is_active"] = bool(fields["is_active"])
    for name, value in clean.items():
        setattr(offer, name, value)
    offer.save()
    if concepts is not None:
        offer.skills.set(concepts)
    _touch(offer.profile)
    _reindex(offer.profile)
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer) -> Offer:
    """Stop publishing an offer (it stays in the member's list, to publish again later)."""
    if offer.is_active:
        offer.is_active = False
        offer.save(update_fields=["is_active"])
        _touch(offer.profile)
        _reindex(offer.profile)
    return offer


def _need_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in fields:
        clean["title"] = _plain(fields["title"], field="title", max_length=140, required=True)
    if "description" in fields:
        clean["description"] = _long_text(fields["description"], field="description")
    if "urgency" in fields:
        clean["urgency"] = _choice(fields["urgency"], Urgency, field="urgency")
    return clean


@transaction.atomic
def need_publish(
    *,
    profile: Profile,
    title: str,
    description: str = "",
    urgency: str = Urgency.MEDIUM,
    skills: Iterable[SkillConcept | str] | str = (),
) -> Need:
    """Publish what the member is looking for (recorded in the ledger)."""
    clean = _need_fields({"title": title, "description": description, "urgency": urgency})
    concepts = _skills(skills)
    if profile.needs.filter(is_open=True).count() >= MAX_OPEN_NEEDS:
        raise DomainError(
            _("You already have %(n)s open needs: close one first.") % {"n": MAX_OPEN_NEEDS}
        )
    need = Need.objects.create(profile=profile, **clean)
    need.skills.set(concepts)
    activity_record(member=profile.member, kind=ActivityKind.NEED_PUBLISHED, target=need)
    _touch(profile)
    _note_completion(profile)
    _reindex(profile)
    return need


@transaction.atomic
def need_update(
    *, need: Need, skills: Iterable[SkillConcept | str] | str | None = None, **fields: Any
) -> Need:
    """Change a need (title, description, urgency, skills, is_open)."""
    unknown = set(fields) - {"title", "description", "urgency", "is_open"}
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    clean = _need_fields(fields)
    concepts = _skills(skills) if skills is not None else None
    reopening = fields.get("is_open") and not need.is_open
    if reopening and need.profile.needs.filter(is_open=True).count() >= MAX_OPEN_NEEDS:
        raise DomainError(
            _("You already have %(n)s open needs: close one first.") % {"n": MAX_OPEN_NEEDS}
        )
    if "is_open" in fields:
        clean["is_open"] = bool(fields["is_open"])
    for name, value in clean.items():
        setattr(need, name, value)
    need.save()
    if concepts is not None:
        need.skills.set(concepts)
    _touch(need.profile)
    _reindex(need.profile)
    return need


@transaction.atomic
def need_close(*, need: Need) -> Need:
    """The member found what they needed (or no longer needs it)."""
    if need.is_open:
        need.is_open = False
        need.save(update_fields=["is_open"])
        _touch(need.profile)
        _reindex(need.profile)
    return need


# --- interests -------------------------------------------------------------------------------


@transaction.atomic
def profile_interests_set(
    *, profile: Profile, interests: Iterable[Interest | str | int]
) -> Profile:
    """Replace the member's interests (given as Interest rows, slugs or ids)."""
    wanted = list(interests or [])
    rows = [i for i in wanted if isinstance(i, Interest)]
    keys = [i for i in wanted if not isinstance(i, Interest)]
    if keys:
        ids = [int(k) for k in keys if isinstance(k, int) or str(k).isdigit()]
        slugs = [str(k) for k in keys if not (isinstance(k, int) or str(k).isdigit())]
        found = list(Interest.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs)))
        if len(found) != len(set(ids)) + len(set(slugs)):
            raise DomainError(_("Unknown interest."), field="interests")
        rows += found
    profile.interests.set(rows)
    _touch(profile)
    _reindex(profile)
    return profile


# --- completeness, onboarding ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url: str
    weight: int
    done: bool


@dataclass(frozen=True)
class Completeness:
    percent: int
    next_step: Step | None
    steps: tuple[Step, ...]


# In order of usefulness to the community: what makes a member findable and helpful first.
_STEPS: tuple[tuple[str, Any, str, int], ...] = (
    ("headline", gettext_lazy("Say in one line what you do"), "#about", 15),
    ("skills", gettext_lazy("Add your skills"), "#skills", 20),
    ("offers", gettext_lazy("Publish a service you offer"), "#offers", 15),
    ("needs", gettext_lazy("Say what you are looking for"), "#needs", 10),
    ("photo", gettext_lazy("Add a photo"), "#photo", 10),
    ("bio", gettext_lazy("Write a few words about yourself"), "#about", 10),
    ("interests", gettext_lazy("Pick a few interests"), "#interests", 10),
    ("availability", gettext_lazy("Say if you are open to a coffee or lunch"), "#availability", 10),
)


def _done(profile: Profile) -> dict[str, bool]:
    return {
        "headline": bool(profile.headline),
        "skills": profile.skills.exists(),
        "offers": profile.offers.filter(is_active=True).exists(),
        "needs": profile.needs.filter(is_open=True).exists(),
        "photo": bool(profile.photo),
        "bio": bool(profile.bio),
        "interests": profile.interests.exists(),
        "availability": bool(
            profile.open_to_coffee or profile.open_to_lunch or profile.availability_note
        ),
    }


def profile_completeness(profile: Profile) -> Completeness:
    """How complete a profile is, and the next most useful thing to add."""
    done = _done(profile)
    base = reverse("profile_edit")
    steps = tuple(
        Step(key=key, label=str(label), url=base + anchor, weight=weight, done=done[key])
        for key, label, anchor, weight in _STEPS
    )
    percent = sum(s.weight for s in steps if s.done)
    return Completeness(
        percent=percent, next_step=next((s for s in steps if not s.done), None), steps=steps
    )


def _note_completion(profile: Profile) -> None:
    """Record "profile completed" the first time the essentials are there: a line saying
    what one does, a skill, and an offer or a need."""
    if profile.completed_at is not None:
        return
    done = _done(profile)
    if done["headline"] and done["skills"] and (done["offers"] or done["needs"]):
        profile.completed_at = timezone.now()
        profile.save(update_fields=["completed_at"])
        activity_record(member=profile.member, kind=ActivityKind.PROFILE_COMPLETED, target=profile)


def profile_onboarding_due(*, member: Member | None) -> bool:
    """Send this member to the profile wizard now? Once only, never staff, only newcomers.

    True for a member whose wizard was never shown and who has nothing in the ledger but
    their arrival (a long-standing member, whose history was imported, lands on the home
    page as before). The call marks the wizard shown, so a member who walks away from it is
    not sent back to it.
    """
    if member is None or member.is_staff or not member.is_active:
        return False
    if Activity.objects.filter(member=member).exclude(kind=ActivityKind.JOINED).exists():
        return False
    profile = profile_get_or_create(member)
    if profile.onboarding != Onboarding.PENDING or profile.completed_at is not None:
        return False
    updated = Profile.objects.filter(pk=profile.pk, onboarding=Onboarding.PENDING).update(
        onboarding=Onboarding.STARTED
    )
    return bool(updated)


@transaction.atomic
def profile_intro_save(
    *,
    profile: Profile,
    full_name: str,
    headline: str,
    company: str = "",
    bio: str = "",
    skills: Iterable[str] | str = (),
) -> Profile:
    """The wizard's first step, "who I am", saved as a whole or not at all."""
    concepts = _skills(skills)
    profile_update(
        profile=profile, full_name=full_name, headline=headline, company=company, bio=bio
    )
    have = set(profile.skills.values_list("concept_id", flat=True))
    for concept in concepts:
        if concept.pk not in have:
            profile_skill_add(profile=profile, concept=concept)
    return profile


@transaction.atomic
def profile_looking_for_save(
    *,
    profile: Profile,
    title: str = "",
    description: str = "",
    urgency: str = Urgency.MEDIUM,
    skills: Iterable[str] | str = (),
    interests: Iterable[Interest | str | int] | None = None,
) -> Profile:
    """The wizard's last step: a need (if a title is given) and interests, all or nothing."""
    if title.strip() or description.strip():
        need_publish(
            profile=profile, title=title, description=description, urgency=urgency, skills=skills
        )
    if interests is not None:
        profile_interests_set(profile=profile, interests=interests)
    return profile


@transaction.atomic
def profile_wizard_end(*, profile: Profile, skipped: bool = False) -> Profile:
    """The member finished the wizard, or chose to skip it."""
    state = Onboarding.SKIPPED if skipped else Onboarding.COMPLETED
    if profile.onboarding != Onboarding.COMPLETED:
        profile.onboarding = state
        profile.save(update_fields=["onboarding"])
    return profile


# --- contact ---------------------------------------------------------------------------------


@transaction.atomic
def profile_contact(*, sender_member: Member, profile: Profile, message: str) -> ContactMessage:
    """Send a member a message by email, through the task queue.

    The email comes from the platform with Reply-To set to the sender, so the recipient's
    address is never shown to the sender (only the reverse, which the form says). Each sender
    may send `CONTACT_PER_DAY` messages in 24 hours. The caller checked (with the profile
    access gate) that the sender may see this profile.
    """
    if not sender_member.is_active:
        raise DomainError(_("Only members can send messages."))
    if sender_member.user_id == profile.member.user_id:
        raise DomainError(_("This is your own profile."), field="message")
    if not profile.member.is_active:
        raise DomainError(_("This person is no longer a member."))
    body = _long_text(message, field="message", max_length=CONTACT_MAX_CHARS)
    if len(body) < 10:
        raise DomainError(_("Write a few words (10 characters at least)."), field="message")
    # Serialise a sender's messages so two at once cannot both pass the limit.
    Member.objects.select_for_update().filter(pk=sender_member.pk).first()
    since = timezone.now() - dt.timedelta(days=1)
    sent = ContactMessage.objects.filter(
        sender__user_id=sender_member.user_id, created_at__gte=since
    ).count()
    if sent >= CONTACT_PER_DAY:
        raise DomainError(
            _(
                "You have sent %(n)s messages in the last 24 hours, the most allowed. "
                "Try again tomorrow."
            )
            % {"n": CONTACT_PER_DAY},
            field="message",
        )
    contact = ContactMessage.objects.create(sender=sender_member, recipient=profile, body=body)
    from maillage.members.tasks import send_contact_message

    transaction.on_commit(lambda: send_contact_message.enqueue(message_id=contact.pk))
    return contact


def contact_message_send(*, contact: ContactMessage) -> bool:
    """Email one contact message (the task calls this); sends each message once."""
    if contact.sent_at is not None:
        return False
    sender = contact.sender
    recipient = contact.recipient.member
    if not recipient.is_active or not recipient.user.is_active:
        return False
    sender_url = ""
    from maillage.core.access import viewer_for_user
    from maillage.members.access import visible_sections

    sender_profile = Profile.objects.filter(member=sender).first()
    if sender_profile is not None and visible_sections(
        viewer_for_user(recipient.user), sender_profile
    ):
        sender_url = settings.SITE_URL + reverse("profile_detail", args=[sender.pk])
    with translation.override(recipient.user.language or settings.LANGUAGE_CODE):
        context = {
            "sender_name": sender.user.get_full_name(),
            "sender_space": sender.home_space.name,
            "recipient_name": recipient.user.get_short_name(),
            "body": contact.body,
            "sender_url": sender_url,
        }
        subject = _("%(name)s sent you a message on Maillage") % {"name": context["sender_name"]}
        subject = " ".join(subject.split())  # a name is never allowed to add a header line
        EmailMessage(
            subject=subject,
            body=render_to_string("members/profiles/email/contact.txt", context),
            to=[recipient.user.email],
            reply_to=[sender.user.email],
        ).send()
    ContactMessage.objects.filter(pk=contact.pk).update(sent_at=timezone.now())
    return True


def profile_skills_text(concepts: Sequence[SkillConcept]) -> str:
    """Skills as the comma-separated text the forms show."""
    return ", ".join(c.label() for c in concepts)
