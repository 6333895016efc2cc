"""Writing an import (all rows or none), its record, sending its invitations, and filling
the profile of each person who accepts; plus the uploads waiting for confirmation.

Import records are JSON documents written through Django's storage API (no shared local
files), in the `imports` storage when one is configured, else the default storage.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import IntegrityError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator, Role, Space
from maillage.members.models import Company, Invitation, Profile
from maillage.members.services.accounts import invitation_create
from maillage.members.services.imports.checking import ImportPreview, member_import_parse

logger = logging.getLogger(__name__)

UPLOAD_HOURS = 24  # an uploaded file waits this long for its confirmation


class ImportRejected(DomainError):
    """The confirmation found errors (the data changed since the preview): nothing written."""

    def __init__(self, message: str, *, preview: ImportPreview | None = None) -> None:
        super().__init__(message)
        self.preview = preview


@dataclass(frozen=True)
class ImportResult:
    batch_id: str
    invitation_count: int
    companies_created: list[str]
    plans: list[tuple[str, int]]


def _storage() -> Storage:
    return storages["imports"] if "imports" in settings.STORAGES else default_storage


def _batch_dir(operator_id: int) -> str:
    return f"imports/{operator_id}/batches"


def _upload_dir(operator_id: int) -> str:
    return f"imports/{operator_id}/uploads"


def _delete(storage: Storage, name: str) -> None:
    if name:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - nothing more to do than say so
            logger.exception("could not delete %s", name)


def member_import_apply(
    *,
    operator: Operator,
    staff_record: Member,
    data: bytes,
    spaces: Sequence[Space],
    default_space: Space,
    filename: str = "",
) -> ImportResult:
    """Check the file again (things change between the preview and the confirmation), then
    create the companies it names and one invitation per row, not emailed yet, in one
    transaction: every row is imported, or none.

    Raises `ImportRejected` and writes nothing when any row fails. The invitations are
    emailed by `member_import_invitations_send`.
    """
    preview = member_import_parse(
        operator=operator,
        staff_record=staff_record,
        data=data,
        spaces=spaces,
        default_space=default_space,
    )
    if not preview.is_valid:
        raise ImportRejected(
            ngettext(
                "%(count)s row has an error: nothing was imported.",
                "%(count)s rows have errors: nothing was imported.",
                len(preview.error_rows),
            )
            % {"count": len(preview.error_rows)},
            preview=preview,
        )
    created_at = timezone.now()
    batch_id = f"{created_at:%Y%m%d%H%M%S}-{secrets.token_hex(8)}"
    storage = _storage()
    saved, row = "", None
    try:
        with transaction.atomic():
            created = []
            for name in preview.new_companies:
                Company.objects.create(operator=operator, name=name)
                created.append(name)
            records = []
            for row in preview.rows:
                invitation, _token = invitation_create(
                    space=row.space,
                    email=row.email,
                    full_name=row.full_name,
                    role=Role.MEMBER,
                    invited_by=staff_record,
                    send=False,
                )
                records.append(
                    {
                        "line": row.line,
                        "email": row.email,
                        "full_name": row.full_name,
                        "company": row.company_name,
                        "plan": row.plan,
                        "space": row.space.pk,
                        "skills": [s.text for s in row.skills],
                        "invitation": invitation.pk,
                    }
                )
            document = {
                "version": 1,
                "batch": batch_id,
                "operator": operator.pk,
                "created_by": staff_record.pk,
                "created_at": created_at.isoformat(),
                "filename": filename[:200],
                "encoding": preview.encoding,
                "companies_created": created,
                "rows": records,
            }
            saved = storage.save(
                f"{_batch_dir(operator.pk)}/{batch_id}.json",
                ContentFile(json.dumps(document, ensure_ascii=False).encode()),
            )
    except DomainError as exc:
        _delete(storage, saved)
        where = _("Line %(line)s: ") % {"line": row.line} if row is not None else ""
        raise ImportRejected(f"{where}{exc.message} " + _("Nothing was imported.")) from exc
    except (IntegrityError, OperationalError) as exc:
        _delete(storage, saved)
        logger.warning("member import rolled back: %s", exc)
        raise ImportRejected(
            _(
                "The data changed while the import ran, so nothing was imported. Upload the file "
                "again to check it."
            )
        ) from exc
    except OSError as exc:
        _delete(storage, saved)
        logger.exception("member import rolled back: its record could not be stored")
        raise ImportRejected(
            _("The import could not be saved, so nothing was imported. Try again in a moment.")
        ) from exc
    except BaseException:
        _delete(storage, saved)
        raise
    return ImportResult(
        batch_id=batch_id,
        invitation_count=len(records),
        companies_created=created,
        plans=preview.plans,
    )


# --- after the import: the batch, sending, and applying on acceptance ------------------------


@dataclass
class ImportBatch:
    batch_id: str
    created_at: dt.datetime
    created_by_id: int
    filename: str
    companies_created: list[str]
    rows: list[dict]

    @property
    def plans(self) -> list[tuple[str, int]]:
        return Counter(r["plan"] for r in self.rows if r.get("plan")).most_common()


def _batch_read(storage: Storage, path: str) -> dict:
    with storage.open(path, "rb") as handle:
        return json.loads(handle.read().decode())


def member_import_batch(*, operator: Operator, batch_id: str) -> ImportBatch:
    """An import's record. Batches are filed by operator: another operator's id is unknown."""
    storage = _storage()
    path = f"{_batch_dir(operator.pk)}/{batch_id}.json"
    if not re.fullmatch(r"\d{14}-[0-9a-f]{16}", batch_id or "") or not storage.exists(path):
        raise DomainError(_("This import is unknown."))
    document = _batch_read(storage, path)
    return ImportBatch(
        batch_id=batch_id,
        created_at=dt.datetime.fromisoformat(document["created_at"]),
        created_by_id=document["created_by"],
        filename=document.get("filename", ""),
        companies_created=document.get("companies_created", []),
        rows=document["rows"],
    )


@dataclass(frozen=True)
class BatchStatus:
    """Where the people of an import stand, from each one's latest invitation."""

    unsent: list[Invitation]
    sent: int
    accepted: int
    other: int  # withdrawn

    @property
    def total(self) -> int:
        return len(self.unsent) + self.sent + self.accepted + self.other


def member_import_batch_status(*, operator: Operator, batch: ImportBatch) -> BatchStatus:
    """Imports create invitations without emailing them, and sending one replaces it with a
    new one: so a person whose latest invitation is still the imported one was never emailed."""
    imported = {r["email"]: r["invitation"] for r in batch.rows}
    latest: dict[str, Invitation] = {}
    emails = sorted(imported)
    for start in range(0, len(emails), 500):
        for invitation in (
            Invitation.objects.filter(operator=operator, email__in=emails[start : start + 500])
            .select_related("space")
            .order_by("email", "-created_at", "-pk")
        ):
            latest.setdefault(invitation.email, invitation)
    unsent, sent, accepted, other = [], 0, 0, 0
    for email, invitation_id in imported.items():
        invitation = latest.get(email)
        if invitation is not None and invitation.accepted_at is not None:
            accepted += 1
        elif invitation is None or invitation.revoked_at is not None:
            other += 1
        elif invitation.pk == invitation_id:
            unsent.append(invitation)
        else:
            sent += 1
    return BatchStatus(unsent=unsent, sent=sent, accepted=accepted, other=other)


def member_import_invitations_send(
    *,
    operator: Operator,
    staff_record: Member,
    batch: ImportBatch,
    spaces: Sequence[Space],
    language: str | None = None,
) -> tuple[int, list[str]]:
    """Email the invitations of an import that were not sent yet, through `invitation_create`
    (a fresh link, valid from now; the task worker sends the emails once this commits).

    Returns (how many were sent, "email: reason" for each one skipped). Sending twice sends
    nothing more.
    """
    allowed = {s.pk for s in spaces if s.operator_id == operator.pk}
    sent, skipped = 0, []
    with transaction.atomic():
        for invitation in member_import_batch_status(operator=operator, batch=batch).unsent:
            if invitation.space_id not in allowed:
                skipped.append(f"{invitation.email}: " + _("not one of your spaces."))
                continue
            try:
                invitation_create(
                    space=invitation.space,
                    email=invitation.email,
                    full_name=invitation.full_name,
                    role=invitation.role,
                    invited_by=staff_record,
                    send=True,
                    language=language,
                )
            except DomainError as exc:  # became a member in the meantime, for one
                skipped.append(f"{invitation.email}: {exc.message}")
            else:
                sent += 1
    return sent, skipped


def _imported_row(operator_id: int, email: str) -> dict | None:
    """The newest import row for a person of an operator, or None."""
    storage = _storage()
    directory = _batch_dir(operator_id)
    try:
        _dirs, files = storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return None
    for name in sorted((f for f in files if f.endswith(".json")), reverse=True):
        for row in _batch_read(storage, f"{directory}/{name}").get("rows", []):
            if row.get("email") == email:
                return row
    return None


def member_import_profile_apply(*, member: Member) -> Profile | None:
    """Fill the profile of a member who joined from an imported invitation with the company
    and skills the import gave, and start the plan it named from today (call it when an
    invitation is accepted).

    Fills only what is still empty, so a person who left and comes back keeps their own
    profile; a value the profile services refuse is skipped. Never fails the acceptance.
    """
    from maillage.members.services import profiles

    try:
        row = _imported_row(member.operator_id, member.user.email.lower())
    except (OSError, ValueError):
        logger.exception("could not read the imports of operator %s", member.operator_id)
        return None
    if row is None:
        return None
    profile = profiles.profile_get_or_create(member)
    if row.get("company") and profile.company_id is None:
        try:
            profiles.profile_update(profile=profile, company=row["company"])
        except DomainError as exc:
            logger.info("imported company skipped for member %s: %s", member.pk, exc.message)
    if row.get("plan"):
        _membership_from_import(member, row["plan"], profile)
    if not profile.skills.exists():
        for text in row.get("skills", []):
            try:
                profiles.profile_skill_add(profile=profile, text=text)
            except DomainError as exc:
                logger.info("imported skill skipped for member %s: %s", member.pk, exc.message)
    return profile


def _membership_from_import(member: Member, plan_name: str, profile: Profile) -> None:
    """Start the plan the import named, from the day the person joins, unless they already
    have one then (or the plan is no longer offered: staff will choose)."""
    from maillage.members.services.imports.checking import plans_by_name
    from maillage.members.services.imports.reading import _fold
    from maillage.workspace.models import Membership
    from maillage.workspace.services.plans import membership_start

    plan = plans_by_name(member.operator).get(_fold(plan_name))
    if plan is None:
        logger.info("imported plan %r is no longer offered (member %s)", plan_name, member.pk)
        return
    today = timezone.localdate()
    if (
        Membership.objects.filter(member=member, starts_on__lte=today)
        .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today))
        .exists()
    ):
        return
    try:
        with transaction.atomic():
            membership_start(member=member, plan=plan, starts_on=today, company=profile.company)
    except DomainError as exc:
        logger.info("imported plan skipped for member %s: %s", member.pk, exc.message)


# --- uploads waiting for their confirmation --------------------------------------------------


def member_import_upload_save(*, operator: Operator, data: bytes) -> str:
    """Keep an uploaded file until it is confirmed; returns its id. Clears stale uploads."""
    storage = _storage()
    directory = _upload_dir(operator.pk)
    limit = timezone.now() - dt.timedelta(hours=UPLOAD_HOURS)
    try:
        for name in storage.listdir(directory)[1]:
            if storage.get_modified_time(f"{directory}/{name}") < limit:
                _delete(storage, f"{directory}/{name}")
    except (FileNotFoundError, NotImplementedError):
        pass
    upload_id = secrets.token_hex(16)
    storage.save(f"{directory}/{upload_id}.csv", ContentFile(data))
    return upload_id


def _upload_path(operator: Operator, upload_id: str) -> str | None:
    if not re.fullmatch(r"[0-9a-f]{32}", upload_id or ""):
        return None
    return f"{_upload_dir(operator.pk)}/{upload_id}.csv"


def member_import_upload_read(*, operator: Operator, upload_id: str) -> bytes | None:
    """An upload's bytes, or None once it was imported, cleared, or never existed."""
    path = _upload_path(operator, upload_id)
    storage = _storage()
    if path is None or not storage.exists(path):
        return None
    with storage.open(path, "rb") as handle:
        return handle.read()


def member_import_upload_delete(*, operator: Operator, upload_id: str) -> None:
    path = _upload_path(operator, upload_id)
    if path is not None:
        _delete(_storage(), path)


# --- keeping personal data no longer than needed ---------------------------------------------


@dataclass(frozen=True)
class PurgeReport:
    uploads: int  # files never confirmed, older than UPLOAD_HOURS
    batches: int  # import records no longer needed


def _listdir(storage: Storage, directory: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return [], []


def _batch_settled(operator: Operator, document: dict) -> bool:
    """Everyone of the import has joined, or their invitation was withdrawn: the record has
    nothing left to give (no invitation to send, no profile to fill)."""
    emails = [r["email"] for r in document.get("rows", [])]
    latest: dict[str, Invitation] = {}
    for start in range(0, len(emails), 500):
        for invitation in Invitation.objects.filter(
            operator=operator, email__in=emails[start : start + 500]
        ).order_by("email", "-created_at", "-pk"):
            latest.setdefault(invitation.email, invitation)
    return all(
        email in latest
        and (latest[email].accepted_at is not None or latest[email].revoked_at is not None)
        for email in emails
    )


def member_imports_purge(*, now: dt.datetime | None = None) -> PurgeReport:
    """Delete what imports keep about people once it is no longer needed (run it nightly):
    uploads never confirmed after UPLOAD_HOURS, and import records whose people have all
    joined or been withdrawn, or that are older than IMPORT_RETENTION_DAYS (past that, a late
    joiner simply fills in their profile themselves).

    Files that cannot be read are left for a person to look at, and logged.
    """
    now = now or timezone.now()
    storage = _storage()
    upload_limit = now - dt.timedelta(hours=UPLOAD_HOURS)
    batch_limit = now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    uploads = batches = 0
    operators = {
        str(o.pk): o for o in Operator.objects.filter(pk__in=_operator_ids_with_imports(storage))
    }
    for operator_id in _listdir(storage, "imports")[0]:
        if not operator_id.isdigit():
            continue  # not ours: left alone
        operator = operators.get(operator_id)  # None: the operator was deleted
        directory = f"imports/{operator_id}/uploads"
        for name in _listdir(storage, directory)[1]:
            if operator is None or storage.get_modified_time(f"{directory}/{name}") < upload_limit:
                _delete(storage, f"{directory}/{name}")
                uploads += 1
        directory = f"imports/{operator_id}/batches"
        for name in _listdir(storage, directory)[1]:
            path = f"{directory}/{name}"
            try:
                document = _batch_read(storage, path)
                created_at = dt.datetime.fromisoformat(document["created_at"])
            except (OSError, ValueError, KeyError):
                logger.exception("import record %s could not be read; left in place", path)
                continue
            if operator is None or created_at < batch_limit or _batch_settled(operator, document):
                _delete(storage, path)
                batches += 1
    return PurgeReport(uploads=uploads, batches=batches)


def _operator_ids_with_imports(storage: Storage) -> list[int]:
    return [int(name) for name in _listdir(storage, "imports")[0] if name.isdigit()]
