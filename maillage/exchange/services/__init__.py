"""Writes of the exchange: one keyword-only function per action, each in one transaction."""

from maillage.exchange.services.asks import (
    ask_close,
    ask_message_send_new,
    ask_offer_help,
    ask_pick,
    ask_post,
)
from maillage.exchange.services.introductions import (
    introduction_answer,
    introduction_cancel,
    introduction_propose,
)
from maillage.exchange.services.opportunities import (
    exchange_preferences_update,
    member_pause,
    offer_accept,
    offer_decline,
    opportunity_close,
    opportunity_create,
    opportunity_submit_public,
)
from maillage.exchange.services.outcomes import outcome_record, thanks_send

__all__ = [
    "ask_close",
    "ask_message_send_new",
    "ask_offer_help",
    "ask_pick",
    "ask_post",
    "exchange_preferences_update",
    "introduction_answer",
    "introduction_cancel",
    "introduction_propose",
    "member_pause",
    "offer_accept",
    "offer_decline",
    "opportunity_close",
    "opportunity_create",
    "opportunity_submit_public",
    "outcome_record",
    "thanks_send",
]
