"""The reads of every request written in SQL once (core/sql.py): the session, the account and
the viewer's records come back exactly as the ORM reads them, on SQLite and PostgreSQL, and
the rules around them (expiry, inactive accounts, logging out) still hold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from maillage.core import sql
from maillage.core.sessions import SessionStore
from maillage.members.auth import AuthenticationBackend, ModelBackend

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_select_reads_what_the_orm_reads(personas):
    User = get_user_model()
    for member in (personas.ines, personas.claire, personas.zoe):
        (fast,) = sql.select(User, [("id", "=", member.user_id)])
        reference = User.objects.get(pk=member.user_id)
        assert fields(fast) == fields(reference)
        assert not fast._state.adding and fast._state.db == reference._state.db
    assert sql.select(User, [("id", "=", 0)]) == []
    with pytest.raises(ValueError, match="unsupported operator"):
        sql.select(User, [("id", "IN", 1)])


def test_the_session_store_reads_a_session_and_forgets_an_expired_one():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    again = SessionStore(store.session_key)
    assert again["answer"] == 42 and again.session_key == store.session_key
    assert fields(again._get_session_from_db()) == fields(
        Session.objects.get(session_key=store.session_key)
    )
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert "answer" not in expired and expired.session_key is None
    assert "answer" not in SessionStore("x" * 32)


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_backends_read_the_account_and_refuse_an_inactive_one(personas, backend):
    user = backend().get_user(personas.ines.user_id)
    assert fields(user) == fields(get_user_model().objects.get(pk=personas.ines.user_id))
    assert backend().get_user(str(personas.ines.user_id)).pk == personas.ines.user_id
    assert backend().get_user("not a number") is None
    assert backend().get_user(0) is None
    get_user_model().objects.filter(pk=personas.ines.user_id).update(is_active=False)
    assert backend().get_user(personas.ines.user_id) is None


def test_a_logged_in_member_stays_logged_in_and_logging_out_ends_it(client, personas):
    from maillage.core.tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"login": personas.ines.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/bookings/").status_code == 200  # the session and account read back
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=cookie).exists()
    client.cookies["sessionid"] = cookie  # a stolen cookie after logging out
    response = client.get("/bookings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_select_orders_limits_and_reads_null_as_the_orm_does(personas):
    from maillage.core.models import Space

    spaces = Space.objects.filter(operator=personas.ruche)
    fast = sql.select(Space, [("operator", "=", personas.ruche.pk)], order_by=["-name"], limit=2)
    assert [fields(s) for s in fast] == [fields(s) for s in spaces.order_by("-name")[:2]]
    fast = sql.select(Space, [("operator", "=", personas.ruche.pk)], order_by=["name"])
    assert [s.pk for s in fast] == list(spaces.order_by("name").values_list("pk", flat=True))
    # "=" with None is IS NULL (as the ORM's filter(x=None)), not "= NULL" (never true).
    User = get_user_model()
    never = User.objects.filter(pk=personas.ines.user_id).update(last_login=None)
    assert never == 1
    found = sql.select(User, [("id", "=", personas.ines.user_id), ("last_login", "=", None)])
    assert [u.pk for u in found] == [personas.ines.user_id]


def test_the_spaces_staff_manage_read_once_equal_the_gates_queryset(personas):
    from maillage.core import access

    for who in (personas.claire, personas.malik, personas.zoe):
        viewer = access.viewer_for_user(who.user)
        listed = access.spaces_managed_list(viewer, who.operator_id)
        reference = access.spaces_managed_by(viewer, who.operator_id).order_by("name", "pk")
        assert [fields(s) for s in listed] == [fields(s) for s in reference]
        assert all(s.operator is not None and s.operator.pk == who.operator_id for s in listed)
    # A manager sees the spaces they run only; a member, none (the gate refuses).
    malik = access.viewer_for_user(personas.malik.user)
    assert [s.name for s in access.spaces_managed_list(malik, personas.ruche.pk)] == ["La Filature"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        access.spaces_managed_list(access.viewer_for_user(personas.ines.user), personas.ruche.pk)
