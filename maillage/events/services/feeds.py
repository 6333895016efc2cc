"""Secret calendar URLs of events ("my events", a space's events): get one, revoke it.

The same pattern as the workspace's booking feeds (`maillage.workspace.services.feeds`): the
token is an HMAC of the feed's id and a nonce, never stored; revoking gives a new URL.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.core.models import Member, Space
from maillage.events.models import EventFeed

_TOKEN_SALT = "maillage.events.calendar-feed"  # noqa: S105 (an HMAC salt, public)


def event_feed_token(feed: EventFeed) -> str:
    return salted_hmac(_TOKEN_SALT, f"{feed.pk}:{feed.nonce}", algorithm="sha256").hexdigest()[:32]


def event_feed_token_matches(feed: EventFeed, token: str) -> bool:
    return constant_time_compare(token, event_feed_token(feed))


@transaction.atomic
def event_feed_get_or_create(*, owner: Member, space: Space | None = None) -> EventFeed:
    """The owner's live feed of their events (or of `space`'s events); made on first use."""
    feed = (
        EventFeed.objects.select_for_update()
        .filter(owner=owner, space=space, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    return feed or EventFeed.objects.create(owner=owner, space=space)


@transaction.atomic
def event_feed_revoke(*, feed: EventFeed) -> EventFeed:
    """Revoke the URL (calendar apps get 410 Gone) and return a new feed with a new URL."""
    EventFeed.objects.filter(
        owner_id=feed.owner_id, space_id=feed.space_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return EventFeed.objects.create(owner_id=feed.owner_id, space_id=feed.space_id)
