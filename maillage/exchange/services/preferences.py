"""A member's choices about the exchange (which opportunities, introductions) and the
staff's pause: both decide who routing may choose."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.exchange.models import ExchangePreference, OpportunityKind


@transaction.atomic
def exchange_preferences_update(
    *,
    member: Member,
    wants_opportunities: bool,
    opportunity_kinds: list[str],
    accepts_introductions: bool,
) -> ExchangePreference:
    unknown = set(opportunity_kinds) - set(OpportunityKind.values)
    if unknown:
        raise DomainError(_("Unknown kind of opportunity."), field="opportunity_kinds")
    pref, _created = ExchangePreference.objects.get_or_create(member=member)
    pref.wants_opportunities = bool(wants_opportunities)
    pref.opportunity_kinds = sorted(set(opportunity_kinds))
    pref.accepts_introductions = bool(accepts_introductions)
    pref.save()
    return pref


@transaction.atomic
def member_pause(
    *, by: Member, member: Member, paused: bool, reason: str = ""
) -> ExchangePreference:
    """Staff pause (or resume) a member: a paused member receives no opportunity."""
    if not by.is_staff or by.operator_id != member.operator_id:
        raise DomainError(_("Only the staff of this member's community can pause them."))
    pref, _created = ExchangePreference.objects.get_or_create(member=member)
    if paused:
        pref.paused_at, pref.paused_by = timezone.now(), by
        pref.pause_reason = " ".join((reason or "").split())[:200]
    else:
        pref.paused_at, pref.paused_by, pref.pause_reason = None, None, ""
    pref.save()
    return pref
