"""The access gates of the exchange: one per object type. Not allowed to see: 404; allowed
to see but not to act: 403 (or a DomainError from the service).

- an introduction: its two members and whoever made it;
- an opportunity offer: the member it was offered to (the requester's contact details only
  once they accepted — the template reads `offer.status`);
- an opportunity and the audit: the staff of its operator;
- an ask: active members of its operator; its conversation: the asker and the chosen helper;
- a member to introduce oneself to: whoever the profile gate lets see them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillage.core.access import Viewer, staff_record
from maillage.core.models import Member
from maillage.exchange.models import Ask, Introduction, Opportunity, OpportunityOffer
from maillage.exchange.services.common import sections_seen


def _current(viewer: Viewer) -> Member:
    if not viewer.is_authenticated or viewer.current is None:
        raise PermissionDenied
    return viewer.current


def introduction_for_viewer(viewer: Viewer, introduction_id: int) -> Introduction:
    _current(viewer)
    intro = (
        Introduction.objects.select_related("a__user", "b__user", "by__user")
        .filter(pk=introduction_id)
        .first()
    )
    if intro is None or not any(
        viewer.record_for_member(i) is not None for i in (intro.a_id, intro.b_id, intro.by_id)
    ):
        raise Http404
    return intro


def member_to_meet(viewer: Viewer, member_id: int) -> Member:
    """A member the viewer may ask to be introduced to (the profile gate decides)."""
    _current(viewer)
    member = Member.objects.select_related("user", "home_space").filter(pk=member_id).first()
    if member is None or not sections_seen(viewer, member):
        raise Http404
    return member


def offer_for_viewer(viewer: Viewer, offer_id: int) -> OpportunityOffer:
    _current(viewer)
    offer = (
        OpportunityOffer.objects.select_related("opportunity__space", "member__user")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or viewer.record_for_member(offer.member_id) is None:
        raise Http404
    return offer


def opportunity_for_staff(viewer: Viewer, opportunity_id: int) -> Opportunity:
    record = staff_record(viewer)
    opp = (
        Opportunity.objects.select_related("space", "taken_by__user")
        .filter(pk=opportunity_id, operator_id=record.operator_id)
        .first()
    )
    if opp is None:
        raise Http404
    return opp


def ask_for_viewer(viewer: Viewer, ask_id: int) -> Ask:
    me = _current(viewer)
    ask = (
        Ask.objects.select_related("author__user", "helper__user", "space")
        .filter(pk=ask_id)
        .first()
    )
    if ask is None or viewer.record_for(ask.operator_id) is None:
        raise Http404
    if viewer.record_for_member(ask.author_id) is None and not sections_seen(viewer, ask.author):
        raise Http404  # an author hidden from the viewer: their ask is hidden too
    del me
    return ask


def may_converse(viewer: Viewer, ask: Ask) -> bool:
    return ask.helper_id is not None and any(
        viewer.record_for_member(i) is not None for i in (ask.author_id, ask.helper_id)
    )
