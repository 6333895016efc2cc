"""Importing members from a spreadsheet (CSV): read and check every row, show a preview, then
invite everyone in one transaction, or no one.

An import creates *invitations*, not accounts: people join Maillage by accepting an invitation
(sign-up from the link, or log in and accept when they already have an account), so nobody
gets an account, a member record or a directory entry before they agree to it. What the file
says about a person beyond their name (company, skills, plan) is kept in the import's batch
record, and `member_import_profile_apply` turns it into their profile when they accept.

Three steps, three modules: `reading` (bytes to a table of cells: encodings, delimiters,
column names), `checking` (each row against the rules and the database: the preview) and
`writing` (the transaction, the import's record, the invitations, the profiles).
"""

from __future__ import annotations

from maillage.core.errors import DomainError
from maillage.members.services.imports.checking import (
    ImportPreview,
    ImportRow,
    SkillLink,
    member_import_parse,
)
from maillage.members.services.imports.reading import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    read_table,
)
from maillage.members.services.imports.writing import (
    UPLOAD_HOURS,
    BatchStatus,
    ImportBatch,
    ImportRejected,
    ImportResult,
    PurgeReport,
    member_import_apply,
    member_import_batch,
    member_import_batch_status,
    member_import_invitations_send,
    member_import_profile_apply,
    member_import_upload_delete,
    member_import_upload_read,
    member_import_upload_save,
    member_imports_purge,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "UPLOAD_HOURS",
    "BatchStatus",
    "DomainError",
    "ImportBatch",
    "ImportFileError",
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "ImportRow",
    "PurgeReport",
    "SkillLink",
    "member_import_apply",
    "member_import_batch",
    "member_import_batch_status",
    "member_import_invitations_send",
    "member_import_parse",
    "member_import_profile_apply",
    "member_import_upload_delete",
    "member_import_upload_read",
    "member_import_upload_save",
    "member_imports_purge",
    "read_table",
]
