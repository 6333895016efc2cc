"""Emails about opportunities, sent by the worker (`tasks.opportunity_notify`): each reads
the database when it runs and sends only what is still true and not sent yet."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from maillage.exchange.models import OfferStatus, Opportunity, OpportunityOffer, OpportunityStatus
from maillage.exchange.services.common import language_of, profile_of, send_email, site_url


def enqueue_opportunity_notice(opp_id: int, what: str, member_id: int | None = None) -> None:
    """Enqueue `tasks.opportunity_notify` once the current transaction commits."""
    from maillage.exchange import tasks

    transaction.on_commit(
        lambda: tasks.opportunity_notify.enqueue(
            opportunity_id=opp_id, what=what, member_id=member_id
        )
    )


def opportunity_notice_send(*, opportunity_id: int, what: str, member_id: int | None) -> int:
    """Send what is still true: an offer still open (no contact details), an acceptance
    (contact details both ways), the requester's acknowledgement."""
    opp = (
        Opportunity.objects.select_related("space", "taken_by__user")
        .filter(pk=opportunity_id)
        .first()
    )
    if opp is None:
        return 0
    if what == "received":
        send_email(
            to=opp.requester_email,
            language=opp.language,
            subject=gettext_lazy("Your request to %(space)s"),
            space=opp.space.name,
            template="opportunity_received",
            context={"opp": opp},
        )
        return 1
    if what == "offered":
        with transaction.atomic():
            offer = (
                OpportunityOffer.objects.select_for_update(of=("self",))
                .select_related("member__user")
                .filter(opportunity=opp, member_id=member_id, status=OfferStatus.OFFERED)
                .first()
            )
            if offer is None or offer.notified_at is not None:
                return 0
            send_email(
                to=offer.member.user.email,
                language=language_of(offer.member),
                subject=gettext_lazy("An opportunity for you: %(title)s"),
                title=opp.title,
                template="opportunity_offered",
                context={
                    "opp": opp,
                    "member": offer.member,
                    "url": site_url(f"/me/opportunities/{offer.pk}/"),
                },
            )
            offer.notified_at = timezone.now()
            offer.save(update_fields=["notified_at"])
            return 1
    if (
        what == "accepted"
        and opp.status == OpportunityStatus.TAKEN
        and opp.taken_by_id == member_id
    ):
        member = opp.taken_by
        profile = profile_of(member)
        send_email(
            to=member.user.email,
            language=language_of(member),
            subject=gettext_lazy("Contact details for: %(title)s"),
            title=opp.title,
            template="opportunity_accepted_member",
            context={"opp": opp, "member": member},
        )
        send_email(
            to=opp.requester_email,
            language=opp.language,
            subject=gettext_lazy("A member of %(space)s will help you"),
            space=opp.space.name,
            template="opportunity_accepted_requester",
            context={
                "opp": opp,
                "member_name": member.user.get_full_name(),
                "member_email": member.user.email,
                "headline": profile.headline,
            },
        )
        return 2
    return 0
