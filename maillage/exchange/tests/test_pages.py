"""The exchange through its pages, for each persona."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from maillage.exchange.models import (
    Ask,
    AskStatus,
    Introduction,
    OfferStatus,
    Opportunity,
    Outcome,
)
from maillage.exchange.selectors import value_for_member, value_for_operator, value_for_space
from maillage.exchange.services import ask_post, opportunity_submit_public
from maillage.members.services.profiles import profile_get_or_create

pytestmark = pytest.mark.django_db


def test_the_introduction_contract_url(personas, community, login, run_worker, committed):
    client = login(personas.hugo)
    url = reverse("exchange_introduction_new") + f"?to={community.anna.pk}"
    assert url == f"/me/introductions/new/?to={community.anna.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert b"anna@example.org" not in page.content
    with committed():
        response = client.post(url, {"note": "Une question de contrat"})
    intro = Introduction.objects.get()
    assert response.status_code == 302
    assert (intro.a, intro.b, intro.by) == (personas.hugo, community.anna, personas.hugo)
    run_worker()
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    # Anna sees the request, without Hugo's email, and accepts.
    anna = login(community.anna)
    detail = anna.get(reverse("exchange_introduction", args=[intro.pk]))
    assert b"hugo@example.org" not in detail.content
    with committed():
        anna.post(reverse("exchange_introduction", args=[intro.pk]), {"action": "accept"})
    detail = anna.get(reverse("exchange_introduction", args=[intro.pk]))
    assert b"hugo@example.org" in detail.content
    # A second request is refused with a message, not a 500.
    again = login(personas.hugo).post(url, {"note": ""})
    assert again.status_code == 400
    assert b"already connected" in again.content


def test_nobody_reaches_a_member_the_profile_gate_hides(personas, community, login):
    profile = profile_get_or_create(community.anna)
    profile.listed = False
    profile.save()
    url = reverse("exchange_introduction_new") + f"?to={community.anna.pk}"
    assert login(personas.hugo).get(url).status_code == 404
    assert login(personas.zoe).get(url).status_code == 404
    assert (
        login(personas.zoe).get(reverse("exchange_introduction_new") + "?to=x").status_code == 404
    )


def test_an_introduction_asked_from_my_ask_says_which(personas, community, login):
    ask = ask_post(author=personas.hugo, title="Relire un bail commercial")
    client = login(personas.hugo)
    url = reverse("exchange_introduction_new") + f"?to={community.anna.pk}&ask={ask.pk}"
    page = client.get(url)
    assert page.context["ask"] == ask
    assert page.context["form"]["note"].value() == "About my ask “Relire un bail commercial”: "
    # Someone else's ask gives no context to borrow.
    other = ask_post(author=personas.ines, title="Un logo")
    page = client.get(
        reverse("exchange_introduction_new") + f"?to={community.anna.pk}&ask={other.pk}"
    )
    assert page.context["ask"] is None and not page.context["form"]["note"].value()
    assert (
        client.get(
            reverse("exchange_introduction_new") + f"?to={community.anna.pk}&ask=x"
        ).status_code
        == 404
    )


def test_an_introduction_is_private_to_its_people(personas, community, login):
    url = reverse("exchange_introduction_new") + f"?to={community.anna.pk}"
    login(personas.ines).post(url, {"note": ""})
    intro = Introduction.objects.get()
    assert (
        login(personas.hugo).get(reverse("exchange_introduction", args=[intro.pk])).status_code
        == 404
    )
    assert (
        login(community.anna).get(reverse("exchange_introduction", args=[intro.pk])).status_code
        == 200
    )


def test_a_visitor_submits_a_lead_on_the_space_page(personas, community, client):
    page = client.get(reverse("space_public", args=["la-filature"]))
    assert reverse("exchange_public_lead", args=["la-filature"]).encode() in page.content
    url = reverse("exchange_public_lead", args=["la-filature"])
    bad = client.post(url, {"title": "", "name": "Paul", "email": "nope", "kind": "client"})
    assert bad.status_code == 400
    assert Opportunity.objects.count() == 0
    ok = client.post(
        url,
        {
            "title": "Relecture de contrats",
            "description": "droit des contrats",
            "name": "Paul",
            "email": "paul@client.example",
            "kind": "client",
        },
    )
    assert ok.status_code == 200
    assert Opportunity.objects.get().offers.count() == 3


def test_offer_page_shows_contact_only_after_accepting(personas, community, login):
    opp = opportunity_submit_public(
        space=personas.filature,
        name="Paul",
        email="paul@client.example",
        title="Relecture de contrats",
        description="droit des contrats",
    )
    offer = opp.offers.select_related("member").first()
    client = login(offer.member)
    url = reverse("exchange_offer", args=[offer.pk])
    assert b"paul@client.example" not in client.get(url).content
    other = next(
        m
        for m in (personas.hugo, personas.ines, community.anna, community.basile)
        if m != offer.member
    )
    if not opp.offers.filter(member=other).exists():
        assert login(other).get(url).status_code == 404
    client = login(offer.member)
    client.post(url, {"action": "accept"})
    assert b"paul@client.example" in client.get(url).content
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    response = client.post(
        reverse("exchange_outcome_new") + f"?opportunity={opp.pk}",
        {"terms": "paid", "amount": "450", "satisfaction": "5"},
    )
    assert response.status_code == 302
    assert Outcome.objects.get().amount == 450
    assert value_for_operator(personas.ruche.pk).business == 450


def test_staff_pages_are_for_staff_of_the_operator(personas, community, login):
    opportunity_submit_public(
        space=personas.filature,
        name="Paul",
        email="paul@client.example",
        title="Relecture de contrats",
        description="droit des contrats",
    )
    opp = Opportunity.objects.get()
    for name in ("exchange_staff_opportunities", "exchange_staff_audit"):
        assert login(personas.malik).get(reverse(name)).status_code == 200
        assert login(personas.ines).get(reverse(name)).status_code == 403
    audit = login(personas.claire).get(reverse("exchange_staff_audit"))
    assert "chosen for relevance" in audit.content.decode()
    detail = reverse("exchange_staff_opportunity", args=[opp.pk])
    assert login(personas.malik).get(detail).status_code == 200
    assert login(personas.zoe).get(detail).status_code == 404


def test_an_ask_from_post_to_outcome(personas, community, login, run_worker, committed):
    ines = login(personas.ines)
    response = ines.post(
        reverse("exchange_ask_new"),
        {
            "title": "Je cherche un·e juriste pour relire mes CGV",
            "skills": "droit des contrats",
            "terms": "exchange",
        },
    )
    ask = Ask.objects.get()
    assert response.status_code == 302
    page = ines.get(reverse("exchange_ask", args=[ask.pk])).content.decode()
    assert "Anna Test" in page and "Relecture de contrats" in page  # ranked, with the reason
    # Anna sees it on her home page and offers her help.
    anna = login(community.anna)
    assert ask.title in anna.get(reverse("home")).content.decode()
    with committed():
        anna.post(reverse("exchange_ask_action", args=[ask.pk, "help"]), {"note": "Avec plaisir"})
    ines = login(personas.ines)
    with committed():
        ines.post(
            reverse("exchange_ask_action", args=[ask.pk, "pick"]), {"member": community.anna.pk}
        )
    ask.refresh_from_db()
    assert ask.status == AskStatus.MATCHED and ask.helper == community.anna
    with committed():
        ines.post(
            reverse("exchange_ask_action", args=[ask.pk, "message"]),
            {"body": "Merci ! Voici mes CGV."},
        )
    # The conversation is private: Hugo may read the ask but not the conversation.
    hugo_page = login(personas.hugo).get(reverse("exchange_ask", args=[ask.pk])).content.decode()
    assert "Voici mes CGV" not in hugo_page
    run_worker()
    assert any(m.to == ["anna@example.org"] and "Voici mes CGV" in m.body for m in mail.outbox)
    ines = login(personas.ines)
    ines.post(
        reverse("exchange_outcome_new") + f"?ask={ask.pk}",
        {
            "terms": "exchange",
            "exchange_note": "Des photos contre la relecture",
            "satisfaction": "4",
        },
    )
    assert value_for_member(community.anna)["given"].outcomes == 1
    assert value_for_member(personas.ines)["received"].exchanges == 1
    assert value_for_space(personas.filature.pk).outcomes == 1


def test_bad_asks_get_clear_messages(personas, community, login):
    ines = login(personas.ines)
    for data, message in [
        ({"title": "", "terms": "paid"}, "This field is required"),
        ({"title": "Un juriste svp", "skills": "zzqxw", "terms": "paid"}, "do not know the skill"),
        ({"title": "Espèce de connard", "terms": "paid"}, "courteous"),
    ]:
        response = ines.post(reverse("exchange_ask_new"), data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Ask.objects.count() == 0
    ask = ask_post(author=personas.ines, title="Un graphiste pour un logo", skills="graphisme")
    assert login(personas.zoe).get(reverse("exchange_ask", args=[ask.pk])).status_code == 404


def test_a_manager_introduces_two_members(personas, community, login, run_worker, committed):
    client = login(personas.malik)
    url = reverse("exchange_staff_introduction_new")
    assert client.get(url).status_code == 200
    assert login(personas.ines).get(url).status_code == 403
    client = login(personas.malik)
    same = client.post(url, {"a": personas.ines.pk, "b": personas.ines.pk})
    assert same.status_code == 400
    assert "themselves" in same.content.decode(), same.context["form"].errors
    with committed():
        response = client.post(
            url, {"a": personas.ines.pk, "b": community.anna.pk, "note": "Contrats"}
        )
    intro = Introduction.objects.get()
    assert response.status_code == 302
    assert (intro.by, intro.source) == (personas.malik, "staff")
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "ines@example.org"]
    assert all("Malik" in m.body for m in mail.outbox)


LEAD = {
    "title": "Relecture de contrats",
    "description": "droit des contrats",
    "name": "Paul",
    "email": "paul@client.example",
    "kind": "client",
}


def test_spam_on_the_public_form_is_kept_out_with_clear_messages(personas, community, client):
    url = reverse("exchange_public_lead", args=["la-filature"])
    # A bot fills the hidden field: it is thanked like a person, and nothing is kept.
    bot = client.post(url, {**LEAD, "website": "http://spam.example"})
    assert bot.status_code == 200
    assert Opportunity.objects.count() == 0
    # Three requests a day per address, five an hour per connection: then a message.
    for _ in range(2):
        assert client.post(url, LEAD).status_code == 200
    again = client.post(url, LEAD)
    assert again.status_code == 400
    assert "Too many requests for this email address today" in again.content.decode()
    # (a refused request is not counted: the bot and three accepted ones so far)
    for other in ("other", "third"):
        assert client.post(url, {**LEAD, "email": f"{other}@client.example"}).status_code == 200
    flood = client.post(url, {**LEAD, "email": "fourth@client.example"})
    assert flood.status_code == 400
    assert "Too many requests from your connection" in flood.content.decode()
    assert Opportunity.objects.count() == 4
    assert client.get(reverse("exchange_public_lead", args=["nowhere"])).status_code == 404


def test_an_empty_or_unknown_lead_gets_a_message_and_no_member_details(personas, community, client):
    url = reverse("exchange_public_lead", args=["la-filature"])
    empty = client.post(url, {**LEAD, "title": "   "})
    assert empty.status_code == 400
    # Nobody's skills fit: the visitor is told so on the page, without anyone's details.
    page = client.post(url, {**LEAD, "title": "Dressage de lamas", "description": ""})
    assert page.status_code == 200
    assert Opportunity.objects.get().status == "unmatched"
    text = page.content.decode()
    assert "No member's skills fit" in text
    for member in (community.anna, community.basile, personas.ines, personas.hugo):
        assert member.user.email not in text and member.user.full_name not in text


def test_accepting_a_taken_or_expired_lead_says_so_and_shares_nothing(personas, community, login):
    opp = opportunity_submit_public(
        space=personas.filature, ip="192.0.2.1", **{k: v for k, v in LEAD.items() if k != "kind"}
    )
    first, second, *_ = opp.offers.select_related("member__user")
    login(first.member).post(reverse("exchange_offer", args=[first.pk]), {"action": "accept"})
    client = login(second.member)
    url = reverse("exchange_offer", args=[second.pk])
    assert "Another member has already taken" in client.get(url).content.decode()
    response = client.post(url, {"action": "accept"}, follow=True)
    text = response.content.decode()
    assert "Another member has already taken this opportunity" in text
    assert "paul@client.example" not in text
    second.refresh_from_db()
    assert second.status == OfferStatus.WITHDRAWN
    # An expired lead: the page says so instead of offering buttons that would fail.
    late = opportunity_submit_public(
        space=personas.filature,
        ip="192.0.2.2",
        **{**{k: v for k, v in LEAD.items() if k != "kind"}, "email": "late@client.example"},
    )
    Opportunity.objects.filter(pk=late.pk).update(expires_at=late.created_at)
    offer = late.offers.select_related("member").first()
    client = login(offer.member)
    url = reverse("exchange_offer", args=[offer.pk])
    page = client.get(url).content.decode()
    assert "This opportunity has expired" in page and 'value="accept"' not in page
    text = client.post(url, {"action": "accept"}, follow=True).content.decode()
    assert "This opportunity has expired" in text and "late@client.example" not in text


def test_only_the_member_offered_a_lead_records_its_outcome(personas, community, login):
    opp = opportunity_submit_public(
        space=personas.filature, ip="192.0.2.3", **{k: v for k, v in LEAD.items() if k != "kind"}
    )
    url = reverse("exchange_outcome_new") + f"?opportunity={opp.pk}"
    assert login(community.chloe).get(url).status_code == 404
    assert login(personas.zoe).get(url).status_code == 404
    offered = opp.offers.select_related("member").first().member
    assert login(offered).get(url).status_code == 200


def test_staff_pause_only_members_they_may_change(personas, community, login):
    url = reverse("exchange_staff_pause", args=[community.anna.pk])
    assert login(personas.zoe).post(url, {"paused": "1"}).status_code in (403, 404)
    assert login(personas.ines).post(url, {"paused": "1"}).status_code == 403
    assert login(personas.malik).post(url, {"paused": "1"}).status_code == 302
    community.anna.refresh_from_db()
    assert community.anna.exchange_pref.paused_at is not None
