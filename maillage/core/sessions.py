"""Django's database sessions, read with SQL written once per process (core/sql.py): the
session is the first read of every logged-in request. Everything else (saving, expiry,
cycling keys, clearing expired sessions) is Django's own `db` engine."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from maillage.core import sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            found = sql.select(
                self.model,
                [("session_key", "=", self.session_key), ("expire_date", ">", timezone.now())],
            )
        except SuspiciousOperation as exc:  # as Django's engine does
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            found = []
        if not found:
            self._session_key = None
            return None
        return found[0]
