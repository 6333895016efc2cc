"""Insights pages: the staff dashboard and a segment's members. They read pre-aggregated
tables only (selectors.py); `insights_recompute` fills them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access
from maillage.core.errors import DomainError
from maillage.core.forms import parse_id
from maillage.core.mail import deliverable
from maillage.core.models import Operator, Role, Space
from maillage.insights import indicators as ind
from maillage.insights import offer as offers
from maillage.insights import pdf, selectors, services
from maillage.insights import report as reports
from maillage.insights.models import Segment


def _scope(request: HttpRequest) -> tuple[object, Space | None, list[Space]]:
    """The viewer's operator and the space asked for (`?space=`): admins may look at the
    whole operator (no space), managers at the spaces they run."""
    record = access.staff_record(request.viewer)
    spaces = access.spaces_managed_list(request.viewer, record.operator_id)
    wanted = parse_id(request.GET.get("space", ""))  # not an id ("abc", "²"): no space asked
    if wanted is not None:
        space = next((s for s in spaces if s.pk == wanted), None)
        if space is None:
            raise PermissionDenied
        return record, space, spaces
    if record.role == Role.ADMIN:
        return record, None, spaces
    if not spaces:
        raise PermissionDenied
    return record, spaces[0], spaces


DASHBOARD_CACHE_SECONDS = 6 * 3600


@login_required
def insights_dashboard(request: HttpRequest) -> HttpResponse:
    record, space, spaces = _scope(request)
    operator = record.operator
    computed_at, period_end = selectors.dashboard_stamp(operator=operator, space=space)
    # The figures change only when the recompute runs: the body is cached per operator, space,
    # language and computation (each process its own copy; nothing to invalidate).
    stamp = computed_at.timestamp() if computed_at else 0
    key = f"insights:dashboard:{operator.pk}:{space.pk if space else 0}:{get_language()}:{stamp}"
    body = cache.get(key)
    if body is None:
        data = selectors.dashboard(operator=operator, space=space)
        body = render_to_string(
            "insights/includes/dashboard_body.html",
            {
                "data": data,
                "space": space,
                "tenants_reasons": [
                    (s, selectors.reason_text(s)) for s in data.tenants_without_event
                ],
                "drifting_reasons": [(s, selectors.reason_text(s)) for s in data.drifting],
            },
            request=request,
        )
        if computed_at is not None:
            cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    return render(
        request,
        "insights/dashboard.html",
        {
            "body": mark_safe(body),  # noqa: S308 - our own template's output
            "period_end": period_end,
            "operator": operator,
            "space": space,
            "spaces": spaces,
            "can_see_operator": record.role == Role.ADMIN,
        },
    )


@login_required
def insights_segment(request: HttpRequest, segment: str) -> HttpResponse:
    if segment not in Segment.values:
        raise Http404
    record, space, spaces = _scope(request)
    without_event = request.GET.get("without_event") == "1"
    members = selectors.segment_members(
        operator=record.operator, space=space, segment=segment, without_event=without_event
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    rows = [(s, selectors.reason_text(s)) for s in page.object_list]
    emails = [s.member.user.email for s, _ in rows if deliverable(s.member.user.email)]
    return render(
        request,
        "insights/segment.html",
        {
            "operator": record.operator,
            "space": space,
            "spaces": spaces,
            "can_see_operator": record.role == Role.ADMIN,
            "segment": segment,
            "segment_label": dict(Segment.choices)[segment],
            "without_event": without_event,
            "page": page,
            "rows": rows,
            "emails": ",".join(emails),
            "events": list(services.invitable_events(record.operator, space)[:50]),
        },
    )


# --- the stakeholder report and its exports ---------------------------------------------------


def _report_period(request: HttpRequest, operator, space):
    _stamp, latest_end = selectors.dashboard_stamp(operator=operator, space=space)
    latest = latest_end.replace(day=1) if latest_end else None
    return reports.choose_period(request.GET.get("from", ""), request.GET.get("to", ""), latest)


def _report_query(request: HttpRequest, space, start, end) -> str:
    query = {"from": start.strftime("%Y-%m"), "to": end.strftime("%Y-%m")}
    if space is not None:
        query["space"] = space.pk
    return urlencode(query)


@login_required
def insights_report(request: HttpRequest) -> HttpResponse:
    record, space, spaces = _scope(request)
    start, end, message = _report_period(request, record.operator, space)
    report = reports.build(operator=record.operator, space=space, start=start, end=end)
    return render(
        request,
        "insights/report.html",
        {
            "report": report,
            "message": message,
            "operator": record.operator,
            "space": space,
            "spaces": spaces,
            "can_see_operator": record.role == Role.ADMIN,
            "query": _report_query(request, space, start, end),
            "start_month": start.strftime("%Y-%m"),
            "end_month": end.strftime("%Y-%m"),
        },
    )


def _filename(report, extension: str) -> str:
    slug = report.space.slug if report.space is not None else report.operator.slug
    return f"maillage-{slug}-{report.start:%Y-%m}-{report.end:%Y-%m}.{extension}"


@login_required
def insights_report_pdf(request: HttpRequest) -> HttpResponse:
    record, space, _spaces = _scope(request)
    start, end, _message = _report_period(request, record.operator, space)
    report = reports.build(operator=record.operator, space=space, start=start, end=end)
    response = HttpResponse(pdf.render(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@login_required
def insights_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404
    record, space, spaces = _scope(request)
    start, end, _message = _report_period(request, record.operator, space)
    rows = reports.export_rows(
        operator=record.operator,
        space=space,
        start=start,
        end=end,
        all_spaces=spaces if space is None else None,
    )
    report = reports.Report(record.operator, space, start, end, [], None)
    if fmt == "csv":
        response = HttpResponse(reports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        meta = {
            "operator": record.operator.name,
            "space": space.name if space is not None else None,
            "from": start.isoformat(),
            "to": end.isoformat(),
        }
        response = HttpResponse(
            reports.to_json(meta, rows), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, fmt)}"'
    return response


# --- inviting a segment's members (to an event, to the roulette) -----------------------------


def _segment_action(request: HttpRequest, segment: str):
    """For an action on a segment list: the staff record, the space, the page to go back to
    (with the list's filters) and the list's members (the same filter as the page)."""
    if segment not in Segment.values:
        raise Http404
    record, space, _spaces = _scope(request)
    back = reverse("insights_segment", args=[segment])
    query = {}
    if space is not None:
        query["space"] = space.pk
    without_event = request.POST.get("without_event") == "1"
    if without_event:
        query["without_event"] = 1
    back = f"{back}?{urlencode(query)}" if query else back

    def members():
        snapshots = selectors.segment_members(
            operator=record.operator, space=space, segment=segment, without_event=without_event
        )
        return [s.member for s in snapshots]

    return record, space, back, members


@login_required
@require_POST
def insights_invite(request: HttpRequest, segment: str) -> HttpResponse:
    """Invite the members of a segment list (the same filter as the page) to an event."""
    record, space, back, members = _segment_action(request, segment)
    events = services.invitable_events(record.operator, space)
    wanted = request.POST.get("event", "")
    event_id = parse_id(wanted)
    event = events.filter(pk=event_id).first() if event_id else None
    if event is None:
        messages.error(request, _("Choose an event to invite them to."))
        return redirect(back)
    return _invited(
        request,
        back,
        lambda: services.event_invite(by=record, event=event, members=members()),
        lambda n: (
            ngettext(
                "%(n)s member invited to “%(title)s”.", "%(n)s members invited to “%(title)s”.", n
            )
            % {"n": n, "title": event.title}
        ),
        _("They had all been invited to this event already."),
    )


def _invited(request: HttpRequest, back: str, invite, done, nobody_new: str) -> HttpResponse:
    """Run an invitation of a segment list and say how it went: `done(n)` when n members
    were newly invited, `nobody_new` when none was, the refusal's message otherwise."""
    try:
        n = invite()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if n:
            messages.success(request, done(n))
        else:
            messages.info(request, nobody_new)
    return redirect(back)


@login_required
@require_POST
def insights_invite_roulette(request: HttpRequest, segment: str) -> HttpResponse:
    """Invite the members of a segment list to join their home space's lunch roulette."""
    record, _space, back, members = _segment_action(request, segment)
    return _invited(
        request,
        back,
        lambda: services.roulette_invite(by=record, members=members()),
        lambda n: (
            ngettext(
                "%(n)s member invited to the lunch roulette.",
                "%(n)s members invited to the lunch roulette.",
                n,
            )
            % {"n": n}
        ),
        _("They all take part in the roulette, or had been invited to it already."),
    )


# --- transparency -----------------------------------------------------------------------------


@login_required
def insights_publish(request: HttpRequest) -> HttpResponse:
    """The admin chooses which figures the public transparency page shows."""
    record = access.staff_record(request.viewer)
    if record.role != Role.ADMIN:
        raise PermissionDenied
    published = services.published_figures(record.operator)
    if request.method == "POST":
        try:
            published = services.published_figures_update(
                by=record, indicator_ids=request.POST.getlist("indicator")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The public page has been updated."))
            return redirect("insights_publish")
    lang = (get_language() or "fr")[:2]
    choices = [
        (
            i.id,
            i.name.get(lang, i.name["en"]),
            i.definition.get(lang, i.definition["en"]),
            i.id in published,
        )
        for i in ind.ready()
    ]
    return render(
        request,
        "insights/publish.html",
        {"operator": record.operator, "choices": choices, "published": published},
    )


# What each measured part of the offer is seen from (offer.COMPONENTS' ledger kinds, in words).
OFFER_MEASURED_BY = {
    "workspace": gettext_lazy("a check-in"),
    "meeting_rooms": gettext_lazy("a booking"),
    "events": gettext_lazy("attending or hosting an event"),
    "asks_and_offers": gettext_lazy(
        "posting or answering an ask, helping someone, publishing an offer or a need"
    ),
    "introductions": gettext_lazy("an introduction made or accepted, a meeting recorded"),
    "opportunities": gettext_lazy("an opportunity received or accepted, business recorded"),
    "network": gettext_lazy("a check-in at another of your spaces"),
    "guests": gettext_lazy("a guest registered"),
}


@login_required
def insights_offer(request: HttpRequest) -> HttpResponse:
    """The admin declares what the operator's offer contains: the parts each member's share
    of the offer used is counted over."""
    record = access.staff_record(request.viewer)
    if record.role != Role.ADMIN:
        raise PermissionDenied
    declared = services.offer_declared(record.operator)
    status = 200
    if request.method == "POST":
        wanted = request.POST.getlist("part")
        try:
            services.offer_update(by=record, keys=wanted)
        except DomainError as error:
            messages.error(request, error.message)
            declared = tuple(k for k in wanted if k in offers.BY_KEY)  # what was ticked
            status = 400
        else:
            messages.success(
                request,
                _(
                    "Your offer has been saved. This month's figures follow within minutes; "
                    "past months keep the offer they were computed with."
                ),
            )
            return redirect("insights_offer")
    lang = (get_language() or "fr")[:2]
    parts = [
        (
            c.key,
            c.name.get(lang, c.name["en"]),
            OFFER_MEASURED_BY.get(c.key) if c.status == offers.READY else None,
            c.key in declared,
        )
        for c in offers.COMPONENTS
    ]
    return render(
        request, "insights/offer.html", {"operator": record.operator, "parts": parts}, status=status
    )


def transparency(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the figures the operator chose to publish, for the latest computed month, for
    the whole operator (withheld figures stay withheld)."""
    operator = get_object_or_404(Operator, slug=slug)
    published = services.published_figures(operator)
    report = None
    if published:
        _stamp, latest_end = selectors.dashboard_stamp(operator=operator, space=None)
        if latest_end is not None:
            end = latest_end.replace(day=1)
            start, end, _message = reports.choose_period("", end.strftime("%Y-%m"), end)
            report = reports.build(
                operator=operator, space=None, start=start, end=end, only=published
            )
    return render(
        request,
        "insights/transparency.html",
        {"operator": operator, "report": report, "spaces": operator.spaces.order_by("name")},
    )


# --- the member's own view --------------------------------------------------------------------


@login_required
def my_engagement(request: HttpRequest) -> HttpResponse:
    member = request.viewer.current
    if member is None:
        raise PermissionDenied
    use = selectors.offer_use_of(member)  # read once: the count and the steps come from it
    return render(
        request,
        "insights/mine.html",
        {
            "engagement": selectors.member_card(member),
            "untried": selectors.untried(member, use),
            "offer_used": use.counts if use is not None else None,
        },
    )
