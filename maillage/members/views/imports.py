"""Staff import members from a spreadsheet: upload, preview, confirm, then invite in bulk.

The uploaded file waits in storage between the preview and the confirmation; the preview's
URL carries a signed ticket naming it, the staff record that uploaded it and the default
space, so nobody else can open or confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access
from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.members.services import imports

TICKET_SALT = "maillage.members.import"
PREVIEW_ROWS = 500  # rows shown at once; counts always cover the whole file


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Comma-, semicolon- or tab-separated, as saved by Excel, LibreOffice or Google "
            "Sheets; 2 MB and 5,000 rows at most."
        ),
    )
    space = forms.ChoiceField(
        label=gettext_lazy("Default space"),
        help_text=gettext_lazy("For rows without a space, or if the file has no space column."),
    )

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [(s.pk, s.name) for s in spaces]
        self.fields["file"].widget.attrs["accept"] = ".csv,.tsv,.txt,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into several files.")
                % {"size": imports.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _staff(request: HttpRequest) -> tuple[Member, list]:
    record = access.staff_record(request.viewer)
    return record, list(access.spaces_managed_by(request.viewer, record.operator_id))


@login_required
def staff_member_import(request: HttpRequest) -> HttpResponse:
    record, spaces = _staff(request)
    initial = record.home_space_id if any(s.pk == record.home_space_id for s in spaces) else None
    form = MemberImportForm(
        request.POST or None, request.FILES or None, spaces=spaces, initial={"space": initial}
    )
    if request.method == "POST" and form.is_valid():
        space = access.space_for_viewer(request.viewer, int(form.cleaned_data["space"]), "change")
        upload = form.cleaned_data["file"]
        data = upload.read(imports.MAX_BYTES + 1)
        try:
            imports.read_table(data)  # the file as a whole; rows are checked on the preview
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            upload_id = imports.member_import_upload_save(operator=record.operator, data=data)
            ticket = {"u": upload_id, "m": record.pk, "s": space.pk, "n": upload.name[:120]}
            key = signing.dumps(ticket, salt=TICKET_SALT, compress=True)
            return redirect("staff_member_import_preview", key=key)
    return render(
        request, "members/imports/upload.html", {"form": form, "operator": record.operator}
    )


@dataclass(frozen=True)
class _Upload:
    """An uploaded file waiting for confirmation, as its uploader may use it."""

    key: str
    upload_id: str
    filename: str
    data: bytes | None  # None once imported or cleared
    arguments: dict  # for member_import_parse and member_import_apply


def _upload_for_staff(request: HttpRequest, key: str) -> _Upload:
    record, spaces = _staff(request)
    try:
        ticket = signing.loads(key, salt=TICKET_SALT, max_age=imports.UPLOAD_HOURS * 3600)
    except signing.BadSignature:
        raise Http404 from None
    if ticket.get("m") != record.pk:
        raise Http404
    space = access.space_for_viewer(request.viewer, ticket["s"], "change")
    data = imports.member_import_upload_read(operator=record.operator, upload_id=ticket["u"])
    arguments = {
        "operator": record.operator,
        "staff_record": record,
        "data": data,
        "spaces": spaces,
        "default_space": space,
    }
    return _Upload(key, ticket["u"], ticket["n"], data, arguments)


def _upload_again(request: HttpRequest, message: str | None = None) -> HttpResponse:
    messages.info(
        request,
        message
        or _(
            "This file is no longer here (already imported, or uploaded more than a day ago): "
            "upload it again."
        ),
    )
    return redirect("staff_member_import")


def _render_preview(request: HttpRequest, upload: _Upload, preview) -> HttpResponse:
    show = request.GET.get("show")
    show_errors = show == "errors" or (show != "all" and not preview.is_valid)
    rows = preview.error_rows if show_errors else preview.rows
    context = {
        "preview": preview,
        "key": upload.key,
        "filename": upload.filename,
        "rows": rows[:PREVIEW_ROWS],
        "hidden_rows": max(0, len(rows) - PREVIEW_ROWS),
        "show_errors": show_errors,
        "skill_counts": preview.skill_counts,
    }
    return render(request, "members/imports/preview.html", context)


@login_required
def staff_member_import_preview(request: HttpRequest, key: str) -> HttpResponse:
    upload = _upload_for_staff(request, key)
    if upload.data is None:
        return _upload_again(request)
    try:
        preview = imports.member_import_parse(**upload.arguments)
    except DomainError as exc:  # e.g. the default space is no longer one of theirs
        return _upload_again(request, exc.message)
    return _render_preview(request, upload, preview)


@login_required
@require_POST
def staff_member_import_confirm(request: HttpRequest, key: str) -> HttpResponse:
    upload = _upload_for_staff(request, key)
    if upload.data is None:
        return _upload_again(request)
    try:
        result = imports.member_import_apply(**upload.arguments, filename=upload.filename)
    except imports.ImportRejected as exc:
        messages.error(request, exc.message)
        if exc.preview is None:
            return redirect("staff_member_import_preview", key=key)
        return _render_preview(request, upload, exc.preview)
    except DomainError as exc:
        return _upload_again(request, exc.message)
    operator = upload.arguments["operator"]
    imports.member_import_upload_delete(operator=operator, upload_id=upload.upload_id)
    count = result.invitation_count
    messages.success(
        request,
        ngettext("%(count)s person imported.", "%(count)s people imported.", count)
        % {"count": count},
    )
    return redirect("staff_member_import_done", batch_id=result.batch_id)


def _batch_for_staff(request: HttpRequest, batch_id: str):
    """An import's record, for the staff member who made it or an operator admin."""
    record, spaces = _staff(request)
    try:
        batch = imports.member_import_batch(operator=record.operator, batch_id=batch_id)
    except DomainError:
        raise Http404 from None
    if batch.created_by_id != record.pk and not record.is_admin:
        raise Http404
    return record, spaces, batch


@login_required
def staff_member_import_done(request: HttpRequest, batch_id: str) -> HttpResponse:
    record, _spaces, batch = _batch_for_staff(request, batch_id)
    status = imports.member_import_batch_status(operator=record.operator, batch=batch)
    return render(
        request,
        "members/imports/done.html",
        {
            "batch": batch,
            "status": status,
            "languages": settings.LANGUAGES,
            "invitation_days": settings.INVITATION_DAYS,
            "language": (get_language() or settings.LANGUAGE_CODE)[:2],
        },
    )


@login_required
@require_POST
def staff_member_import_invite(request: HttpRequest, batch_id: str) -> HttpResponse:
    record, spaces, batch = _batch_for_staff(request, batch_id)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = request.LANGUAGE_CODE
    sent, skipped = imports.member_import_invitations_send(
        operator=record.operator,
        staff_record=record,
        batch=batch,
        spaces=spaces,
        language=language,
    )
    if sent:
        messages.success(
            request,
            ngettext(
                "%(count)s invitation is on its way.",
                "%(count)s invitations are on their way.",
                sent,
            )
            % {"count": sent},
        )
    elif not skipped:
        messages.info(request, _("Every invitation of this import was already sent."))
    for line in skipped[:20]:
        messages.warning(request, _("Not sent to %(line)s") % {"line": line})
    return redirect("staff_member_import_done", batch_id=batch.batch_id)


# Column names in the language of the page; the import reads both languages either way.
TEMPLATE_HEADERS = {
    "fr": (";", ["Nom", "Email", "Entreprise", "Formule", "Espace", "Compétences"]),
    "en": (",", ["Name", "Email", "Company", "Plan", "Space", "Skills"]),
}


@login_required
def staff_member_import_template(request: HttpRequest) -> HttpResponse:
    access.staff_record(request.viewer)
    language = (get_language() or "fr")[:2]
    delimiter, headers = TEMPLATE_HEADERS.get(language, TEMPLATE_HEADERS["en"])
    # With a BOM, Excel opens UTF-8 files with their accents intact.
    response = HttpResponse(
        "\ufeff" + delimiter.join(headers) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="maillage-members.csv"'
    return response


urlpatterns = [
    path("staff/members/import/", staff_member_import, name="staff_member_import"),
    path(
        "staff/members/import/template.csv",
        staff_member_import_template,
        name="staff_member_import_template",
    ),
    path(
        "staff/members/import/done/<str:batch_id>/",
        staff_member_import_done,
        name="staff_member_import_done",
    ),
    path(
        "staff/members/import/done/<str:batch_id>/invite/",
        staff_member_import_invite,
        name="staff_member_import_invite",
    ),
    path(
        "staff/members/import/<str:key>/",
        staff_member_import_preview,
        name="staff_member_import_preview",
    ),
    path(
        "staff/members/import/<str:key>/confirm/",
        staff_member_import_confirm,
        name="staff_member_import_confirm",
    ),
]
