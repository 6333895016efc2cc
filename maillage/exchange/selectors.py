"""Reads of the exchange: ranked helpers for an ask, open asks for the home page, the
staff's audit of exposure against relevance, and the value ledger."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from maillage.core import sql
from maillage.core.access import Viewer
from maillage.core.models import Member, Space
from maillage.exchange.access import visible_asks
from maillage.exchange.models import (
    Ask,
    AskStatus,
    ExchangePreference,
    ExposureHistory,
    Introduction,
    IntroductionStatus,
    OfferStatus,
    OpportunityOffer,
    Outcome,
    RoutingShare,
)
from maillage.exchange.services.candidates import matches_for
from maillage.exchange.services.common import sections_seen, viewer_of
from maillage.members.models import Offer, Profile, ProfileSkill, User

MAX_HELPERS = 10


@dataclass
class Helper:
    member: Member
    relevance: float
    reasons: list[str]
    offered: bool = False

    @property
    def strength(self) -> str:
        """The fit in words, for members ("strong", "good", "partial"): a published offer
        for every skill asked is strong; the score itself is for staff."""
        return "strong" if self.relevance >= 0.8 else "good" if self.relevance >= 0.5 else "partial"


def helpers_for_ask(ask: Ask, viewer: Viewer, *, language: str = "fr") -> list[Helper]:
    """Members whose visible offers and skills fit the ask, best first, with the reason.
    Only sections the viewer may see count (the profile gate)."""
    concepts = list(ask.concepts.all())
    matches = matches_for(concepts, operator_id=ask.operator_id, language=language)
    matches.pop(ask.author_id, None)
    members = Member.objects.select_related("user", "home_space").filter(pk__in=matches)
    offered = set(ask.responses.values_list("member_id", flat=True))
    helpers = []
    for member in members:
        if member.user_id == ask.author.user_id:
            continue
        sections = sections_seen(viewer, member)
        m = matches[member.pk]
        relevance = m.relevance_seen(sections)
        if relevance <= 0:
            continue
        reasons = []
        if "offers" in sections and m.offers:
            reasons.append(("offers", ", ".join(f"«\u00a0{t}\u00a0»" for t in m.offers[:2])))
        if "skills" in sections and m.skills:
            reasons.append(("skills", ", ".join(m.skills[:3])))
        helpers.append(Helper(member, relevance, reasons, member.pk in offered))
    helpers.sort(key=lambda h: (-h.relevance, h.member.user.full_name, h.member.pk))
    return helpers[:MAX_HELPERS]


def preferences_of(member: Member) -> ExchangePreference:
    """The member's exchange preferences, or the defaults they have until they save them."""
    return ExchangePreference.objects.filter(member=member).first() or ExchangePreference(
        member=member
    )


def asks_of(member: Member, *, limit: int = 20) -> list[Ask]:
    """The member's own asks, newest first."""
    return list(Ask.objects.filter(author=member).order_by("-created_at")[:limit])


def has_offers_or_skills(member: Member) -> bool:
    """Whether the member said how they can help (a skill or a published offer)."""
    return (
        ProfileSkill.objects.filter(profile__member=member).exists()
        or Offer.objects.filter(profile__member=member, is_active=True).exists()
    )


def open_asks_for(member: Member, *, limit: int = 5, viewer: Viewer | None = None) -> list[Ask]:
    """Open asks of the member's community that their offers or skills could help with,
    among those the member may see (the ask gate), newest first.

    Every home page asks: one query written in SQL once per process (core/sql.py), where the
    ORM took three and longer to compile them than the database to answer; then the gate."""
    params = [
        member.operator_id,
        str(AskStatus.OPEN),
        member.user_id,
        member.pk,  # the concepts the member has...
        member.pk,  # ... or offers
        limit * 4,
    ]
    rows = sql.fetch(_open_asks_sql(connection.vendor), params)
    asks = [ask for ask, *_ in sql.instances(_OPEN_ASK_PARTS, rows)]
    return visible_asks(viewer or viewer_of(member), asks)[:limit]


_OPEN_ASK_PARTS = (
    (Ask, "a"),
    (Member, "m", "a", "author"),
    (User, "u", "m", "user"),
    (Space, "h", "m", "home_space"),
    (Space, "s", "a", "space"),
)


@functools.cache
def _open_asks_sql(vendor: str) -> str:
    col = sql.column
    ask_concepts, offer_skills = Ask.concepts.through, Offer.skills.through
    # The concepts the member offers or has; an ask with one of them, by a subquery (a join
    # and DISTINCT would compare every selected column: 4 ms at 100,000 members).
    concepts = (
        f"SELECT {col(ProfileSkill, 'concept', 'k')} FROM {sql.table(ProfileSkill, 'k')} "  # noqa: S608
        f"{sql.join(Profile, 'p', col(ProfileSkill, 'profile', 'k'))} "
        f"WHERE {col(Profile, 'member', 'p')} = %s "
        f"UNION SELECT {col(offer_skills, 'skillconcept', 'os')} "
        f"FROM {sql.table(offer_skills, 'os')} {sql.join(Offer, 'o', col(offer_skills, 'offer', 'os'))} "
        f"{sql.join(Profile, 'p', col(Offer, 'profile', 'o'))} "
        f"WHERE {col(Profile, 'member', 'p')} = %s AND {col(Offer, 'is_active', 'o')}"
    )
    matching = (
        f"SELECT {col(ask_concepts, 'ask', 'ac')} FROM {sql.table(ask_concepts, 'ac')} "  # noqa: S608
        f"WHERE {col(ask_concepts, 'skillconcept', 'ac')} IN ({concepts})"
    )
    return (
        f"SELECT {sql.columns(_OPEN_ASK_PARTS)} {sql.source(_OPEN_ASK_PARTS)} "
        f"WHERE {col(Ask, 'operator', 'a')} = %s AND {col(Ask, 'status', 'a')} = %s "
        f"AND {col(Member, 'user', 'm')} <> %s AND {col(Ask, 'id', 'a')} IN ({matching}) "
        f"ORDER BY {col(Ask, 'created_at', 'a')} DESC, {col(Ask, 'id', 'a')} DESC LIMIT %s"
    )


BOARD_MAX = 500  # open asks at once in a community: the board is paginated from these


def community_asks(viewer: Viewer, member: Member, *, space_id: int | None = None) -> list[Ask]:
    """The community's board: open asks of the member's operator the viewer may see (the
    ask gate), newest first, optionally of one space."""
    asks = Ask.objects.filter(operator_id=member.operator_id, status=AskStatus.OPEN)
    if space_id is not None:
        asks = asks.filter(space_id=space_id)
    asks = asks.select_related("author__user", "author__home_space", "space").order_by(
        "-created_at", "-pk"
    )[:BOARD_MAX]
    return visible_asks(viewer, asks)


def introductions_of(member: Member) -> list[Introduction]:
    return list(
        Introduction.objects.filter(Q(a=member) | Q(b=member) | Q(by=member))
        .select_related("a__user", "b__user", "by__user")
        .order_by("-created_at")[:50]
    )


def offers_of(member: Member) -> list[OpportunityOffer]:
    return list(
        OpportunityOffer.objects.filter(member=member)
        .select_related("opportunity__space")
        .order_by("-offered_at")[:50]
    )


def pending_count(member: Member) -> int:
    intros = Introduction.objects.filter(
        Q(a=member, a_answer="") | Q(b=member, b_answer=""), status=IntroductionStatus.PENDING
    ).count()
    return (
        intros + OpportunityOffer.objects.filter(member=member, status=OfferStatus.OFFERED).count()
    )


# --- audit -------------------------------------------------------------------------------------


@dataclass
class AuditRow:
    member: Member
    exposure: float
    relevance: float
    received: int
    relevant: int
    months: list[tuple[dt.datetime, float, float]]  # (first day of the month, a, r)
    paused: bool = False

    @property
    def gap(self) -> float:
        return self.exposure - self.relevance


def audit_histories(operator_id: int) -> QuerySet[ExposureHistory]:
    """The members of an operator with a routing history, most relevant first (paginate it
    and pass a page to `audit_rows`)."""
    return (
        ExposureHistory.objects.filter(member__operator_id=operator_id)
        .select_related("member__user")
        .order_by("-cumulative_relevance", "member_id")
    )


def audit_rows(histories: Iterable[ExposureHistory]) -> list[AuditRow]:
    """Per member: cumulative exposure against cumulative relevance, and month by month."""
    histories = list(histories)
    ids = [h.member_id for h in histories]
    months: dict[int, list[tuple[dt.datetime, float, float]]] = defaultdict(list)
    for row in (
        RoutingShare.objects.filter(member_id__in=ids)
        .annotate(month=TruncMonth("created_at"))
        .values("member_id", "month")
        .annotate(a=Sum("exposure"), r=Sum("relevance"))
        .order_by("member_id", "month")
    ):
        months[row["member_id"]].append((row["month"], row["a"], row["r"]))
    paused = set(
        ExchangePreference.objects.filter(member_id__in=ids, paused_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    return [
        AuditRow(
            h.member,
            h.cumulative_exposure,
            h.cumulative_relevance,
            h.opportunities_received,
            h.opportunities_relevant,
            months[h.member_id],
            h.member_id in paused,
        )
        for h in histories
    ]


def exposure_audit(operator_id: int, *, limit: int = 200) -> list[AuditRow]:
    """The audit rows of an operator's first `limit` members (see `audit_histories`)."""
    return audit_rows(audit_histories(operator_id)[:limit])


# --- the value ledger --------------------------------------------------------------------------


@dataclass
class Value:
    business: Decimal  # declared amounts
    outcomes: int
    exchanges: int
    helps: int
    satisfaction: float | None


def _value(qs) -> Value:
    agg = qs.aggregate(
        business=Sum("amount", filter=Q(terms="paid")),
        outcomes=Count("pk"),
        exchanges=Count("pk", filter=Q(terms="exchange")),
        helps=Count("pk", filter=Q(terms="free")),
        satisfaction=Sum("satisfaction"),
    )
    n = agg["outcomes"] or 0
    return Value(
        business=agg["business"] or Decimal("0"),
        outcomes=n,
        exchanges=agg["exchanges"] or 0,
        helps=agg["helps"] or 0,
        satisfaction=(agg["satisfaction"] / n) if n else None,
    )


def value_for_member(member: Member) -> dict[str, Value]:
    """What a member gave (as provider) and received (as beneficiary)."""
    return {
        "given": _value(Outcome.objects.filter(provider=member)),
        "received": _value(Outcome.objects.filter(beneficiary=member)),
    }


def value_for_space(space_id: int) -> Value:
    return _value(Outcome.objects.filter(space_id=space_id))


def value_for_operator(operator_id: int) -> Value:
    return _value(Outcome.objects.filter(operator_id=operator_id))
