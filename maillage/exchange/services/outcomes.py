"""Outcomes (work or help that happened), thanks and recommendations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.exchange.models import (
    Ask,
    AskStatus,
    Introduction,
    Opportunity,
    OpportunityStatus,
    Outcome,
    Terms,
    Thanks,
)
from maillage.exchange.services.common import sees

MAX_AMOUNT = Decimal("1000000")


def _amount(terms: str, amount) -> Decimal | None:
    if amount in (None, ""):
        if terms == Terms.PAID:
            raise DomainError(_("Give the amount of the work."), field="amount")
        return None
    try:
        value = Decimal(str(amount).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise DomainError(_("The amount must be a number."), field="amount") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise DomainError(_("The amount must be between 0 and 1,000,000 €."), field="amount")
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def outcome_record(
    *,
    by: Member,
    terms: str,
    satisfaction: int,
    amount=None,
    exchange_note: str = "",
    note: str = "",
    ask: Ask | None = None,
    introduction: Introduction | None = None,
    opportunity: Opportunity | None = None,
    provider_is_me: bool = True,
) -> Outcome:
    """Either side records what happened: from an ask (asker or chosen helper), a connected
    introduction (either member; `provider_is_me` says who helped whom), or a taken
    opportunity (the member who took it; the client is outside)."""
    if sum(x is not None for x in (ask, introduction, opportunity)) != 1:
        raise DomainError(_("Record an outcome for one ask, introduction or opportunity."))
    if terms not in Terms.values:
        raise DomainError(_("Choose the kind of outcome."), field="terms")
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Rate your satisfaction from 1 to 5."), field="satisfaction")
    value = _amount(terms, amount)
    if terms == Terms.EXCHANGE and not (exchange_note or "").strip():
        raise DomainError(_("Say what was exchanged."), field="exchange_note")
    # Decide on the stored state, not on a copy the caller may have kept from before.
    ask = Ask.objects.select_related("helper", "author").get(pk=ask.pk) if ask else None
    if introduction is not None:
        introduction = Introduction.objects.select_related("a", "b").get(pk=introduction.pk)
    if opportunity is not None:
        opportunity = Opportunity.objects.get(pk=opportunity.pk)
    beneficiary: Member | None
    if ask is not None:
        if ask.helper_id is None or by.pk not in (ask.author_id, ask.helper_id):
            raise DomainError(_("Only the asker and the chosen helper can record this."))
        provider, beneficiary = ask.helper, ask.author
    elif introduction is not None:
        if not introduction.is_connected or introduction.side_of(by.pk) is None:
            raise DomainError(_("Only the two connected members can record this."))
        other = introduction.other(by.pk)
        provider, beneficiary = (by, other) if provider_is_me else (other, by)
    else:
        if opportunity.status != OpportunityStatus.TAKEN or opportunity.taken_by_id != by.pk:
            raise DomainError(_("Only the member who took this opportunity can record this."))
        provider, beneficiary = by, None
    outcome = Outcome.objects.create(
        operator_id=by.operator_id,
        space_id=by.home_space_id,
        recorded_by=by,
        provider=provider,
        beneficiary=beneficiary,
        ask=ask,
        introduction=introduction,
        opportunity=opportunity,
        terms=terms,
        amount=value,
        exchange_note=" ".join((exchange_note or "").split())[:200],
        satisfaction=satisfaction,
        note=(note or "").strip()[:2_000],
    )
    payload = {"terms": terms, "amount": str(value) if value is not None else None}
    activity_record(
        member=by,
        kind=ActivityKind.OUTCOME_RECORDED,
        space=by.home_space,
        target=outcome,
        payload=payload,
    )
    if beneficiary is not None:
        activity_record(
            member=provider,
            kind=ActivityKind.HELPED,
            space=provider.home_space,
            target=outcome,
            payload={"beneficiary": beneficiary.pk, **payload},
        )
    if ask is not None and ask.status == AskStatus.MATCHED:
        Ask.objects.filter(pk=ask.pk).update(status=AskStatus.CLOSED)
    return outcome


@transaction.atomic
def thanks_send(
    *,
    sender: Member,
    recipient: Member,
    message: str,
    is_recommendation: bool = False,
    outcome: Outcome | None = None,
) -> Thanks:
    message = (message or "").strip()
    if sender.pk == recipient.pk or sender.user_id == recipient.user_id:
        raise DomainError(_("You cannot thank yourself."))
    if not message:
        raise DomainError(_("Write a few words."), field="message")
    if len(message) > 2_000:
        raise DomainError(_("The message is too long (2,000 characters at most)."), field="message")
    if not sees(sender, recipient):
        raise DomainError(_("You can only thank members you can see in the directory."))
    thanks = Thanks.objects.create(
        operator_id=recipient.operator_id,
        sender=sender,
        recipient=recipient,
        message=message,
        is_recommendation=bool(is_recommendation),
        outcome=outcome,
    )
    activity_record(
        member=sender,
        kind=ActivityKind.THANKED,
        space=sender.home_space,
        target=thanks,
        payload={"recipient": recipient.pk, "recommendation": bool(is_recommendation)},
    )
    return thanks
