"""Asks: a member posts a need, Maillage ranks who could help (with the reason), members
answer "I can help", the asker picks one, and the two talk privately (messages also
emailed)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.exchange.models import Ask, AskMessage, AskResponse, AskStatus, Terms
from maillage.exchange.services.common import (
    concepts_from_text,
    language_of,
    send_email,
    site_url,
)

MAX_TITLE = 140
MAX_TEXT = 4_000
MAX_OPEN_ASKS = 10
# Words that make an ask abusive rather than a need; kept short and obvious on purpose.
_ABUSIVE = {"connard", "connasse", "salope", "encule", "enculé", "fuck", "bitch"}


def _check_text(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if len(title) < 5:
        raise DomainError(_("Say what you need in a few words."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("The title is too long (140 characters at most)."), field="title")
    if len(description) > MAX_TEXT:
        raise DomainError(
            _("The details are too long (4,000 characters at most)."), field="description"
        )
    words = {w.strip(".,;:!?\"'()").lower() for w in f"{title} {description}".split()}
    if words & _ABUSIVE:
        raise DomainError(_("Please keep your ask courteous."), field="title")
    return title, description


@transaction.atomic
def ask_post(
    *,
    author: Member,
    title: str,
    description: str = "",
    skills: str = "",
    terms: str = Terms.PAID,
    budget: str = "",
    deadline: dt.date | None = None,
) -> Ask:
    """Post a need. `skills` is free text (comma-separated) linked to the taxonomy; an
    unknown skill is refused with a message rather than silently dropped."""
    title, description = _check_text(title, description)
    if terms not in Terms.values:
        raise DomainError(_("Choose what you offer in return."), field="terms")
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline is already past."), field="deadline")
    if Ask.objects.filter(author=author, status=AskStatus.OPEN).count() >= MAX_OPEN_ASKS:
        raise DomainError(_("You have many open asks: close one before posting another."))
    concepts = []
    for part in [p.strip() for p in (skills or "").split(",") if p.strip()]:
        found = concepts_from_text(part, limit=3)
        if not found:
            raise DomainError(
                _("We do not know the skill “%(text)s”: try another word.") % {"text": part},
                field="skills",
            )
        concepts.extend(c for c in found[:1] if c not in concepts)
    if not concepts:
        concepts = concepts_from_text(f"{title} {description}"[:500])
    ask = Ask.objects.create(
        operator_id=author.operator_id,
        space_id=author.home_space_id,
        author=author,
        title=title,
        description=description,
        terms=terms,
        budget=" ".join((budget or "").split())[:140],
        deadline=deadline,
    )
    ask.concepts.set(concepts)
    activity_record(member=author, kind=ActivityKind.POSTED, space=author.home_space, target=ask)
    return ask


def _open_ask(ask: Ask) -> Ask:
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if ask.status != AskStatus.OPEN:
        raise DomainError(_("This ask is no longer open."))
    return ask


@transaction.atomic
def ask_offer_help(*, ask: Ask, member: Member, note: str = "") -> AskResponse:
    """ "I can help": the asker is told, and may pick this member."""
    ask = _open_ask(ask)
    if member.pk == ask.author_id or member.user_id == ask.author.user_id:
        raise DomainError(_("You cannot answer your own ask."))
    if member.operator_id != ask.operator_id or not member.is_active:
        raise DomainError(_("Only members of this community can answer."))
    note = (note or "").strip()
    if len(note) > 2_000:
        raise DomainError(_("The note is too long (2,000 characters at most)."), field="note")
    if AskResponse.objects.filter(ask=ask, member=member).exists():
        raise DomainError(_("You have already offered your help."))
    response = AskResponse.objects.create(ask=ask, member=member, note=note)
    activity_record(member=member, kind=ActivityKind.ANSWERED, space=member.home_space, target=ask)
    transaction.on_commit(
        lambda: _tasks().ask_notify.enqueue(ask_id=ask.pk, what="answered", member_id=member.pk)
    )
    return response


@transaction.atomic
def ask_pick(*, ask: Ask, by: Member, helper: Member) -> Ask:
    """The asker picks one of the members who offered help; the conversation opens."""
    ask = _open_ask(ask)
    if by.pk != ask.author_id:
        raise DomainError(_("Only the author of the ask can pick a helper."))
    if not AskResponse.objects.filter(ask=ask, member=helper).exists():
        raise DomainError(_("This member has not offered to help."))
    ask.status, ask.helper = AskStatus.MATCHED, helper
    ask.save(update_fields=["status", "helper"])
    transaction.on_commit(
        lambda: _tasks().ask_notify.enqueue(ask_id=ask.pk, what="picked", member_id=helper.pk)
    )
    return ask


@transaction.atomic
def ask_close(*, ask: Ask, by: Member) -> Ask:
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if by.pk != ask.author_id:
        raise DomainError(_("Only the author of the ask can close it."))
    if ask.status == AskStatus.CLOSED:
        raise DomainError(_("This ask is already closed."))
    ask.status, ask.closed_at = AskStatus.CLOSED, timezone.now()
    ask.save(update_fields=["status", "closed_at"])
    return ask


@transaction.atomic
def ask_message_send_new(*, ask: Ask, sender: Member, body: str) -> AskMessage:
    """A message in the private conversation of the asker and the chosen helper."""
    if ask.helper_id is None or sender.pk not in (ask.author_id, ask.helper_id):
        raise DomainError(_("Only the asker and the chosen helper can write here."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."), field="body")
    if len(body) > MAX_TEXT:
        raise DomainError(_("The message is too long (4,000 characters at most)."), field="body")
    message = AskMessage.objects.create(ask=ask, sender=sender, body=body)
    transaction.on_commit(lambda: _tasks().ask_message_notify.enqueue(message_id=message.pk))
    return message


def _tasks():
    from maillage.exchange import tasks

    return tasks


def ask_message_send(*, message_id: int) -> bool:
    """Email a conversation message to the other person, once."""
    with transaction.atomic():
        message = (
            AskMessage.objects.select_for_update(of=("self",))
            .select_related("ask__author__user", "ask__helper__user", "sender__user")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.emailed_at is not None:
            return False
        ask = message.ask
        recipient = ask.helper if message.sender_id == ask.author_id else ask.author
        if recipient is None:
            return False
        send_email(
            to=recipient.user.email,
            language=language_of(recipient),
            subject=gettext_lazy("New message about “%(title)s”"),
            title=ask.title,
            template="ask_message",
            context={
                "ask": ask,
                "sender_name": message.sender.user.get_full_name(),
                "body": message.body,
                "url": site_url(f"/exchange/asks/{ask.pk}/"),
            },
        )
        message.emailed_at = timezone.now()
        message.save(update_fields=["emailed_at"])
        return True


def ask_notice_send(*, ask_id: int, what: str, member_id: int | None) -> int:
    ask = Ask.objects.select_related("author__user", "helper__user").filter(pk=ask_id).first()
    if ask is None:
        return 0
    url = site_url(f"/exchange/asks/{ask.pk}/")
    if what == "answered":
        member = Member.objects.select_related("user").filter(pk=member_id).first()
        if member is None:
            return 0
        send_email(
            to=ask.author.user.email,
            language=language_of(ask.author),
            subject=gettext_lazy("%(name)s can help with “%(title)s”"),
            name=member.user.get_full_name(),
            title=ask.title,
            template="ask_answered",
            context={"ask": ask, "name": member.user.get_full_name(), "url": url},
        )
        return 1
    if what == "picked" and ask.helper_id == member_id:
        send_email(
            to=ask.helper.user.email,
            language=language_of(ask.helper),
            subject=gettext_lazy("You were chosen to help with “%(title)s”"),
            title=ask.title,
            template="ask_picked",
            context={"ask": ask, "name": ask.author.user.get_full_name(), "url": url},
        )
        return 1
    return 0
