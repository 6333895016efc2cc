"""The admin site: operator admins see their own operator's raw records only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_opens_the_admin_to_an_operator_admin_with_her_records_only(login, personas):
    client = login(personas.claire)
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/core/member/").content.decode()
    assert "ines@example.org" in page or "Ines Moreau" in page
    assert "Zoe Martin" not in page
    assert client.get(f"/admin/core/member/{personas.zoe.pk}/change/").status_code in (302, 404)


def test_it_keeps_the_ledger_read_only_in_the_admin(login, personas):
    client = login(personas.claire)
    assert client.get("/admin/core/activity/add/").status_code == 403


def test_it_closes_the_admin_to_members_and_managers(login, personas):
    for who in (personas.ines, personas.malik):
        response = login(who).get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_it_keeps_another_operators_admin_out_of_our_records(login, personas):
    client = login(personas.zoe)
    page = client.get("/admin/core/member/").content.decode()
    assert "Ines Moreau" not in page
    assert client.get(f"/admin/core/space/{personas.filature.pk}/change/").status_code in (302, 404)
