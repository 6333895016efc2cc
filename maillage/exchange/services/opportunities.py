"""Opportunities from outside: a visitor's lead (public form) or one entered by staff,
routed to a shortlist of members by `maillage.exchange.routing` (relevance under amortized
fairness of exposure, Biega et al. 2018). Members accept or decline; a decline passes the
lead on. Each decision is logged with its explanation, and each member's exposure and
relevance history is persisted (`RoutingShare`, summed in `ExposureHistory`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member, Space
from maillage.core.services import activity_record
from maillage.exchange import routing
from maillage.exchange.models import (
    DecisionKind,
    ExchangePreference,
    ExposureHistory,
    OfferStatus,
    Opportunity,
    OpportunityKind,
    OpportunityOffer,
    OpportunitySource,
    OpportunityStatus,
    PublicLeadAttempt,
    RoutingDecisionLog,
    RoutingShare,
)
from maillage.exchange.services.candidates import matches_for
from maillage.exchange.services.common import (
    concepts_from_text,
    is_newcomer,
    language_of,
    profile_of,
    send_email,
    site_url,
)
from maillage.members.models import Company, Profile

# Boosts are off by default: `routing` clamps each gain to one place, so a boost given to
# many members at once (every newcomer of a young community) saturates the clamp and turns
# the choice back into greedy-by-relevance (found by test_history_of_exposure...). A
# deployment may turn them on with EXCHANGE_NEWCOMER_BOOST / EXCHANGE_LOW_EXPOSURE_BOOST.
POLICY = routing.RoutingPolicy(
    k=getattr(settings, "EXCHANGE_SHORTLIST_SIZE", 3),
    quality_floor=0.95,
    newcomer_boost=getattr(settings, "EXCHANGE_NEWCOMER_BOOST", 0.0),
    low_exposure_boost=getattr(settings, "EXCHANGE_LOW_EXPOSURE_BOOST", 0.0),
)
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
    so a refused form still counts)."""
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
    ref = (
        Company.objects.filter(operator_id=space.operator_id, name__iexact=company).first()
        if company
        else None
    )
    return _create(
        space=space,
        source=OpportunitySource.PUBLIC,
        by=None,
        company=company,
        company_ref=ref,
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
    """Staff enter a lead (a client's call, a tender); it is routed at once."""
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
    return _create(
        space=space,
        source=OpportunitySource.STAFF,
        by=by,
        company=" ".join((requester_company or (company.name if company else "")).split())[:150],
        company_ref=company,
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
    _route(opp, now=now)
    _enqueue(opp.pk, "received")
    return opp


# --- routing -----------------------------------------------------------------------------------


def _candidates(opp: Opportunity) -> tuple[list[routing.Candidate], dict[int, str]]:
    concepts = list(opp.concepts.all())
    matches = matches_for(concepts, operator_id=opp.operator_id, language=opp.language or "fr")
    if not matches:
        return [], {}
    prefs = {p.member_id: p for p in ExchangePreference.objects.filter(member_id__in=matches)}
    members = Member.objects.filter(pk__in=matches).select_related("user", "profile")
    today = timezone.localdate()
    candidates, names = [], {}
    for member in members:
        m = matches[member.pk]
        pref = prefs.get(member.pk)
        reason = ""
        if pref is not None and pref.paused_at is not None:
            reason = "paused"
        elif (pref is not None and not pref.wants_kind(opp.kind)) or not _listed(member):
            reason = "opted_out"
        elif not member.user.is_active:
            reason = "excluded"
        candidates.append(
            routing.Candidate(
                member_id=member.pk,
                relevance=min(1.0, m.relevance),
                company_id=m.company_id,
                is_newcomer=is_newcomer(member, today),
                excluded=bool(reason),
                reason=reason,
            )
        )
        names[member.pk] = member.user.get_full_name() or member.user.email.split("@")[0]
    return candidates, names


def _listed(member: Member) -> bool:
    try:
        return member.profile.listed  # fetched with the candidates just now
    except Profile.DoesNotExist:  # no profile yet: the default one is listed
        return True


def _history(member_ids) -> dict[int, routing.MemberHistory]:
    ids = sorted(set(member_ids))
    ExposureHistory.objects.bulk_create(
        [ExposureHistory(member_id=i) for i in ids], ignore_conflicts=True
    )
    rows = (
        ExposureHistory.objects.select_for_update().filter(member_id__in=ids).order_by("member_id")
    )
    return {
        h.member_id: routing.MemberHistory(
            h.member_id,
            cumulative_exposure=h.cumulative_exposure,
            cumulative_relevance=h.cumulative_relevance,
            opportunities_received=h.opportunities_received,
            opportunities_relevant=h.opportunities_relevant,
        )
        for h in rows
    }


def _persist(
    opp: Opportunity,
    decision: routing.RoutingDecision,
    history: dict[int, routing.MemberHistory],
    names: dict[int, str],
    *,
    kind: str,
    now: dt.datetime,
) -> RoutingDecisionLog:
    log = RoutingDecisionLog.objects.create(
        opportunity=opp,
        operator_id=opp.operator_id,
        kind=kind,
        created_at=now,
        shortlist=decision.member_ids,
        replaced_id=decision.replaced,
        quality=decision.quality,
        quality_floor=decision.quality_floor * decision.quality_reference,
        objective=decision.objective,
        objective_by_relevance=decision.objective_by_relevance,
        eligible_count=decision.eligible_count,
        explanation_fr=routing.explain(decision, "fr", names),
        explanation_en=routing.explain(decision, "en", names),
    )
    touched = decision.relevance.keys() | decision.exposure.keys()
    RoutingShare.objects.bulk_create(
        [
            RoutingShare(
                decision=log,
                member_id=member_id,
                relevance=decision.relevance.get(member_id, 0.0),
                exposure=decision.exposure.get(member_id, 0.0),
                created_at=now,
            )
            for member_id in sorted(touched)
        ]
    )
    updated = routing.update_history(history, decision)
    rows = {h.member_id: h for h in ExposureHistory.objects.filter(member_id__in=touched)}
    for member_id in touched:
        h, new = rows[member_id], updated[member_id]
        h.cumulative_exposure = new.cumulative_exposure
        h.cumulative_relevance = new.cumulative_relevance
        h.opportunities_received = new.opportunities_received
        h.opportunities_relevant = new.opportunities_relevant
        h.updated_at = now
    ExposureHistory.objects.bulk_update(
        rows.values(),
        [
            "cumulative_exposure",
            "cumulative_relevance",
            "opportunities_received",
            "opportunities_relevant",
            "updated_at",
        ],
    )
    relevance = {c.member_id: c.relevance for c in decision.shortlist}
    new_ids = list(decision.exposure)
    members = {m.pk: m for m in Member.objects.filter(pk__in=new_ids).select_related("home_space")}
    for member_id in new_ids:
        OpportunityOffer.objects.create(
            opportunity=opp,
            member_id=member_id,
            relevance=relevance[member_id],
            exposure=decision.exposure[member_id],
            offered_at=now,
        )
        member = members[member_id]
        activity_record(
            member=member,
            kind=ActivityKind.OPPORTUNITY_RECEIVED,
            space=member.home_space,
            target=opp,
            payload={"relevance": round(relevance[member_id], 3)},
        )
        _enqueue(opp.pk, "offered", member_id=member_id)
    return log


def _route(opp: Opportunity, *, now: dt.datetime) -> RoutingDecisionLog:
    candidates, names = _candidates(opp)
    history = _history(c.member_id for c in candidates)
    decision = routing.route(
        candidates, history, POLICY, requester_company_id=opp.requester_company_ref_id
    )
    log = _persist(opp, decision, history, names, kind=DecisionKind.ROUTE, now=now)
    if not decision.shortlist:
        opp.status = OpportunityStatus.UNMATCHED
        opp.save(update_fields=["status"])
    return log


def _current_decision(opp: Opportunity, offers: list[OpportunityOffer]) -> routing.RoutingDecision:
    """The state of an opportunity's routing, rebuilt from its offers (for `pass_on`)."""
    live = [o for o in offers if o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED)]
    return routing.RoutingDecision(
        shortlist=tuple(
            routing.Choice(
                member_id=o.member_id,
                relevance=o.relevance,
                rank=0,
                exposure_deficit=0.0,
                boost=0.0,
                received=0,
                relevant_to=0,
            )
            for o in live
        ),
        exposure={},
        relevance={},
        shown={o.member_id: o.exposure for o in offers},
        quality=1.0,
        quality_floor=POLICY.quality_floor,
        quality_reference=1.0,
        objective=0.0,
        objective_by_relevance=0.0,
        eligible_count=0,
        declined=tuple(o.member_id for o in offers if o.status == OfferStatus.DECLINED),
        requester_company_id=opp.requester_company_ref_id,
    )


# --- answers -----------------------------------------------------------------------------------


def _lock_offer(offer: OpportunityOffer, member: Member) -> tuple[Opportunity, OpportunityOffer]:
    opp = Opportunity.objects.select_for_update().get(pk=offer.opportunity_id)
    offer = OpportunityOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.member_id != member.pk:
        raise DomainError(_("This opportunity was not offered to you."))
    return opp, offer


def _check_open(opp: Opportunity, offer: OpportunityOffer, now: dt.datetime) -> None:
    if offer.status == OfferStatus.ACCEPTED:
        raise DomainError(_("You have already accepted this opportunity."))
    if offer.status == OfferStatus.DECLINED:
        raise DomainError(_("You have already declined this opportunity."))
    if opp.status == OpportunityStatus.TAKEN or offer.status == OfferStatus.WITHDRAWN:
        raise DomainError(_("Another member has already taken this opportunity."))
    if opp.status != OpportunityStatus.OPEN:
        raise DomainError(_("This opportunity is closed."))
    if now >= opp.expires_at:
        raise DomainError(_("This opportunity has expired."))


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
    _enqueue(opp.pk, "accepted", member_id=member.pk)
    return offer


@transaction.atomic
def offer_decline(
    *,
    offer: OpportunityOffer,
    member: Member,
    reason: str = "",
    now: dt.datetime | None = None,
) -> RoutingDecisionLog | None:
    """The member declines: the lead passes on to the best eligible member not yet shown it
    (`routing.pass_on`), and that decision is logged like the first one."""
    now = now or timezone.now()
    opp, offer = _lock_offer(offer, member)
    _check_open(opp, offer, now)
    offers = list(opp.offers.all())
    decision = _current_decision(opp, offers)
    offer.status, offer.answered_at = OfferStatus.DECLINED, now
    offer.decline_reason = " ".join((reason or "").split())[:200]
    offer.save(update_fields=["status", "answered_at", "decline_reason"])
    activity_record(
        member=member,
        kind=ActivityKind.OPPORTUNITY_DECLINED,
        space=member.home_space,
        target=opp,
    )
    candidates, names = _candidates(opp)
    if member.pk not in names:
        names[member.pk] = member.user.get_full_name()
    known = {c.member_id for c in candidates}
    if member.pk not in known:  # no longer a candidate (profile changed): still declined
        candidates.append(routing.Candidate(member_id=member.pk, relevance=0.0))
    history = _history(c.member_id for c in candidates)
    new = routing.pass_on(decision, member.pk, candidates, history, POLICY)
    log = _persist(opp, new, history, names, kind=DecisionKind.PASS_ON, now=now)
    if not opp.offers.filter(status=OfferStatus.OFFERED).exists():
        opp.status = OpportunityStatus.UNMATCHED
        opp.save(update_fields=["status"])
    return log


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


# --- preferences and pauses --------------------------------------------------------------------


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


# --- emails (run by the worker) ----------------------------------------------------------------


def _enqueue(opp_id: int, what: str, member_id: int | None = None) -> None:
    from maillage.exchange import tasks

    transaction.on_commit(
        lambda: tasks.opportunity_notify.enqueue(
            opportunity_id=opp_id, what=what, member_id=member_id
        )
    )


def opportunity_notice_send(*, opportunity_id: int, what: str, member_id: int | None) -> int:
    """Send what is still true: an offer still open, an acceptance (contact details both
    ways), the requester's acknowledgement."""
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
