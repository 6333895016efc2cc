"""Opportunities from outside, once routed: members accept (contact details are then shared
both ways) or decline (the lead passes on), staff close them.

The rest of the opportunity story lives beside this module, and is re-exported here so the
old imports keep working:

- `leads`: the public form (honeypot, rate limits) and staff entry, checked and routed;
- `opportunity_routing`: candidates, histories, the pure `routing` decision and what it
  leaves behind (log, shares, exposure history, offers, ledger);
- `opportunity_notices`: the emails, sent by the worker;
- `preferences`: members' choices and the staff's pause.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.exchange.models import (
    OfferStatus,
    Opportunity,
    OpportunityOffer,
    OpportunityStatus,
    RoutingDecisionLog,
)
from maillage.exchange.services.leads import (
    OPEN_FOR,
    PUBLIC_PER_EMAIL_PER_DAY,
    PUBLIC_PER_IP_PER_HOUR,
    opportunity_create,
    opportunity_submit_public,
)
from maillage.exchange.services.opportunity_notices import (
    enqueue_opportunity_notice,
    opportunity_notice_send,
)
from maillage.exchange.services.opportunity_routing import opportunity_pass_on, routing_policy
from maillage.exchange.services.preferences import exchange_preferences_update, member_pause

__all__ = [
    "OPEN_FOR",
    "PUBLIC_PER_EMAIL_PER_DAY",
    "PUBLIC_PER_IP_PER_HOUR",
    "exchange_preferences_update",
    "member_pause",
    "offer_accept",
    "offer_decline",
    "offer_refusal",
    "opportunity_close",
    "opportunity_create",
    "opportunity_notice_send",
    "opportunity_submit_public",
    "routing_policy",
]


def _lock_offer(offer: OpportunityOffer, member: Member) -> tuple[Opportunity, OpportunityOffer]:
    opp = Opportunity.objects.select_for_update().get(pk=offer.opportunity_id)
    offer = OpportunityOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.member_id != member.pk:
        raise DomainError(_("This opportunity was not offered to you."))
    return opp, offer


def offer_refusal(opp: Opportunity, offer: OpportunityOffer, now: dt.datetime) -> str | None:
    """Why this offer can no longer be answered, in words for its member; None if it can.
    Pages use it to show the message instead of buttons that would fail."""
    if offer.status == OfferStatus.ACCEPTED:
        return _("You have already accepted this opportunity.")
    if offer.status == OfferStatus.DECLINED:
        return _("You have already declined this opportunity.")
    if opp.status == OpportunityStatus.TAKEN:
        return _("Another member has already taken this opportunity.")
    if opp.status != OpportunityStatus.OPEN or offer.status == OfferStatus.WITHDRAWN:
        return _("This opportunity is closed.")
    if now >= opp.expires_at:
        return _("This opportunity has expired.")
    return None


def _check_open(opp: Opportunity, offer: OpportunityOffer, now: dt.datetime) -> None:
    refusal = offer_refusal(opp, offer, now)
    if refusal is not None:
        raise DomainError(refusal)


@transaction.atomic
def offer_accept(
    *, offer: OpportunityOffer, member: Member, now: dt.datetime | None = None
) -> OpportunityOffer:
    """The member takes the lead: the requester and they receive each other's contact
    details (both opted in: the visitor by asking, the member by accepting); the other
    members of the shortlist are told it is taken."""
    now = now or timezone.now()
    opp, offer = _lock_offer(offer, member)
    _check_open(opp, offer, now)
    offer.status, offer.answered_at = OfferStatus.ACCEPTED, now
    offer.save(update_fields=["status", "answered_at"])
    opp.status, opp.taken_by, opp.taken_at = OpportunityStatus.TAKEN, member, now
    opp.save(update_fields=["status", "taken_by", "taken_at"])
    opp.offers.filter(status=OfferStatus.OFFERED).update(
        status=OfferStatus.WITHDRAWN, answered_at=now
    )
    activity_record(
        member=member,
        kind=ActivityKind.OPPORTUNITY_ACCEPTED,
        space=member.home_space,
        target=opp,
    )
    enqueue_opportunity_notice(opp.pk, "accepted", member_id=member.pk)
    return offer


@transaction.atomic
def offer_decline(
    *,
    offer: OpportunityOffer,
    member: Member,
    reason: str = "",
    now: dt.datetime | None = None,
) -> RoutingDecisionLog:
    """The member declines: the lead passes on to the best eligible member not yet shown it
    (`routing.pass_on`), and that decision is logged like the first one."""
    now = now or timezone.now()
    opp, offer = _lock_offer(offer, member)
    _check_open(opp, offer, now)
    offers = list(opp.offers.all())
    offer.status, offer.answered_at = OfferStatus.DECLINED, now
    offer.decline_reason = " ".join((reason or "").split())[:200]
    offer.save(update_fields=["status", "answered_at", "decline_reason"])
    activity_record(
        member=member,
        kind=ActivityKind.OPPORTUNITY_DECLINED,
        space=member.home_space,
        target=opp,
    )
    return opportunity_pass_on(opportunity=opp, offers=offers, decliner=member, now=now)


@transaction.atomic
def opportunity_close(*, opportunity: Opportunity, by: Member) -> Opportunity:
    if not by.is_staff or by.operator_id != opportunity.operator_id:
        raise DomainError(_("Only staff can close an opportunity."))
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opp.status != OpportunityStatus.OPEN:
        raise DomainError(_("This opportunity is not open."))
    opp.status = OpportunityStatus.CLOSED
    opp.save(update_fields=["status"])
    opp.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.WITHDRAWN)
    return opp
