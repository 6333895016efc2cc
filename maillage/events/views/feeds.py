"""Secret iCalendar URLs of events: no log-in, the token in the URL is the key."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.core.access import viewer_for_user
from maillage.events import access, ical, services
from maillage.events.models import Event, EventFeed, RsvpStatus
from maillage.events.views.common import current_record


@require_GET
def event_feed(request: HttpRequest, feed_id: int, token: str) -> HttpResponse:
    feed = (
        EventFeed.objects.select_related("owner__user", "owner__operator", "space")
        .filter(pk=feed_id)
        .first()
    )
    if feed is None or not services.event_feed_token_matches(feed, token):
        raise Http404
    if feed.revoked_at is not None:
        return HttpResponse(
            _("This calendar link was revoked. Get the new one from your events page."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    owner = feed.owner
    if owner.left_on is not None:  # they left the community: its calendar is no longer theirs
        return HttpResponse(
            _("This calendar link no longer works: its owner has left the community."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    with translation.override(owner.user.language or None):
        if feed.space is None:
            answered = Q(
                rsvps__member=owner,
                rsvps__status__in=(RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLISTED),
            )
            events = Event.objects.filter(answered | Q(hosts=owner)).distinct()
            name = _("My events — %(operator)s") % {"operator": owner.operator.name}
            waiting = {
                event_id: ical.unsure_word(status)
                for event_id, status in owner.rsvps.filter(
                    status__in=(RsvpStatus.WAITLISTED, RsvpStatus.MAYBE)
                )
                .exclude(event__hosts=owner)
                .values_list("event_id", "status")
            }
        else:
            # What the owner may see today (their access may have changed since).
            viewer = viewer_for_user(owner.user)
            events = Event.objects.filter(access.visible_q(viewer), space=feed.space)
            name = _("Events — %(space)s") % {"space": feed.space.name}
            waiting = {}
        body = ical.calendar_bytes(
            name=name, events=ical.feed_events(events), url_for=ical.event_url, waiting=waiting
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="maillage-events.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def event_feed_revoke(request: HttpRequest) -> HttpResponse:
    record = current_record(request.viewer)
    feed = EventFeed.objects.filter(owner=record, space=None, revoked_at__isnull=True).first()
    if feed is not None:
        services.event_feed_revoke(feed=feed)
        messages.success(request, _("The old link is revoked; here is a new one."))
    return redirect("event_mine")


@login_required
@require_POST
def event_feed_create(request: HttpRequest) -> HttpResponse:
    """Make the viewer's calendar link ("my events", or a space's events with `space`)."""
    record = current_record(request.viewer)
    space = None
    space_id = request.POST.get("space", "")
    if space_id.isdigit():
        space = (
            access.spaces_for_events(request.viewer, record.operator_id)
            .filter(pk=int(space_id))
            .first()
        )
        if space is None:
            raise Http404
    services.event_feed_get_or_create(owner=record, space=space)
    return redirect("event_list" if space else "event_mine")


def feed_url(request: HttpRequest, owner, space=None) -> str:
    """The live calendar URL of `owner` (for `space`), or "" if they have not made one."""
    from django.urls import reverse

    feed = EventFeed.objects.filter(owner=owner, space=space, revoked_at__isnull=True).first()
    if feed is None:
        return ""
    return request.build_absolute_uri(
        reverse("event_feed", args=[feed.pk, services.event_feed_token(feed)])
    )
