"""The authentication backends (Django's and allauth's), reading the account of each request
with SQL written once per process (core/sql.py) instead of compiling `User.objects.get(pk=…)`
every time. Logging in, passwords and permissions are theirs, unchanged."""

from __future__ import annotations

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

from maillage.core import sql


def _user(backend, user_id):
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    found = sql.select(model, [(model._meta.pk.name, "=", pk)])
    user = found[0] if found else None
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _user(self, user_id)


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    def get_user(self, user_id):
        return _user(self, user_id)
