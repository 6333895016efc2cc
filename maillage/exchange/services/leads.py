"""Opportunities coming in: a visitor's lead from a space's public page (honeypot and rate
limits) or one entered by staff (a client's call, a tender). Both are checked the same way
and routed at once (`opportunity_routing`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member, Space
from maillage.exchange.models import (
    Opportunity,
    OpportunityKind,
    OpportunitySource,
    PublicLeadAttempt,
)
from maillage.exchange.services.common import concepts_from_text
from maillage.exchange.services.opportunity_notices import enqueue_opportunity_notice
from maillage.exchange.services.opportunity_routing import opportunity_route
from maillage.members.models import Company, Profile

OPEN_FOR = dt.timedelta(days=14)
PUBLIC_PER_IP_PER_HOUR = 5
PUBLIC_PER_EMAIL_PER_DAY = 3
MAX_TITLE = 140
MAX_DESCRIPTION = 4_000
_HASH_SALT = "maillage.exchange.public_lead"


def _hash(value: str) -> str:
    return salted_hmac(_HASH_SALT, value.strip().lower(), algorithm="sha256").hexdigest()


def _attempt_allowed(*, ip: str, email: str, now: dt.datetime) -> None:
    """Refuse a visitor who submitted too often, then note this attempt (own transaction,
    so a refused form still counts). Only salted hashes of the address and email are kept."""
    ip_hash, email_hash = _hash(ip or "unknown"), _hash(email or ip or "unknown")
    if (
        PublicLeadAttempt.objects.filter(
            ip_hash=ip_hash, created_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= PUBLIC_PER_IP_PER_HOUR
    ):
        raise DomainError(_("Too many requests from your connection: try again in an hour."))
    if (
        PublicLeadAttempt.objects.filter(
            email_hash=email_hash, created_at__gte=now - dt.timedelta(days=1)
        ).count()
        >= PUBLIC_PER_EMAIL_PER_DAY
    ):
        raise DomainError(
            _("Too many requests for this email address today: try again tomorrow."),
            field="email",
        )
    PublicLeadAttempt.objects.create(ip_hash=ip_hash, email_hash=email_hash, created_at=now)
    PublicLeadAttempt.objects.filter(created_at__lt=now - dt.timedelta(days=2)).delete()


def _clean(*, title: str, description: str, name: str, email: str, kind: str) -> dict:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not title:
        raise DomainError(_("Say in a few words what you are looking for."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("The title is too long (140 characters at most)."), field="title")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _("The details are too long (4,000 characters at most)."), field="description"
        )
    if not name or len(name) > 120:
        raise DomainError(_("Give your name (120 characters at most)."), field="name")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email") from None
    if kind not in OpportunityKind.values:
        raise DomainError(_("Unknown kind of opportunity."), field="kind")
    return {"title": title, "description": description, "name": name, "email": email}


def _requester_company(*, operator_id: int, name: str, email: str) -> Company | None:
    """The requester's company among the operator's: by name, or else the company of the
    member who is the requester (same email), so colleagues never get each other's leads."""
    if name:
        company = Company.objects.filter(operator_id=operator_id, name__iexact=name).first()
        if company is not None:
            return company
    profile = (
        Profile.objects.filter(
            member__in=Member.objects.filter(operator_id=operator_id, user__email__iexact=email),
            company__isnull=False,
        )
        .select_related("company")
        .first()
    )
    return profile.company if profile else None


def opportunity_submit_public(
    *,
    space: Space,
    name: str,
    email: str,
    title: str,
    description: str = "",
    company: str = "",
    kind: str = OpportunityKind.CLIENT,
    ip: str = "",
    honeypot: str = "",
    language: str = "",
    now: dt.datetime | None = None,
) -> Opportunity | None:
    """A visitor's lead from a space's public page. Rate-limited per connection and per
    address; a filled honeypot is answered like a success and nothing is kept."""
    now = now or timezone.now()
    with transaction.atomic():
        _attempt_allowed(ip=ip, email=(email or "").strip().lower(), now=now)
    if (honeypot or "").strip():
        return None
    clean = _clean(title=title, description=description, name=name, email=email, kind=kind)
    company = " ".join((company or "").split())[:150]
    return _create(
        space=space,
        source=OpportunitySource.PUBLIC,
        by=None,
        company=company,
        company_ref=_requester_company(
            operator_id=space.operator_id, name=company, email=clean["email"]
        ),
        kind=kind,
        language=(language or settings.LANGUAGE_CODE)[:8],
        now=now,
        **clean,
    )


def opportunity_create(
    *,
    by: Member,
    space: Space,
    title: str,
    requester_name: str,
    requester_email: str,
    description: str = "",
    requester_company: str = "",
    company: Company | None = None,
    kind: str = OpportunityKind.CLIENT,
    skills_text: str = "",
    now: dt.datetime | None = None,
) -> Opportunity:
    """Staff enter a lead (a client's call, a tender); it is routed at once. The requester's
    company is `company`, or the operator's company named `requester_company`."""
    if not by.is_staff or by.operator_id != space.operator_id:
        raise DomainError(_("Only the staff of this space can enter an opportunity."))
    if company is not None and company.operator_id != space.operator_id:
        raise DomainError(_("Unknown company."), field="company")
    clean = _clean(
        title=title,
        description=description,
        name=requester_name,
        email=requester_email,
        kind=kind,
    )
    company_name = " ".join((requester_company or (company.name if company else "")).split())
    return _create(
        space=space,
        source=OpportunitySource.STAFF,
        by=by,
        company=company_name[:150],
        company_ref=company
        or _requester_company(
            operator_id=space.operator_id, name=company_name, email=clean["email"]
        ),
        kind=kind,
        language=settings.LANGUAGE_CODE,
        now=now or timezone.now(),
        skills_text=skills_text,
        **clean,
    )


@transaction.atomic
def _create(
    *,
    space: Space,
    source: str,
    by: Member | None,
    title: str,
    description: str,
    name: str,
    email: str,
    company: str,
    company_ref: Company | None,
    kind: str,
    language: str,
    now: dt.datetime,
    skills_text: str = "",
) -> Opportunity:
    concepts = concepts_from_text(skills_text) if skills_text.strip() else []
    if skills_text.strip() and not concepts:
        raise DomainError(
            _("We do not know the skill “%(text)s”: try another word.") % {"text": skills_text},
            field="skills",
        )
    if not concepts:
        concepts = concepts_from_text(f"{title} {description}"[:500])
    opp = Opportunity.objects.create(
        operator_id=space.operator_id,
        space=space,
        kind=kind,
        title=title,
        description=description,
        requester_name=name,
        requester_email=email,
        requester_company=company,
        requester_company_ref=company_ref,
        source=source,
        created_by=by,
        language=language,
        created_at=now,
        expires_at=now + OPEN_FOR,
    )
    opp.concepts.set(concepts)
    opportunity_route(opportunity=opp, now=now)
    enqueue_opportunity_notice(opp.pk, "received")
    return opp
