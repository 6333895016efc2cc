"""The access gates of the exchange: one per object type. Not allowed to see: 404; allowed
to see but not to act: 403 (or a DomainError from the service).

- an introduction: its two members and whoever made it;
- an opportunity offer: the member it was offered to (the requester's contact details only
  once they accepted — the template reads `offer.status`); the same member records the
  outcome of an opportunity they were offered;
- an opportunity, the routing decisions and the audit: the staff of its operator; a space's
  public lead form: anyone (the space gate of `maillage.core.access`);
- an ask: active members of its operator who may see its author's profile (the board and
  "asks for you" apply the same rule to a list: `visible_asks`); its conversation: the
  asker and the chosen helper;
  the helper the asker picks: one of the members who offered to help;
- a member to introduce oneself to: whoever the profile gate lets see them; a member to
  pause: whoever may change their record (`maillage.core.access.member_for_viewer`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from maillage.core.access import Viewer, space_for_viewer, staff_record
from maillage.core.models import Member, Space
from maillage.exchange.models import (
    Ask,
    Introduction,
    Opportunity,
    OpportunityOffer,
    RoutingDecisionLog,
)
from maillage.exchange.services.common import sections_seen
from maillage.members.access import visible_sections
from maillage.members.models import Profile


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


def offer_for_outcome(viewer: Viewer, opportunity_id: int) -> OpportunityOffer:
    """The viewer's own offer of an opportunity (to record its outcome), or 404."""
    _current(viewer)
    offer = (
        OpportunityOffer.objects.filter(
            opportunity_id=opportunity_id,
            member_id__in=[r.pk for r in viewer.records],
        )
        .select_related("opportunity", "member__user", "member__home_space")
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def opportunities_for_staff(viewer: Viewer) -> QuerySet[Opportunity]:
    """The opportunities of the operator the viewer is staff of (403 for anyone else)."""
    record = staff_record(viewer)
    return Opportunity.objects.filter(operator_id=record.operator_id)


def decisions_for_staff(viewer: Viewer) -> QuerySet[RoutingDecisionLog]:
    """The routing decisions of the operator the viewer is staff of (403 for anyone else)."""
    record = staff_record(viewer)
    return RoutingDecisionLog.objects.filter(operator_id=record.operator_id)


def space_for_lead(viewer: Viewer, slug: str) -> Space:
    """A space whose public page takes visitors' leads: anyone may use it."""
    space_id = Space.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if space_id is None:
        raise Http404
    return space_for_viewer(viewer, space_id)


def helper_for_ask(viewer: Viewer, ask: Ask, member_id: object) -> Member | None:
    """A member who offered to help with `ask` (which the viewer may see), or None."""
    _current(viewer)
    try:
        member_id = int(member_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    response = ask.responses.filter(member_id=member_id).select_related("member__user").first()
    return response.member if response else None


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


def visible_asks(viewer: Viewer, asks: Iterable[Ask]) -> list[Ask]:
    """The asks of a list the viewer may see, in the list's order: the rule of
    `ask_for_viewer`, with the authors' profiles read in one query."""
    asks = [a for a in asks if viewer.record_for(a.operator_id) is not None]
    author_ids = {a.author_id for a in asks if viewer.record_for_member(a.author_id) is None}
    profiles = {
        p.member_id: p
        for p in Profile.objects.filter(member_id__in=author_ids).select_related(
            "member__user", "member__home_space"
        )
    }
    seen: dict[int, bool] = {}
    for ask in asks:
        if ask.author_id not in author_ids or ask.author_id in seen:
            continue
        author = ask.author
        profile = profiles.get(ask.author_id) or Profile(member=author)
        profile.member = author
        seen[ask.author_id] = (
            author.is_active and author.user.is_active and bool(visible_sections(viewer, profile))
        )
    return [a for a in asks if a.author_id not in author_ids or seen[a.author_id]]


def may_converse(viewer: Viewer, ask: Ask) -> bool:
    return ask.helper_id is not None and any(
        viewer.record_for_member(i) is not None for i in (ask.author_id, ask.helper_id)
    )
