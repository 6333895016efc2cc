"""Helpers shared by the exchange services: who sees whom, skills from text, emails."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from maillage.core.access import Viewer
from maillage.core.mail import deliverable
from maillage.core.models import Member, Role
from maillage.members.access import visible_sections
from maillage.members.models import Profile, SkillConcept

LINK_MIN_SCORE = 0.75
LINK_MARGIN = 0.08
MAX_PHRASES = 120
NEWCOMER_DAYS = 30


def viewer_of(member: Member) -> Viewer:
    """The viewer a member is when they look at others (all their active records)."""
    records = list(
        Member.objects.active()
        .filter(user_id=member.user_id)
        .select_related("operator", "home_space")
    )
    current = next((r for r in records if r.pk == member.pk), member)
    return Viewer(user=member.user, records=records, current=current)


def profile_of(member: Member) -> Profile:
    """The member's profile as stored now, or the default one they would get (never saved
    here). Read fresh: a rule of privacy must not be decided on a stale copy."""
    profile = Profile.objects.filter(member_id=member.pk).first()
    if profile is None:
        return Profile(member=member)
    profile.member = member
    return profile


def sections_seen(viewer: Viewer, member: Member) -> frozenset[str]:
    """The sections of `member`'s profile the viewer may see (the profile gate)."""
    if not member.is_active or not member.user.is_active:
        return frozenset()
    return visible_sections(viewer, profile_of(member))


def sees(a: Member, b: Member) -> bool:
    """Whether member `a` may see member `b` at all (the profile gate says so)."""
    return bool(sections_seen(viewer_of(a), b))


def is_helper_role(member: Member) -> bool:
    return member.role != Role.GUEST and member.is_active


def _phrases(text: str) -> list[str]:
    """The text, its sentences and clauses, and its runs of two and three words: the linker
    is made for short phrases ("droit des contrats"), not for whole sentences."""
    phrases = [text]
    words = text.split()
    if len(words) <= 4:
        return phrases
    phrases += [p.strip() for p in re.split(r"[.,;:!?\n()/]+", text) if p.strip()]
    for size in (3, 2):
        for i in range(max(0, len(words) - size + 1)):
            run = words[i : i + size]
            if max(len(w) for w in run) >= 4:
                phrases.append(" ".join(run))
    seen: set[str] = set()
    return [p for p in phrases if not (p in seen or seen.add(p))][:MAX_PHRASES]


def concepts_from_text(text: str, *, limit: int = 3) -> list[SkillConcept]:
    """Skills named in a text, by the taxonomy linker (typo-tolerant, bilingual): the best
    links of the text and of its phrases, within a margin of the best one."""
    from maillage.members.taxonomy.linker import link

    text = " ".join((text or "").split())[:500]
    if not text:
        return []
    best: dict[str, float] = {}
    for phrase in _phrases(text):
        for m in link(phrase, limit=3):
            if m.score >= LINK_MIN_SCORE and m.score > best.get(m.concept.uri, 0.0):
                best[m.concept.uri] = m.score
    if not best:
        return []
    top = max(best.values())
    uris = sorted((u for u, sc in best.items() if sc >= top - LINK_MARGIN), key=lambda u: -best[u])
    found = {c.uri: c for c in SkillConcept.objects.filter(uri__in=uris[:limit])}
    result = []
    for uri in uris[:limit]:
        concept = found.get(uri)
        while concept is not None and concept.merged_into_id:
            concept = concept.merged_into
        if concept is not None and concept not in result:
            result.append(concept)
    return result


def is_newcomer(member: Member, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (today - member.joined_on).days <= NEWCOMER_DAYS


def language_of(member: Member | None, fallback: str = "") -> str:
    if member is not None:
        return member.user.language or settings.LANGUAGE_CODE
    return fallback or settings.LANGUAGE_CODE


def send_email(
    *, to: str, language: str, subject, template: str, context: dict, **subject_args
) -> None:
    """Render and send one email in the recipient's language; `subject` is a lazy string
    (gettext_lazy), formatted with `subject_args` in that language. Nothing goes to a
    deleted account."""
    if not deliverable(to):
        return
    with translation.override(language):
        body = render_to_string(
            f"exchange/email/{template}.txt", {**context, "site": settings.SITE_URL}
        )
        subject = str(subject) % subject_args if subject_args else str(subject)
        subject = " ".join(subject.split())
    EmailMessage(subject=subject, body=body, to=[to]).send()


def site_url(path: str) -> str:
    return settings.SITE_URL + path
