"""A person's own data (RGPD, articles 15, 17 and 20): a copy of what Maillage keeps about
them, and deleting their account.

Deleting an account is an erasure that keeps the community's history true: the person's
name, address, profile, words and private links go; the rows that other people's records
and the community's figures stand on (bookings, check-ins, attendance, the ledger, value
recorded with others) stay, attached to a "former member" nobody can identify.

Which rows are "a person's" is written down once, in `EXPORTED` (what the copy holds) and
`NOT_EXPORTED` (the links to a person a copy leaves out, each with its reason): a test checks
that every link from any model to a member, a user or a profile is in one of the two, so a
new model has to decide.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.access import last_admin
from maillage.core.errors import DomainError
from maillage.core.models import Member, MemberNote, Operator, Role
from maillage.members.models import Profile
from maillage.members.services import search

FORMAT = "maillage-personal-data/1"

# model label → the fields that point at the person (a member record, the account, a profile)
EXPORTED: dict[str, tuple[str, ...]] = {
    "core.Member": ("user",),
    "core.Activity": ("member",),
    "core.MemberNote": ("member",),  # what the team wrote about them: theirs to read (art. 15)
    "members.Invitation": ("accepted_by",),
    "members.Profile": ("member",),
    "members.ProfileSkill": ("profile",),
    "members.Offer": ("profile",),
    "members.Need": ("profile",),
    "members.ContactMessage": ("sender", "recipient"),
    "workspace.Resource": ("assigned_to",),
    "workspace.Membership": ("member",),
    "workspace.BookingSeries": ("member",),
    "workspace.Booking": ("member",),
    "workspace.CheckIn": ("member",),
    "workspace.Guest": ("host",),
    "workspace.CalendarFeed": ("owner",),
    "events.EventSeries": ("created_by",),
    "events.Event": ("proposed_by", "hosts"),
    "events.Rsvp": ("member",),
    "events.Feedback": ("member",),
    "events.Encounter": ("member",),
    "events.NotificationPreference": ("member",),
    "events.EventFeed": ("owner",),
    "exchange.ExchangePreference": ("member",),
    "exchange.Introduction": ("by", "a", "b"),
    "exchange.Opportunity": ("taken_by",),
    "exchange.OpportunityOffer": ("member",),
    "exchange.RoutingShare": ("member",),
    "exchange.ExposureHistory": ("member",),
    "exchange.Ask": ("author", "helper"),
    "exchange.AskResponse": ("member",),
    "exchange.AskMessage": ("sender",),
    "exchange.Outcome": ("recorded_by", "provider", "beneficiary"),
    "exchange.Thanks": ("sender", "recipient"),
    "matching.MatchingPreference": ("member",),
    "matching.Tie": ("member_a", "member_b"),
    "matching.Dismissal": ("member",),
    "matching.RouletteOptIn": ("member",),
    "matching.RouletteSeat": ("member",),
    "matching.Project": ("created_by",),
    "matching.TeamSeat": ("member",),
    "insights.MemberEngagementSnapshot": ("member",),
    "insights.EventInvitation": ("member",),
    "insights.RouletteInvitation": ("member",),
    "account.EmailAddress": ("user",),
    "mfa.Authenticator": ("user",),
}

# "model.field" → why a copy of the person's data leaves those rows out
NOT_EXPORTED: dict[str, str] = {
    "core.MemberNote.author": "notes a staff member wrote about other people",
    "members.Invitation.invited_by": "invitations sent to other people's addresses",
    "members.SearchEntry.profile": "the directory's index: a copy of the profile's own text",
    "workspace.Membership.created_by": "staff work on other people's plans",
    "workspace.Booking.booked_by": "bookings made for other people",
    "workspace.Booking.cancelled_by": "bookings cancelled for other people",
    "workspace.CheckIn.registered_by": "other people checked in at the desk",
    "workspace.Guest.registered_by": "other people's guests registered at the desk",
    "events.Event.decided_by": "decisions on other people's proposals",
    "events.Encounter.other": "other members' own answers to 'who did you meet?'",
    "exchange.ExchangePreference.paused_by": "staff work on other people's preferences",
    "exchange.Opportunity.created_by": "opportunities entered for the community (a client's data)",
    "exchange.RoutingDecisionLog.replaced": "the routing's audit trail about other people",
    "matching.Dismissal.other": "other members' choice not to be suggested someone",
    "matching.RouletteRound.run_by": "staff work: rounds for other people",
    "insights.EventInvitation.invited_by": "staff work: invitations to other people",
    "insights.RouletteInvitation.invited_by": "staff work: invitations to other people",
    "insights.DailyActivityCount.member": "daily counts derived from the ledger lines exported",
    "demo.DemoTruth.member": "the demo generator's hidden truth (demo data, never shown)",
    "admin.LogEntry.user": "the admin site's log of staff work on other records",
}

# "model.field" never written into a copy: secrets (the nonces behind private links, second
# factors), other people's data kept on the person's rows (a client's contact on a lead they
# took, a guest's address), and machine copies (the attendees an event's ranking reads)
LEFT_OUT = frozenset({
    "members.Invitation.nonce",
    "workspace.CalendarFeed.nonce",
    "events.EventFeed.nonce",
    "events.Event.checkin_nonce",
    "events.Event.features",
    "events.Rsvp.nonce",
    "mfa.Authenticator.data",
    "exchange.Opportunity.requester_name",
    "exchange.Opportunity.requester_email",
    "exchange.Opportunity.requester_company",
    "workspace.Guest.email",
})  # fmt: skip

# models whose rows name other members the person may not otherwise see (how close the
# product thinks two people are): the other side is written as an id, without a name
OTHERS_UNNAMED = frozenset({"matching.Tie"})


def person_models() -> list[tuple[type[models.Model], models.Field]]:
    """Every link from a model to a member record, an account or a profile."""
    targets = (Member, get_user_model(), Profile)
    links = []
    for model in apps.get_models():
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model in targets:
                links.append((model, field))
    return links


def _subjects(user) -> dict[type[models.Model], list[int]]:
    members = list(Member.objects.filter(user=user).values_list("pk", flat=True))
    return {
        Member: members,
        get_user_model(): [user.pk],
        Profile: list(Profile.objects.filter(member__in=members).values_list("pk", flat=True)),
    }


def _rows_of(model: type[models.Model], fields: tuple[str, ...], subjects) -> models.QuerySet:
    where = Q()
    for name in fields:
        ids = subjects[model._meta.get_field(name).related_model]
        where |= Q(**{f"{name}__in": ids})
    return model._default_manager.filter(where).distinct().order_by("pk")


def _label_of(model: type[models.Model], ids: set[int]) -> dict[int, str]:
    """What to call the objects a row points to: people by their name only (never an
    address), the rest by their own name."""
    if not ids:
        return {}
    # the way from each kind of row that stands for a person to their account
    path = {Member: "user__", get_user_model(): "", Profile: "member__user__"}.get(model)
    if path is not None:
        person = get_user_model()
        return {
            pk: person(full_name=name, erased_at=erased, email="").get_full_name()
            for pk, name, erased in model.objects.filter(pk__in=ids).values_list(
                "pk", f"{path}full_name", f"{path}erased_at"
            )
        }
    return {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()}


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def _export_model(model: type[models.Model], fields: tuple[str, ...], subjects) -> list[dict]:
    rows = list(_rows_of(model, fields, subjects))
    if not rows:
        return []
    label = model._meta.label
    concrete = [f for f in model._meta.concrete_fields if f"{label}.{f.name}" not in LEFT_OUT]
    labels: dict[str, dict[int, str]] = {}
    for field in concrete:
        if field.is_relation:
            ids = {getattr(row, field.attname) for row in rows} - {None}
            labels[field.name] = _label_of(field.related_model, ids)
    many = {}
    for field in model._meta.many_to_many:
        through = getattr(model, field.name).through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        pairs = list(
            through.objects.filter(**{f"{source}__in": [r.pk for r in rows]}).values_list(
                f"{source}_id", f"{target}_id"
            )
        )
        names = _label_of(field.related_model, {b for _, b in pairs})
        by_row: dict[int, list[str]] = {}
        for a, b in pairs:
            by_row.setdefault(a, []).append(names.get(b, ""))
        many[field.name] = by_row
    out = []
    for row in rows:
        item = {}
        for field in concrete:
            value = getattr(row, field.attname)
            if field.is_relation:
                name = labels[field.name].get(value)
                if (
                    label in OTHERS_UNNAMED
                    and field.related_model is Member
                    and value not in subjects[Member]
                ):
                    name = None
                item[field.name] = None if value is None else {"id": value, "name": name}
            else:
                item[field.name] = _plain(value)
        for name, by_row in many.items():
            item[name] = sorted(by_row.get(row.pk, []))
        out.append(item)
    return out


def personal_data(user, *, now: dt.datetime | None = None) -> dict:
    """A copy of what Maillage keeps about a person, as plain JSON-ready data (art. 15, 20)."""
    now = now or timezone.now()
    subjects = _subjects(user)
    records = {}
    for label, fields in EXPORTED.items():
        try:
            model = apps.get_model(label)
        except LookupError:  # an optional app not installed
            continue
        rows = _export_model(model, fields, subjects)
        if rows:
            records[label] = rows
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
        },
        "records": records,
        "by_address": _by_address(user),
        "not_included": NOT_EXPORTED,
    }


def _address_q(field: str, addresses: set[str]) -> Q:
    where = Q(pk__in=[])
    for address in addresses:
        where |= Q(**{f"{field}__iexact": address})
    return where


def _by_address_rows():
    """Rows that name the person by an address, not by their records: answers to public
    events given as a visitor, leads they sent as a client, days they came as a guest."""
    from maillage.events.models import Rsvp
    from maillage.exchange.models import Opportunity
    from maillage.workspace.models import Guest

    return (
        (Rsvp, "email", ("event_id", "name", "status", "guests", "created_at")),
        (Opportunity, "requester_email", ("title", "requester_name", "requester_company",
                                          "created_at")),
        (Guest, "email", ("space_id", "name", "company_name", "kind", "day")),
    )  # fmt: skip


def _by_address(user) -> dict[str, list[dict]]:
    from allauth.account.models import EmailAddress

    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    addresses.add(user.email)
    out = {}
    for model, field, fields in _by_address_rows():
        rows = model._default_manager.filter(_address_q(field, addresses)).order_by("pk")
        if model._meta.label == "events.Rsvp":
            rows = rows.filter(member__isnull=True)
        values = [{k: _plain(v) for k, v in row.items()} for row in rows.values(*fields)]
        if values:
            out[model._meta.label] = values
    return out


def _by_address_forget(addresses: set[str]) -> None:
    """What names the person by an address (see `_by_address_rows`) loses the name and the
    address; the rows stay for the events' and the space's counts."""
    from maillage.events.models import Rsvp
    from maillage.exchange.models import Opportunity
    from maillage.workspace.models import Guest

    for pk in Rsvp.objects.filter(_address_q("email", addresses), member__isnull=True).values_list(
        "pk", flat=True
    ):  # an answer needs a member or an address: a placeholder nobody receives (.invalid)
        Rsvp.objects.filter(pk=pk).update(name="", email=f"former-visitor-{pk}@erased.invalid")
    Opportunity.objects.filter(_address_q("requester_email", addresses)).update(
        requester_name="", requester_email="", requester_company=""
    )
    Guest.objects.filter(_address_q("email", addresses)).update(
        name=_("Former member"), email="", company_name=""
    )


# --- deleting an account ------------------------------------------------------------------


def account_erase_check(user, *, lock: bool = False) -> None:
    """Why this account cannot be deleted now, if it cannot (a DomainError). `lock` (inside
    the erasure's transaction): erasures of a community's admins wait for each other (its
    row locked, in the operators' order), so two admins deleting their accounts at once
    cannot leave it without one."""
    if user.is_superuser:
        raise DomainError(
            _("A platform administrator's account is deleted by another administrator.")
        )
    for record in (
        Member.objects.active()
        .filter(user=user, role=Role.ADMIN)
        .select_related("operator")
        .order_by("operator_id")
    ):
        if lock:  # one erasure at a time per community (the same lock order for all)
            list(Operator.objects.select_for_update().filter(pk=record.operator_id).values("pk"))
        if last_admin(record):
            raise DomainError(
                _(
                    "You are the last operator admin of %(operator)s: give that role to "
                    "someone else first, so the community is not left without one."
                )
                % {"operator": record.operator.name}
            )


def erased_email(user) -> str:
    return f"former-member-{user.pk}@erased.invalid"


@transaction.atomic
def account_erase(*, user, now: dt.datetime | None = None) -> None:
    """Delete a person's account: what identifies them goes, the community's history stays.

    Their commitments to come are released first (bookings cancelled, places at events given
    up, so the waiting lists move), each of their member records is marked as left, and then:
    - deleted: their profile (skills, offers, needs, photo), the team's notes about them,
      their messages, asks and answers, private calendar links, preferences and opt-ins,
      their e-mail addresses, second factors and the invitations to any of their addresses;
    - emptied: words of theirs kept in shared records (feedback comments, booking titles,
      notes on introductions and outcomes they recorded);
    - kept, under "former member": the ledger, bookings, check-ins, attendance, ties, and
      value recorded with others (thanks they gave stay with those who received them).
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from maillage.events.models import EventFeed, Feedback, NotificationPreference
    from maillage.exchange.models import (
        Ask,
        AskMessage,
        AskResponse,
        ExchangePreference,
        Introduction,
        Outcome,
    )
    from maillage.matching.models import Dismissal, MatchingPreference, RouletteOptIn
    from maillage.members.models import ContactMessage, Invitation
    from maillage.workspace.models import Booking, CalendarFeed, Resource

    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return
    account_erase_check(user, lock=True)
    members = list(Member.objects.filter(user=user).select_related("home_space"))
    # how the routing's explanations named them: their name, or without one their address's
    # first part (never both: a short word could be part of other words)
    names = {user.full_name or user.email.split("@")[0]}
    for member in members:
        if member.left_on is None:
            commitments_release(member, by=member, now=now)
            # set directly: a start date ahead (an import) or another time zone's today
            # must not stop an erasure as it stops a departure recorded by staff
            member.left_on = max(member.joined_on, _today(member))
            member.save(update_fields=["left_on"])
        member.managed_spaces.clear()
    _roles_release(members, now=now)
    _routing_explanations_forget(members, names)

    profiles = Profile.objects.filter(member__in=members)
    photos = [p.photo for p in profiles if p.photo]
    search.profiles_unindex(profiles.values_list("pk", flat=True))
    profiles.delete()
    for model, field in (
        (ContactMessage, "sender"),  # those they received went with their profile
        (CalendarFeed, "owner"),
        (EventFeed, "owner"),
        (NotificationPreference, "member"),
        (ExchangePreference, "member"),
        (MatchingPreference, "member"),
        (RouletteOptIn, "member"),
        (Dismissal, "member"),
        (Dismissal, "other"),
        (AskMessage, "sender"),
        (AskResponse, "member"),
        (Ask, "author"),
    ):
        model.objects.filter(**{f"{field}__in": members}).delete()
    MemberNote.objects.filter(member__in=members).delete()
    Resource.objects.filter(assigned_to__in=members).update(assigned_to=None)
    Feedback.objects.filter(member__in=members).update(comment="")
    Booking.objects.filter(member__in=members).update(title="")
    Introduction.objects.filter(by__in=members).update(note="")
    Outcome.objects.filter(recorded_by__in=members).update(note="", exchange_note="")

    old_email = user.email
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {
        old_email
    }
    Invitation.objects.filter(Q(accepted_by=user) | _address_q("email", addresses)).delete()
    _by_address_forget(addresses)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = erased_email(user)
    user.full_name = ""
    user.is_active = False
    user.erased_at = now
    user.set_unusable_password()  # also ends every session of theirs (their hash changes)
    user.save()

    def _delete_photos():
        for photo in photos:
            photo.storage.delete(photo.name)

    transaction.on_commit(_delete_photos)


def _roles_release(members: list[Member], *, now: dt.datetime) -> None:
    """What the person was counted on for, handed back so that nothing waits on them:
    - events to come they host: they step down; an event they hosted alone gets the staff
      member who approved it (else it shows no host, and its edit page asks for one);
    - their proposals still awaiting approval are declined;
    - introductions waiting for answers are cancelled, asks they were chosen to help with
      are open again, leads offered to them are declined (the routing offers them on);
    - seats in roulette rounds and project teams to come are given up, invitations not yet
      sent are dropped."""
    from maillage.events.models import Event, EventStatus
    from maillage.exchange.models import (
        Ask,
        AskStatus,
        Introduction,
        IntroductionStatus,
        OfferStatus,
        OpportunityOffer,
    )
    from maillage.exchange.services.opportunities import offer_decline
    from maillage.insights.models import EventInvitation, RouletteInvitation
    from maillage.matching.models import RouletteSeat, TeamSeat

    to_come = Event.objects.filter(
        hosts__in=members,
        ends_at__gt=now,
        status__in=(EventStatus.PUBLISHED, EventStatus.PROPOSED),
    ).distinct()
    for event in to_come.select_related("decided_by__user"):
        event.hosts.remove(*members)
        decider = event.decided_by
        if (
            not event.hosts.exists()
            and decider is not None
            and decider not in members
            and decider.is_active
            and decider.user.is_active
        ):
            event.hosts.add(decider)
    Event.objects.filter(proposed_by__in=members, status=EventStatus.PROPOSED).update(
        status=EventStatus.DECLINED,
        decision_note=_("The person who proposed it deleted their account."),
        updated_at=now,
    )
    Introduction.objects.filter(
        Q(a__in=members) | Q(b__in=members) | Q(by__in=members),
        status=IntroductionStatus.PENDING,
    ).update(status=IntroductionStatus.CANCELLED)
    Ask.objects.filter(helper__in=members, status=AskStatus.MATCHED).update(
        status=AskStatus.OPEN, helper=None
    )
    for offer in OpportunityOffer.objects.filter(member__in=members, status=OfferStatus.OFFERED):
        try:
            with transaction.atomic():
                offer_decline(offer=offer, member=offer.member, now=now)  # passes it on
        except DomainError:  # the lead is no longer open: nothing to pass on
            OpportunityOffer.objects.filter(pk=offer.pk).update(
                status=OfferStatus.DECLINED, answered_at=now
            )
    RouletteSeat.objects.filter(member__in=members, round__meet_on__gte=now.date()).delete()
    TeamSeat.objects.filter(member__in=members, accepted_at__isnull=True).delete()
    EventInvitation.objects.filter(member__in=members, sent_at__isnull=True).delete()
    RouletteInvitation.objects.filter(member__in=members, sent_at__isnull=True).delete()


def _routing_explanations_forget(members: list[Member], names: set[str]) -> None:
    """The routing's audit trail explains each decision in words that name the candidates:
    the person's name becomes "former member" there too."""
    from maillage.exchange.models import RoutingDecisionLog

    if not names:
        return
    labels = {"fr": "Ancien membre", "en": "Former member"}
    logs = RoutingDecisionLog.objects.filter(operator_id__in={m.operator_id for m in members}).only(
        "pk", "explanation_fr", "explanation_en"
    )
    for log in logs.iterator(chunk_size=500):
        changed = False
        for lang in ("fr", "en"):
            lines = getattr(log, f"explanation_{lang}") or []
            new = []
            for line in lines:
                for name in sorted(names, key=len, reverse=True):
                    line = line.replace(name, labels[lang]) if isinstance(line, str) else line
                new.append(line)
            if new != lines:
                setattr(log, f"explanation_{lang}", new)
                changed = True
        if changed:
            log.save(update_fields=["explanation_fr", "explanation_en"])


def _today(member: Member) -> dt.date:
    from maillage.workspace.selectors import today_in

    return today_in(member.home_space)


def commitments_release(member: Member, *, by: Member, now: dt.datetime | None = None) -> dict:
    """What a member who leaves still holds: their bookings to come (not an event's room,
    which the event's staff handle) and their places at events to come (the waiting list
    moves). Returns how many of each were released."""
    from maillage.events import services as events_services
    from maillage.events.models import Event, EventStatus, Rsvp, RsvpStatus
    from maillage.workspace import services as workspace_services
    from maillage.workspace.models import Booking, BookingStatus

    now = now or timezone.now()
    events_rooms = Event.objects.filter(booking__isnull=False).values("booking_id")
    bookings = list(
        Booking.objects.filter(
            member=member, status=BookingStatus.CONFIRMED, starts_at__gt=now
        ).exclude(pk__in=events_rooms)
    )
    for booking in bookings:
        workspace_services.booking_cancel(booking=booking, by=by, now=now)
    rsvps = list(
        Rsvp.objects.filter(
            member=member,
            status__in=(RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.MAYBE),
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
        ).select_related("event")
    )
    for rsvp in rsvps:
        events_services.event_rsvp(
            event=rsvp.event, member=member, status=RsvpStatus.NOT_GOING, now=now
        )
    return {"bookings": len(bookings), "places": len(rsvps)}
