"""Profile pages: one's own profile (edit, wizard), a member's profile, skill suggestions.

Whose profile and which sections of it a viewer sees is decided by
`maillage.members.access` only; templates render nothing outside `ProfileView.sections`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from maillage.core.errors import DomainError
from maillage.members import access
from maillage.members import forms_profiles as forms
from maillage.members.markdown import render_markdown
from maillage.members.models import Need, Offer, Profile, ProfileSkill, SkillConcept
from maillage.members.services import profiles as services

SECTION_ANCHORS = {s: f"#{s}" for s in Profile.SECTIONS}


def _own(request: HttpRequest) -> Profile:
    return access.profile_for_owner(request.viewer)


def _edit_url(anchor: str = "") -> str:
    return reverse("profile_edit") + anchor


def _apply(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- my profile ------------------------------------------------------------------------------


def _skills(profile: Profile) -> list[ProfileSkill]:
    return list(profile.skills.select_related("concept").order_by("-level", "concept__label_fr"))


def _edit_context(request: HttpRequest, profile: Profile, **overrides) -> dict:
    offers = list(profile.offers.prefetch_related("skills"))
    needs = list(profile.needs.prefetch_related("skills"))
    context = {
        "profile": profile,
        "completeness": services.profile_completeness(profile),
        "about_form": forms.AboutForm(
            initial={
                "full_name": profile.member.user.full_name,
                "headline": profile.headline,
                "company": profile.company.name if profile.company else "",
                "bio": profile.bio,
                "languages": profile.languages,
                "links": forms.AboutForm.links_text(profile.links),
            }
        ),
        "availability_form": forms.AvailabilityForm(
            initial={
                "open_to_coffee": profile.open_to_coffee,
                "open_to_lunch": profile.open_to_lunch,
                "availability_note": profile.availability_note,
            }
        ),
        "photo_form": forms.PhotoForm(),
        "skill_form": forms.SkillAddForm(),
        "skills": _skills(profile),
        "interests_form": forms.InterestsForm(
            initial={"interests": list(profile.interests.values_list("pk", flat=True))}
        ),
        "offers": [o for o in offers if o.is_active],
        "withdrawn_offers": [o for o in offers if not o.is_active],
        "needs": [n for n in needs if n.is_open],
        "closed_needs": [n for n in needs if not n.is_open],
        "visibility_choices": list(forms.VISIBILITY_SHORT.items()),
        "section_labels": forms.SECTION_LABELS,
    }
    context.update(overrides)
    return context


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """My profile, as cards; this URL also saves the "about" card."""
    profile = _own(request)
    overrides = {}
    if request.method == "POST":
        form = forms.AboutForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(profile=profile, **form.cleaned_data)
            except DomainError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect(_edit_url("#about"))
        overrides["about_form"] = form
    return render(
        request, "members/profiles/edit.html", _edit_context(request, profile, **overrides)
    )


@login_required
@require_POST
def profile_edit_availability(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    form = forms.AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.profile_update(profile=profile, **form.cleaned_data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Availability saved."))
            return redirect(_edit_url("#availability"))
    return render(
        request,
        "members/profiles/edit.html",
        _edit_context(request, profile, availability_form=form),
    )


@login_required
@require_POST
def profile_edit_photo(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    if request.POST.get("remove"):
        services.profile_photo_remove(profile=profile)
        messages.success(request, _("Photo removed."))
        return redirect(_edit_url("#photo"))
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_photo_set(profile=profile, upload=form.cleaned_data["photo"])
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Photo saved."))
            return redirect(_edit_url("#photo"))
    return render(
        request,
        "members/profiles/edit.html",
        _edit_context(request, profile, photo_form=form),
        status=400,
    )


@login_required
@require_POST
def profile_edit_visibility(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    form = forms.VisibilityForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose one of the options offered."), status=400)
    section = form.cleaned_data["section"]
    services.profile_set_visibility(profile=profile, **{section: form.cleaned_data["visibility"]})
    if request.htmx:
        return render(request, "members/profiles/partials/saved.html")
    messages.success(
        request,
        _("Who can see “%(section)s” is saved.") % {"section": forms.SECTION_LABELS[section]},
    )
    return redirect(_edit_url(SECTION_ANCHORS[section]))


@login_required
@require_POST
def profile_edit_listed(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    form = forms.ListedForm(request.POST)
    form.is_valid()
    services.profile_set_visibility(profile=profile, listed=form.cleaned_data.get("listed", False))
    if request.htmx:
        return render(request, "members/profiles/partials/saved.html")
    if profile.listed:
        messages.success(request, _("You are listed in the directory."))
    else:
        messages.success(
            request,
            _("You are no longer listed: only you and your space's staff see your profile."),
        )
    return redirect(_edit_url("#privacy"))


def _skills_response(
    request: HttpRequest, profile: Profile, form=None, status: int = 200
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "members/profiles/partials/skills_card.html",
            {
                "profile": profile,
                "skills": _skills(profile),
                "skill_form": form or forms.SkillAddForm(),
                "visibility_choices": list(forms.VISIBILITY_SHORT.items()),
            },
            status=status,
        )
    if form is not None and form.errors:
        return render(
            request,
            "members/profiles/edit.html",
            _edit_context(request, profile, skill_form=form),
            status=status,
        )
    return redirect(_edit_url("#skills"))


@login_required
@require_POST
def profile_edit_skill_add(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    form = forms.SkillAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_skill_add(
                profile=profile,
                text=data["text"],
                concept=data["concept"] or None,
                level=data["level"],
            )
        except DomainError as exc:
            form.add_error(
                "text" if exc.field in (None, "skills", "concept") else exc.field, exc.message
            )
        else:
            if not request.htmx:
                messages.success(request, _("Skill added."))
            return _skills_response(request, profile)
    return _skills_response(request, profile, form, status=400 if not request.htmx else 200)


@login_required
@require_POST
def profile_edit_skill_remove(request: HttpRequest, skill_id: int) -> HttpResponse:
    profile = _own(request)
    skill = get_object_or_404(profile.skills, pk=skill_id)
    services.profile_skill_remove(profile=profile, skill=skill)
    return _skills_response(request, profile)


@login_required
@require_POST
def profile_edit_interests(request: HttpRequest) -> HttpResponse:
    profile = _own(request)
    form = forms.InterestsForm(request.POST)
    if form.is_valid():
        services.profile_interests_set(profile=profile, interests=form.cleaned_data["interests"])
        messages.success(request, _("Interests saved."))
        return redirect(_edit_url("#interests"))
    return render(
        request, "members/profiles/edit.html", _edit_context(request, profile, interests_form=form)
    )


# --- offers and needs ------------------------------------------------------------------------


def _own_offer(request: HttpRequest, offer_id: int) -> Offer:
    return get_object_or_404(_own(request).offers.select_related("profile__member"), pk=offer_id)


def _own_need(request: HttpRequest, need_id: int) -> Need:
    return get_object_or_404(_own(request).needs.select_related("profile__member"), pk=need_id)


def _skill_names(concepts) -> list[str]:
    return [c.label() for c in concepts]


@login_required
def profile_edit_offer(request: HttpRequest, offer_id: int | None = None) -> HttpResponse:
    """Publish a new offer, or change one."""
    profile = _own(request)
    offer = _own_offer(request, offer_id) if offer_id else None
    initial = {}
    if offer is not None:
        initial = {
            "title": offer.title,
            "description": offer.description,
            "terms": offer.terms,
            "terms_note": offer.terms_note,
            "skills": _skill_names(offer.skills.all()),
        }
    form = forms.OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if offer is None:
                services.offer_publish(profile=profile, **form.cleaned_data)
                messages.success(request, _("Your offer is published."))
            else:
                services.offer_update(offer=offer, **form.cleaned_data)
                messages.success(request, _("Offer saved."))
        except DomainError as exc:
            _apply(form, exc)
        else:
            return redirect(_edit_url("#offers"))
    return render(
        request,
        "members/profiles/offer_form.html",
        {"form": form, "offer": offer, "profile": profile},
    )


@login_required
@require_POST
def profile_edit_offer_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    services.offer_withdraw(offer=_own_offer(request, offer_id))
    messages.success(request, _("Offer withdrawn. You can publish it again at any time."))
    return redirect(_edit_url("#offers"))


@login_required
@require_POST
def profile_edit_offer_republish(request: HttpRequest, offer_id: int) -> HttpResponse:
    try:
        services.offer_update(offer=_own_offer(request, offer_id), is_active=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Offer published again."))
    return redirect(_edit_url("#offers"))


@login_required
def profile_edit_need(request: HttpRequest, need_id: int | None = None) -> HttpResponse:
    """Publish a new need, or change one."""
    profile = _own(request)
    need = _own_need(request, need_id) if need_id else None
    initial = {}
    if need is not None:
        initial = {
            "title": need.title,
            "description": need.description,
            "urgency": need.urgency,
            "skills": _skill_names(need.skills.all()),
        }
    form = forms.NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if need is None:
                services.need_publish(profile=profile, **form.cleaned_data)
                messages.success(request, _("Your need is published."))
            else:
                services.need_update(need=need, **form.cleaned_data)
                messages.success(request, _("Need saved."))
        except DomainError as exc:
            _apply(form, exc)
        else:
            return redirect(_edit_url("#needs"))
    return render(
        request, "members/profiles/need_form.html", {"form": form, "need": need, "profile": profile}
    )


@login_required
@require_POST
def profile_edit_need_close(request: HttpRequest, need_id: int) -> HttpResponse:
    services.need_close(need=_own_need(request, need_id))
    messages.success(request, _("Need closed. We hope you found what you were looking for!"))
    return redirect(_edit_url("#needs"))


@login_required
@require_POST
def profile_edit_need_reopen(request: HttpRequest, need_id: int) -> HttpResponse:
    try:
        services.need_update(need=_own_need(request, need_id), is_open=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Need open again."))
    return redirect(_edit_url("#needs"))


# --- the wizard ------------------------------------------------------------------------------

WIZARD_STEPS = (
    (1, gettext_lazy("Who I am")),
    (2, gettext_lazy("What I offer")),
    (3, gettext_lazy("What I'm looking for")),
)


def _wizard_form(step: int, profile: Profile, data=None):
    if step == 1:
        return forms.IntroForm(
            data,
            initial={
                "full_name": profile.member.user.full_name,
                "headline": profile.headline,
                "company": profile.company.name if profile.company else "",
                "bio": profile.bio,
                "skills": _skill_names(s.concept for s in _skills(profile)),
            },
        )
    if step == 2:
        return forms.WizardOfferForm(data)
    return forms.WizardNeedForm(
        data, initial={"interests": list(profile.interests.values_list("pk", flat=True))}
    )


def _wizard_save(step: int, profile: Profile, data: dict) -> None:
    if step == 1:
        services.profile_intro_save(profile=profile, **data)
    elif step == 2:
        if data["title"] or data["description"]:
            services.offer_publish(profile=profile, **data)
    else:
        services.profile_looking_for_save(profile=profile, **data)


@login_required
def profile_wizard(request: HttpRequest) -> HttpResponse:
    """Three short steps after the first log-in; each can be skipped, and so can the whole."""
    profile = _own(request)
    try:
        step = min(max(int(request.GET.get("step") or request.POST.get("step") or 1), 1), 3)
    except ValueError:
        step = 1
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "skip_all":
            services.profile_wizard_end(profile=profile, skipped=True)
            messages.info(
                request,
                _("No problem: you can fill in your profile at any time from “My profile”."),
            )
            return redirect("home")
        form = _wizard_form(step, profile, request.POST)
        if action == "skip_step" or form.is_valid():
            if action != "skip_step":
                try:
                    _wizard_save(step, profile, form.cleaned_data)
                except DomainError as exc:
                    _apply(form, exc)
            if not form.errors or action == "skip_step":
                if step < 3:
                    return redirect(reverse("profile_wizard") + f"?step={step + 1}")
                services.profile_wizard_end(profile=profile)
                messages.success(
                    request, _("Welcome! Your profile is ready; complete it whenever you like.")
                )
                return redirect("profile_edit")
    else:
        form = _wizard_form(step, profile)
    context = {
        "profile": profile,
        "form": form,
        "step": step,
        "steps": WIZARD_STEPS,
        "offers": profile.offers.filter(is_active=True) if step == 2 else [],
        "needs": profile.needs.filter(is_open=True) if step == 3 else [],
        "completeness": services.profile_completeness(profile),
    }
    return render(request, "members/profiles/wizard.html", context)


# --- a member's profile ----------------------------------------------------------------------


def _detail_context(request: HttpRequest, view: access.ProfileView, contact_form=None) -> dict:
    profile = view.profile
    context = {
        "view": view,
        "profile": profile,
        "member": profile.member,
        **_names(profile),
        "sections": view.sections,
        "section_visibility": {
            s: forms.VISIBILITY_SHORT[profile.visibility_of(s)] for s in Profile.SECTIONS
        },
        "can_contact": _sender(request, profile) is not None,
        "contact_form": contact_form or forms.ContactForm(),
        "section_labels": forms.SECTION_LABELS,
        "visibility_short": forms.VISIBILITY_SHORT,
    }
    if view.sees("offers"):
        context["offers"] = profile.offers.filter(is_active=True).prefetch_related(
            Prefetch("skills", queryset=SkillConcept.objects.order_by("label_fr"))
        )
    if view.sees("needs"):
        context["needs"] = profile.needs.filter(is_open=True).prefetch_related(
            Prefetch("skills", queryset=SkillConcept.objects.order_by("label_fr"))
        )
    if view.sees("skills"):
        context["skills"] = _skills(profile)
    if view.sees("about"):
        context["bio_html"] = render_markdown(profile.bio)
        # In a French sentence a language's name takes no capital ("Parle français, anglais").
        french = (translation.get_language() or "").startswith("fr")
        context["languages"] = [
            str(label).lower() if french else label
            for code, label in services.LANGUAGE_CHOICES
            if code in (profile.languages or [])
        ]
    if view.sees("interests"):
        context["interests"] = list(profile.interests.all())
    return context


def _names(profile: Profile) -> dict[str, str]:
    # Never `User.get_full_name()` here: it falls back to the email address.
    full = profile.member.user.full_name.strip() or _("A member")
    return {"display_name": full, "short_name": full.split(" ")[0]}


def _sender(request: HttpRequest, profile: Profile):
    """The viewer's member record that would send a message, or None if they may not."""
    viewer = request.viewer
    if not viewer.is_authenticated or not viewer.records:
        return None
    if profile.member.user_id == viewer.user.pk:
        return None
    return viewer.record_for(profile.member.operator_id) or viewer.current


def profile_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    view = access.profile_for_viewer(request.viewer, member_id)
    return render(request, "members/profiles/detail.html", _detail_context(request, view))


@login_required
@require_POST
def profile_detail_contact(request: HttpRequest, member_id: int) -> HttpResponse:
    view = access.profile_for_viewer(request.viewer, member_id)
    sender = _sender(request, view.profile)
    if sender is None:
        raise Http404
    form = forms.ContactForm(request.POST)
    sent = False
    if form.is_valid():
        try:
            services.profile_contact(
                sender_member=sender, profile=view.profile, message=form.cleaned_data["message"]
            )
        except DomainError as exc:
            _apply(form, exc)
        else:
            sent = True
    names = _names(view.profile)
    if request.htmx:
        return render(
            request,
            "members/profiles/partials/contact.html",
            {
                "contact_form": forms.ContactForm() if sent else form,
                "sent": sent,
                "member": view.profile.member,
                "can_contact": True,
                **names,
            },
        )
    if sent:
        messages.success(
            request,
            _("Message sent to %(name)s. Their reply will come to your email.")
            % {"name": names["short_name"]},
        )
        return redirect("profile_detail", member_id=member_id)
    return render(
        request,
        "members/profiles/detail.html",
        _detail_context(request, view, contact_form=form),
        status=400,
    )


# --- skill suggestions -----------------------------------------------------------------------


@login_required
@require_GET
def skill_autocomplete(request: HttpRequest) -> HttpResponse:
    """Taxonomy skills matching what is typed (an htmx partial). Lists concepts, never people."""
    raw = request.GET.get("q") or request.GET.get("text") or request.GET.get("skills") or ""
    prefix = raw.rsplit(",", 1)[-1].strip()
    concepts = services.skill_suggest(prefix, limit=8)
    return render(
        request,
        "members/profiles/partials/suggestions.html",
        {"concepts": concepts, "query": prefix},
    )


urlpatterns = [
    path("me/profile/", profile_edit, name="profile_edit"),
    path("me/profile/start/", profile_wizard, name="profile_wizard"),
    path("me/profile/photo/", profile_edit_photo, name="profile_edit_photo"),
    path("me/profile/availability/", profile_edit_availability, name="profile_edit_availability"),
    path("me/profile/visibility/", profile_edit_visibility, name="profile_edit_visibility"),
    path("me/profile/listed/", profile_edit_listed, name="profile_edit_listed"),
    path("me/profile/skills/", profile_edit_skill_add, name="profile_edit_skill_add"),
    path(
        "me/profile/skills/<int:skill_id>/remove/",
        profile_edit_skill_remove,
        name="profile_edit_skill_remove",
    ),
    path("me/profile/interests/", profile_edit_interests, name="profile_edit_interests"),
    path("me/profile/offers/new/", profile_edit_offer, name="profile_edit_offer_new"),
    path("me/profile/offers/<int:offer_id>/", profile_edit_offer, name="profile_edit_offer"),
    path(
        "me/profile/offers/<int:offer_id>/withdraw/",
        profile_edit_offer_withdraw,
        name="profile_edit_offer_withdraw",
    ),
    path(
        "me/profile/offers/<int:offer_id>/publish/",
        profile_edit_offer_republish,
        name="profile_edit_offer_republish",
    ),
    path("me/profile/needs/new/", profile_edit_need, name="profile_edit_need_new"),
    path("me/profile/needs/<int:need_id>/", profile_edit_need, name="profile_edit_need"),
    path(
        "me/profile/needs/<int:need_id>/close/",
        profile_edit_need_close,
        name="profile_edit_need_close",
    ),
    path(
        "me/profile/needs/<int:need_id>/reopen/",
        profile_edit_need_reopen,
        name="profile_edit_need_reopen",
    ),
    path("members/<int:member_id>/", profile_detail, name="profile_detail"),
    path("members/<int:member_id>/contact/", profile_detail_contact, name="profile_detail_contact"),
    path("skills/suggest/", skill_autocomplete, name="skill_autocomplete"),
]
