"""The home page's "people you should meet" card, loaded by htmx after the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_defers_the_card_and_links_to_all_suggestions(community, login):
    client = login(community.p.ines)
    html = client.get("/").content.decode()
    assert 'hx-get="/home/people/"' in html
    assert 'href="/meet/"' in html
    # The suggestions themselves are not computed for the page.
    assert "Sarah Test" not in html


def test_the_card_lists_the_reciprocal_match_with_its_reason(community, login):
    client = login(community.p.ines)
    response = client.get("/home/people/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sarah Test" in html
    assert f'href="{reverse("profile_detail", args=[community.sarah.pk])}"' in html
    # Paul works for Inès's company: never suggested to her.
    assert "Paul Test" not in html


def test_the_card_needs_a_member(client, community, login):
    assert client.get("/home/people/").status_code == 302  # anonymous: to the log-in page
    login(UserFactory(email="nobody@example.org"))  # an account in no community
    assert client.get("/home/people/").status_code == 404
