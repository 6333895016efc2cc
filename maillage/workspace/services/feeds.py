"""Secret calendar URLs (iCalendar feeds): get one, revoke it (which gives a new one)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.core.models import Member
from maillage.workspace.models import CalendarFeed, Resource

_TOKEN_SALT = "maillage.workspace.calendar-feed"  # noqa: S105 (an HMAC salt, public)


def feed_token(feed: CalendarFeed) -> str:
    """The secret part of the feed's URL: an HMAC of its id and nonce (never stored)."""
    return salted_hmac(_TOKEN_SALT, f"{feed.pk}:{feed.nonce}", algorithm="sha256").hexdigest()[:32]


def feed_token_matches(feed: CalendarFeed, token: str) -> bool:
    return constant_time_compare(token, feed_token(feed))


@transaction.atomic
def calendar_feed_get_or_create(*, owner: Member, resource: Resource | None = None) -> CalendarFeed:
    """The owner's live feed of their bookings (or of `resource`); made on first use."""
    feed = (
        CalendarFeed.objects.select_for_update()
        .filter(owner=owner, resource=resource, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    return feed or CalendarFeed.objects.create(owner=owner, resource=resource)


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    """Revoke the feed's URL (calendar apps get 410 Gone) and return a new feed with a new URL."""
    now = timezone.now()
    CalendarFeed.objects.filter(
        owner_id=feed.owner_id, resource_id=feed.resource_id, revoked_at__isnull=True
    ).update(revoked_at=now)
    return CalendarFeed.objects.create(owner_id=feed.owner_id, resource_id=feed.resource_id)
