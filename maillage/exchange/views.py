"""Exchange pages: members' (asks, introductions, opportunities, outcomes), visitors' (the
public lead form of a space) and the staff's (opportunities, decisions, audit)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.access import (
    member_for_viewer,
    members_for_viewer,
    spaces_managed_by,
    staff_record,
)
from maillage.core.collation import by_name
from maillage.core.errors import DomainError
from maillage.core.forms import parse_id
from maillage.core.models import Member, Space
from maillage.exchange import access, forms, selectors, services
from maillage.exchange.models import OpportunityStatus
from maillage.exchange.services.opportunities import offer_refusal


def _me(request: HttpRequest) -> Member:
    if request.viewer.current is None:
        raise PermissionDenied
    return request.viewer.current


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# --- members -----------------------------------------------------------------------------------


BOARD_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 25


def _page_number(request: HttpRequest, name: str = "page") -> str:
    return request.GET.get(name) or "1"


def _query(**params: object) -> str:
    """The non-empty parameters as a query string ending with "&" (for pagination links)."""
    kept = {k: v for k, v in params.items() if v not in ("", None)}
    return urlencode(kept) + "&" if kept else ""


def _chosen(value: str, choices: dict) -> object | None:
    """The choice a GET parameter names (by its key, as a string), or None."""
    return choices.get(value) if value else None


@login_required
def exchange_home(request: HttpRequest) -> HttpResponse:
    """Asks for the member (their offers and skills fit) on top, then the community's board
    of open asks (by space, paginated), then the member's own exchange."""
    me = _me(request)
    spaces = {str(s.pk): s for s in Space.objects.filter(operator_id=me.operator_id)}
    space = _chosen(request.GET.get("space", ""), spaces)
    board = Paginator(
        selectors.community_asks(request.viewer, me, space_id=space.pk if space else None),
        BOARD_PAGE_SIZE,
    ).get_page(_page_number(request))
    return render(
        request,
        "exchange/home.html",
        {
            "me": me,
            "my_asks": selectors.asks_of(me),
            "open_asks": selectors.open_asks_for(me, limit=10, viewer=request.viewer),
            "has_offers_or_skills": selectors.has_offers_or_skills(me),
            "board": board,
            "board_query": _query(space=space.pk if space else ""),
            "spaces": sorted(spaces.values(), key=lambda s: s.name),
            "space": space,
            "introductions": selectors.introductions_of(me),
            "offers": selectors.offers_of(me),
            "value": selectors.value_for_member(me),
        },
    )


@login_required
def introduction_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    try:
        to_id = int(request.GET.get("to", ""))
    except ValueError:
        raise Http404 from None
    other = access.member_to_meet(request.viewer, to_id)
    # From one of my asks ("Members who could help"): the request says which.
    ask = None
    if request.GET.get("ask"):
        ask = access.ask_for_viewer(request.viewer, _int(request.GET["ask"]))
        if ask.author_id != me.pk:
            ask = None
    initial = {"note": _("About my ask “%(title)s”: ") % {"title": ask.title}} if ask else None
    form = forms.IntroductionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.introduction_propose(
                by=me, a=me, b=other, note=form.cleaned_data["note"], source="manual"
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request was sent. Contact details are shared once you both accept."),
            )
            return redirect("exchange_introduction", intro.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "exchange/introduction_new.html",
        {"form": form, "other": other, "ask": ask},
        status=status,
    )


@login_required
def introduction_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    return render(
        request,
        "exchange/introduction_list.html",
        {"introductions": selectors.introductions_of(me)},
    )


@login_required
def introduction_detail(request: HttpRequest, introduction_id: int) -> HttpResponse:
    intro = access.introduction_for_viewer(request.viewer, introduction_id)
    me = next(
        (
            request.viewer.record_for_member(i)
            for i in (intro.a_id, intro.b_id, intro.by_id)
            if request.viewer.record_for_member(i)
        ),
        None,
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.introduction_cancel(introduction=intro, member=me)
            else:
                services.introduction_answer(
                    introduction=intro, member=me, accept=request.POST.get("action") == "accept"
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("exchange_introduction", intro.pk)
    side = intro.side_of(me.pk)
    return render(
        request,
        "exchange/introduction_detail.html",
        {
            "intro": intro,
            "me": me,
            "side": side,
            "my_answer": intro.answer_of(me.pk) if side else None,
            "other": intro.other(me.pk) if side else None,
        },
    )


@login_required
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access.offer_for_viewer(request.viewer, offer_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                services.offer_accept(offer=offer, member=offer.member)
                messages.success(
                    request,
                    _("You accepted: the contact details are below and were emailed to you."),
                )
            else:
                services.offer_decline(
                    offer=offer, member=offer.member, reason=request.POST.get("reason", "")
                )
                messages.info(
                    request, _("You declined: the opportunity passes on to another member.")
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("exchange_offer", offer.pk)
    offer.refresh_from_db()
    opp = offer.opportunity
    return render(
        request,
        "exchange/offer_detail.html",
        {"offer": offer, "opp": opp, "refusal": offer_refusal(opp, offer, timezone.now())},
    )


@login_required
def ask_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = forms.AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ask = services.ask_post(author=me, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your ask is published: the members of your community see it on the "
                    "Mutual help page. Below, the members who could help."
                ),
            )
            return redirect("exchange_ask", ask.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/ask_new.html", {"form": form}, status=status)


@login_required
def ask_detail(request: HttpRequest, ask_id: int) -> HttpResponse:
    ask = access.ask_for_viewer(request.viewer, ask_id)
    me = request.viewer.record_for(ask.operator_id)
    is_author = me.pk == ask.author_id
    context = {
        "ask": ask,
        "me": me,
        "is_author": is_author,
        "sees_scores": me.is_staff,
        "helpers": selectors.helpers_for_ask(
            ask, request.viewer, language=translation.get_language() or "fr"
        )
        if is_author and ask.status == "open"
        else [],
        "responses": list(ask.responses.select_related("member__user")) if is_author else [],
        "offered": ask.responses.filter(member=me).exists(),
        "may_converse": access.may_converse(request.viewer, ask),
        "message_form": forms.MessageForm(),
    }
    if context["may_converse"]:
        context["conversation"] = list(ask.messages.select_related("sender__user"))
    return render(request, "exchange/ask_detail.html", context)


@login_required
@require_POST
def ask_action(request: HttpRequest, ask_id: int, action: str) -> HttpResponse:
    ask = access.ask_for_viewer(request.viewer, ask_id)
    me = request.viewer.record_for(ask.operator_id)
    try:
        if action == "help":
            services.ask_offer_help(ask=ask, member=me, note=request.POST.get("note", ""))
            messages.success(request, _("Thank you: the author of the ask is told."))
        elif action == "pick":
            helper = access.helper_for_ask(request.viewer, ask, request.POST.get("member"))
            if helper is None:
                raise DomainError(_("This member has not offered to help."))
            services.ask_pick(ask=ask, by=me, helper=helper)
        elif action == "message":
            if not access.may_converse(request.viewer, ask):
                raise Http404
            services.ask_message_send_new(ask=ask, sender=me, body=request.POST.get("body", ""))
        elif action == "close":
            services.ask_close(ask=ask, by=me)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("exchange_ask", ask.pk)


@login_required
def outcome_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    target: dict = {}
    if request.GET.get("ask"):
        target["ask"] = access.ask_for_viewer(request.viewer, _int(request.GET["ask"]))
    elif request.GET.get("introduction"):
        target["introduction"] = access.introduction_for_viewer(
            request.viewer, _int(request.GET["introduction"])
        )
    elif request.GET.get("opportunity"):
        offer = access.offer_for_outcome(request.viewer, _int(request.GET["opportunity"]))
        target["opportunity"] = offer.opportunity
        me = offer.member
    else:
        raise Http404
    record = next(iter(target.values()))
    me = request.viewer.record_for(record.operator_id) or me
    form = forms.OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        provider_is_me = data.pop("provider_is_me")
        try:
            services.outcome_record(
                by=me, provider_is_me=provider_is_me is not False, **data, **target
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: the outcome is recorded."))
            return redirect("exchange_home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "exchange/outcome_new.html", {"form": form, "target": target}, status=status
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def thanks_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    other = access.member_to_meet(request.viewer, _int(request.GET.get("to", "")))
    form = forms.ThanksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thanks_send(sender=me, recipient=other, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your thanks were sent."))
            return redirect("exchange_home")
    return render(request, "exchange/thanks_new.html", {"form": form, "other": other})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    pref = selectors.preferences_of(me)
    form = forms.PreferencesForm(
        request.POST or None,
        initial={
            "wants_opportunities": pref.wants_opportunities,
            "opportunity_kinds": pref.opportunity_kinds,
            "accepts_introductions": pref.accepts_introductions,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exchange_preferences_update(member=me, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("exchange_preferences")
    return render(request, "exchange/preferences.html", {"form": form, "pref": pref})


# --- visitors ----------------------------------------------------------------------------------


def public_lead(request: HttpRequest, slug: str) -> HttpResponse:
    space = access.space_for_lead(request.viewer, slug)
    form = forms.PublicLeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opp = services.opportunity_submit_public(
                space=space,
                name=data["name"],
                email=data["email"],
                title=data["title"],
                description=data["description"],
                company=data["company"],
                kind=data["kind"],
                ip=_client_ip(request),
                honeypot=data.get("website", ""),
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            # A bot (honeypot: nothing kept) is thanked like anyone whose lead was passed on.
            unmatched = opp is not None and opp.status == OpportunityStatus.UNMATCHED
            return render(
                request,
                "exchange/public_lead_sent.html",
                {"space": space, "unmatched": unmatched},
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "exchange/public_lead.html", {"form": form, "space": space}, status=status
    )


# --- staff -------------------------------------------------------------------------------------


@login_required
def staff_opportunities(request: HttpRequest) -> HttpResponse:
    record = staff_record(request.viewer)
    spaces = {str(s.pk): s for s in Space.objects.filter(operator_id=record.operator_id)}
    statuses = dict(OpportunityStatus.choices)
    space = _chosen(request.GET.get("space", ""), spaces)
    status = request.GET.get("status", "")
    status = status if status in statuses else ""
    opportunities = access.opportunities_for_staff(request.viewer)
    if space is not None:
        opportunities = opportunities.filter(space=space)
    if status:
        opportunities = opportunities.filter(status=status)
    page = Paginator(
        opportunities.select_related("space", "taken_by__user").order_by("-created_at", "-pk"),
        STAFF_PAGE_SIZE,
    ).get_page(_page_number(request))
    return render(
        request,
        "exchange/staff_opportunities.html",
        {
            "page": page,
            "opportunities": page.object_list,
            "spaces": sorted(spaces.values(), key=lambda s: s.name),
            "space": space,
            "statuses": OpportunityStatus.choices,
            "status": status,
            "filter_query": _query(status=status, space=space.pk if space else ""),
            "value": selectors.value_for_operator(record.operator_id),
        },
    )


@login_required
def staff_opportunity_new(request: HttpRequest) -> HttpResponse:
    record = staff_record(request.viewer)
    form = forms.StaffOpportunityForm(request.POST or None)
    spaces = spaces_managed_by(request.viewer, record.operator_id)
    space = (
        spaces.filter(pk=_int(request.POST.get("space") or record.home_space_id)).first()
        or record.home_space
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            opp = services.opportunity_create(
                by=record, space=space, skills_text=data.pop("skills"), **data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("exchange_staff_opportunity", opp.pk)
    return render(
        request,
        "exchange/staff_opportunity_new.html",
        {"form": form, "spaces": spaces, "space": space},
    )


@login_required
def staff_opportunity(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opp = access.opportunity_for_staff(request.viewer, opportunity_id)
    if request.method == "POST":
        try:
            services.opportunity_close(opportunity=opp, by=staff_record(request.viewer))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("exchange_staff_opportunity", opp.pk)
    language = translation.get_language() or "fr"
    decisions = [
        (d, d.explanation(language))
        for d in access.decisions_for_staff(request.viewer)
        .filter(opportunity=opp)
        .select_related("replaced__user")
    ]
    return render(
        request,
        "exchange/staff_opportunity.html",
        {"opp": opp, "decisions": decisions, "offers": opp.offers.select_related("member__user")},
    )


@login_required
def staff_audit(request: HttpRequest) -> HttpResponse:
    """Routing decisions, newest first, and members' exposure against relevance: each
    paginated on its own (`page`, `members`)."""
    record = staff_record(request.viewer)
    language = translation.get_language() or "fr"
    decisions = Paginator(
        access.decisions_for_staff(request.viewer)
        .select_related("opportunity")
        .order_by("-created_at", "-pk"),
        AUDIT_PAGE_SIZE,
    ).get_page(_page_number(request))
    members = Paginator(selectors.audit_histories(record.operator_id), AUDIT_PAGE_SIZE).get_page(
        _page_number(request, "members")
    )
    return render(
        request,
        "exchange/staff_audit.html",
        {
            "decisions": decisions,
            "decisions_query": _query(members=members.number if members.number > 1 else ""),
            "recent": [(d, d.explanation(language)) for d in decisions.object_list],
            "members": members,
            "members_query": _query(page=decisions.number if decisions.number > 1 else ""),
            "rows": selectors.audit_rows(members.object_list),
        },
    )


@login_required
@require_POST
def staff_pause(request: HttpRequest, member_id: int) -> HttpResponse:
    record = staff_record(request.viewer)
    member = member_for_viewer(request.viewer, member_id, "change")
    if member.operator_id != record.operator_id:
        raise Http404
    try:
        services.member_pause(
            by=record,
            member=member,
            paused=request.POST.get("paused") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    members_page = request.POST.get("members", "")
    url = reverse("exchange_staff_audit")
    return redirect(f"{url}?members={members_page}" if members_page.isdigit() else url)


@login_required
def staff_introduction_new(request: HttpRequest) -> HttpResponse:
    """Staff introduce two members of the spaces they run (both must still accept)."""
    record = staff_record(request.viewer)
    spaces = spaces_managed_by(request.viewer, record.operator_id)
    members = (
        members_for_viewer(request.viewer, record.operator_id)
        .active()
        .filter(home_space__in=spaces)
        .select_related("user")
        .order_by(by_name("user__full_name"), "pk")
    )  # a plain select: fine for a few hundred members; thousands would need a search box
    # ?a=…&b=…: the people to introduce, when these staff may introduce them (one query).
    wanted = {name: parse_id(request.GET.get(name)) for name in ("a", "b")}
    found = members.in_bulk([pk for pk in wanted.values() if pk])
    chosen = {name: pk for name, pk in wanted.items() if pk in found}
    form = forms.StaffIntroductionForm(request.POST or None, members=members, initial=chosen)
    suggestions = []
    if request.method == "GET" and "a" in chosen:
        suggestions = _suggestions_for(found[chosen["a"]], members)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.introduction_propose(
                by=record,
                a=form.cleaned_data["a"],
                b=form.cleaned_data["b"],
                note=form.cleaned_data["note"],
                source="staff",
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The introduction was sent to both members."))
            return redirect("exchange_introduction", intro.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "exchange/staff_introduction_new.html",
        {"form": form, "suggestions": suggestions, "a": chosen.get("a")},
        status=status,
    )


def _suggestions_for(member: Member, members) -> list:
    """Whom `member` should meet first (matching's reciprocal suggestions, as the member sees
    them on their own page), among the members these staff may introduce: quick picks for
    the second person of an introduction."""
    from maillage.core.access import viewer_for_user
    from maillage.matching.selectors import people_to_meet

    viewer = viewer_for_user(member.user, operator_id=member.operator_id)
    # The reasons speak of the member ("Chloé cherche…"): the staff read them, not the member.
    user = member.user
    name = user.full_name.split()[0] if user.full_name.strip() else _("this member")
    people = people_to_meet(viewer, k=5, asker=name)
    allowed = set(members.filter(pk__in=[p.member.pk for p in people]).values_list("pk", flat=True))
    return [p for p in people if p.member.pk in allowed][:3]
