"""`maillage imports_purge`: delete what member imports keep about people once it is no longer
needed. Run it nightly (cron or a systemd timer):
    0 4 * * *  cd /srv/maillage && .venv/bin/maillage imports_purge
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.members.services.imports import UPLOAD_HOURS, member_imports_purge


class Command(BaseCommand):
    help = (
        f"Delete member-import files never confirmed after {UPLOAD_HOURS} hours, and import "
        "records whose people have all joined or been withdrawn, or older than "
        "IMPORT_RETENTION_DAYS. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        report = member_imports_purge()
        self.stdout.write(
            f"imports: {report.uploads} unconfirmed upload(s) and {report.batches} import "
            "record(s) deleted."
        )
