"""The Entraide page (asks for you, the community's board), an ask's page right after it is
published, and the staff's opportunities and audit pages, as people read them (French
included: agreements, numbers, months)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from maillage.exchange.models import Ask, Opportunity, Outcome, RoutingDecisionLog
from maillage.exchange.services import ask_post, offer_decline, opportunity_submit_public
from maillage.exchange.views import AUDIT_PAGE_SIZE, BOARD_PAGE_SIZE
from maillage.members.services.profiles import profile_get_or_create

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def in_french(*members, language="fr"):
    for member in members:
        member.user.language = language
        member.user.save(update_fields=["language"])


def asks(author, n, *, title="Besoin", start=None):
    """`n` open asks of `author`, one a minute apart (the last one newest)."""
    start = start or timezone.now() - dt.timedelta(days=1)
    return Ask.objects.bulk_create(
        Ask(
            operator_id=author.operator_id,
            space_id=author.home_space_id,
            author=author,
            title=f"{title} {i}",
            created_at=start + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


def titles(page) -> list[str]:
    return [a.title for a in page.context["board"].object_list]


# --- the community's board ----------------------------------------------------------------


def test_the_board_shows_the_communitys_open_asks_newest_first(personas, community, login):
    asks(community.chloe, 2, title="Filature")
    asks(personas.hugo, 1, title="Quai", start=timezone.now() - dt.timedelta(hours=1))
    asks(personas.zoe, 1, title="Grenier")  # another operator
    closed = asks(community.david, 1, title="Fermée")[0]
    Ask.objects.filter(pk=closed.pk).update(status="closed")
    page = login(personas.ines).get(reverse("exchange_home"))
    assert titles(page) == ["Quai 0", "Filature 1", "Filature 0"]
    assert "s board</h2>" in page.content.decode()


def test_the_board_hides_the_asks_of_members_the_viewer_may_not_see(personas, community, login):
    asks(community.chloe, 1, title="Listed")
    asks(community.david, 1, title="Unlisted")
    profile = profile_get_or_create(community.david)
    profile.listed = False
    profile.save()
    page = login(personas.ines).get(reverse("exchange_home"))
    assert titles(page) == ["Listed 0"]
    assert "Unlisted 0" not in page.content.decode()
    # Staff of the space still see it, as they see David's profile.
    assert "Unlisted 0" in titles(login(personas.malik).get(reverse("exchange_home")))
    # David sees his own ask.
    assert "Unlisted 0" in titles(login(community.david).get(reverse("exchange_home")))


def test_asks_for_you_hide_authors_the_viewer_may_not_see(personas, community, login):
    ask = ask_post(author=community.chloe, title="Relire un contrat", skills="droit des contrats")
    assert ask.title in login(personas.ines).get(reverse("exchange_home")).content.decode()
    profile = profile_get_or_create(community.chloe)
    profile.listed = False
    profile.save()
    page = login(personas.ines).get(reverse("exchange_home"))
    assert page.context["open_asks"] == []
    assert ask.title not in page.content.decode()


def test_the_board_filters_by_space_and_is_paginated(personas, community, login):
    asks(community.chloe, BOARD_PAGE_SIZE + 1, title="Filature")
    asks(personas.hugo, 1, title="Quai")
    client = login(personas.ines)
    first = client.get(reverse("exchange_home"))
    board = first.context["board"]
    assert board.paginator.count == BOARD_PAGE_SIZE + 2
    assert len(board.object_list) == BOARD_PAGE_SIZE
    quai = client.get(reverse("exchange_home"), {"space": personas.quai.pk})
    assert titles(quai) == ["Quai 0"]
    filature = client.get(reverse("exchange_home"), {"space": personas.filature.pk, "page": 2})
    assert titles(filature) == ["Filature 0"]
    # The pagination links keep the space.
    assert f"?space={personas.filature.pk}&amp;page=1" in filature.content.decode()
    # A space of another operator, or nonsense, is no filter.
    other = client.get(reverse("exchange_home"), {"space": personas.grenier_space.pk})
    assert other.context["space"] is None
    assert client.get(reverse("exchange_home"), {"space": "x", "page": "y"}).status_code == 200


def test_empty_states_say_what_to_do_next(personas, community, login):
    in_french(community.chloe, language="en")
    page = login(community.chloe).get(reverse("exchange_home")).content.decode()
    assert "Say how you can help." in page  # no skill, no offer yet
    assert reverse("profile_edit") in page
    assert "No open ask in the community for now." in page
    assert reverse("exchange_ask_new") in page
    page = login(personas.ines).get(reverse("exchange_home")).content.decode()
    assert "No open ask fits your offers and skills right now." in page  # Inès is a lawyer
    quai = login(personas.ines).get(reverse("exchange_home"), {"space": personas.quai.pk})
    assert "No open ask at Le Quai for now." in quai.content.decode()


# --- an ask's page ------------------------------------------------------------------------


def post_ask(client):
    return client.post(
        reverse("exchange_ask_new"),
        {"title": "Relire mes CGV", "skills": "droit des contrats", "terms": "exchange"},
        follow=True,
    )


def test_an_ask_just_published_is_confirmed_and_explains_its_helpers(personas, community, login):
    response = post_ask(login(personas.hugo))
    text = response.content.decode()
    assert "Your ask is published" in text
    assert reverse("exchange_home") in text and "Back to Mutual help" in text
    # Anna offers « Relecture de contrats »: a strong fit, said in words, not as a score.
    assert "Anna Test" in text and "strong fit" in text
    assert f"Offers «{NBSP}Relecture de contrats{NBSP}»" in text
    assert not re.search(r"relevance \d", text)
    assert not re.search(r"fit \d", text)


def test_staff_see_the_score_of_the_helpers_of_their_own_ask(personas, community, login):
    text = post_ask(login(personas.malik)).content.decode()
    assert "strong fit" in text
    assert re.search(r"relevance \d\.\d\d", text)


def test_an_ask_reads_well_in_french(personas, community, login):
    in_french(personas.hugo)
    text = post_ask(login(personas.hugo)).content.decode()
    assert "Votre demande est publiée" in text
    assert ">ouverte</span>" in text and ">ouvert</span>" not in text
    assert f"Compétences{NBSP}: droit des contrats" in text
    assert "Retour à l’Entraide" in text
    assert "pertinence" not in text


# --- staff: opportunities and the audit ---------------------------------------------------


def lead(personas, n=0, **kw):
    return opportunity_submit_public(
        space=kw.pop("space", personas.filature),
        name="Paul",
        email=f"paul{n}@client.example",
        title=kw.pop("title", "Relecture de contrats"),
        description="droit des contrats",
        ip=f"192.0.2.{n + 10}",
        **kw,
    )


def test_the_opportunities_list_agrees_in_french_and_groups_thousands(personas, community, login):
    opp = lead(personas)
    taken = lead(personas, 1, space=personas.quai)
    Opportunity.objects.filter(pk=taken.pk).update(status="taken")
    for amount in ("2000", "1500"):
        Outcome.objects.create(
            operator=personas.ruche,
            space=personas.filature,
            opportunity=opp,
            provider=community.anna,
            recorded_by=community.anna,
            terms="paid",
            amount=Decimal(amount),
            satisfaction=5,
        )
    in_french(personas.claire)
    text = login(personas.claire).get(reverse("exchange_staff_opportunities")).content.decode()
    assert f"3{NBSP}500{NBSP}€ sur 2 résultats" in text
    assert ">ouverte</span>" in text and ">prise</span>" in text
    assert "résultat(s)" not in text and ">ouvert</span>" not in text


def test_the_opportunities_list_filters_by_status_and_space(personas, community, login):
    lead(personas)
    taken = lead(personas, 1, space=personas.quai, title="Contrat au Quai")
    Opportunity.objects.filter(pk=taken.pk).update(status="taken")
    client = login(personas.claire)
    url = reverse("exchange_staff_opportunities")
    assert len(client.get(url).context["opportunities"]) == 2
    by_status = client.get(url, {"status": "taken"})
    assert [o.pk for o in by_status.context["opportunities"]] == [taken.pk]
    by_space = client.get(url, {"space": personas.filature.pk})
    assert [o.space_id for o in by_space.context["opportunities"]] == [personas.filature.pk]
    nothing = client.get(url, {"status": "taken", "space": personas.filature.pk})
    assert "No opportunity matches these filters." in nothing.content.decode()
    assert client.get(url, {"status": "nonsense", "space": "x"}).status_code == 200


def test_the_audit_names_its_months_and_is_paginated(personas, community, login):
    opp = lead(personas)
    in_french(personas.claire)
    text = login(personas.claire).get(reverse("exchange_staff_audit")).content.decode()
    with translation.override("fr"):
        month = formats.date_format(timezone.localtime(opp.created_at), "F Y")
    assert f"{month}{NBSP}: " in text
    assert not re.search(r"\d{4}-\d{2}:", text)
    # 25 decisions a page: copies of the first one make three pages.
    first = RoutingDecisionLog.objects.get()
    for _ in range(AUDIT_PAGE_SIZE + 5):
        first.pk = None
        first.save()
    client = login(personas.claire)
    page_one = client.get(reverse("exchange_staff_audit"))
    assert len(page_one.context["recent"]) == AUDIT_PAGE_SIZE
    page_two = client.get(reverse("exchange_staff_audit"), {"page": 2})
    assert len(page_two.context["recent"]) == 6
    assert page_two.content.decode().count('data-testid="decision"') == 6


def test_decisions_count_ranks_from_one_also_after_a_decline(personas, community):
    opp = lead(personas)
    offer = opp.offers.select_related("member").first()
    offer_decline(offer=offer, member=offer.member)
    for log in RoutingDecisionLog.objects.filter(opportunity=opp):
        lines = " ".join(log.explanation_en + log.explanation_fr)
        assert not re.search(r"\b(rank|rang) 0\b", lines), lines
        assert re.search(r"\b(rank|rang) [1-9]", lines), lines


def test_pausing_from_the_audit_keeps_the_page_and_offers_to_resume(personas, community, login):
    lead(personas)
    client = login(personas.malik)
    member = RoutingDecisionLog.objects.get().shortlist[0]
    response = client.post(
        reverse("exchange_staff_pause", args=[member]), {"paused": "1", "members": "1"}
    )
    assert response.url == reverse("exchange_staff_audit") + "?members=1"
    page = client.get(reverse("exchange_staff_audit"))
    row = next(r for r in page.context["rows"] if r.member.pk == member)
    assert row.paused
    assert ">Resume</button>" in page.content.decode()


def test_the_value_card_says_since_when_it_counts(personas, login):
    """The member's value created counts every outcome since they joined, and says so (the
    home page's "this month" and the engagement card's "last 3 months" say theirs)."""
    joined = personas.ines.joined_on
    with translation.override("en"):
        page = login(personas.ines).get(reverse("exchange_home")).content.decode()
        assert f"Since you joined, {formats.date_format(joined, 'j F Y')}" in page


def test_an_ask_matching_several_of_the_members_skills_is_listed_once(personas, community, login):
    from maillage.exchange.tests.conftest import concept
    from maillage.members.services.profiles import profile_skill_add

    profile_skill_add(
        profile=profile_get_or_create(personas.ines), concept=concept("comptabilité"), level=3
    )
    ask = ask_post(
        author=community.chloe, title="Statuts et bilan", skills="droit des contrats, comptabilité"
    )
    assert ask.concepts.count() == 2
    page = login(personas.ines).get(reverse("exchange_home"))
    assert [a.pk for a in page.context["open_asks"]] == [ask.pk]
    home = login(personas.ines).get("/")
    assert [a.pk for a in home.context["open_asks"]] == [ask.pk]


def test_asks_for_you_follow_the_members_offers_and_skip_what_is_not_for_them(personas, community):
    """`open_asks_for` (the home page's card, one query written by hand): an offer's concepts
    count while it is published; the member's own asks, closed asks and other communities'
    asks never show; newest first, at most `limit`."""
    from maillage.exchange.selectors import open_asks_for
    from maillage.exchange.tests.conftest import concept
    from maillage.members.services.profiles import offer_publish, offer_withdraw

    ines = personas.ines
    offer = offer_publish(
        profile=profile_get_or_create(ines), title="Traductions", skills=[concept("traduction")]
    )
    older = ask_post(author=community.chloe, title="Traduire un site", skills="traduction")
    newer = ask_post(author=community.david, title="Relire un contrat", skills="droit des contrats")
    ask_post(author=ines, title="Mon propre besoin", skills="droit des contrats")
    closed = ask_post(author=community.anna, title="Déjà réglé", skills="droit des contrats")
    Ask.objects.filter(pk=closed.pk).update(status="closed")
    ask_post(author=personas.zoe, title="Au Grenier", skills="droit des contrats")
    Ask.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))

    assert [a.pk for a in open_asks_for(ines)] == [newer.pk, older.pk]
    assert [a.pk for a in open_asks_for(ines, limit=1)] == [newer.pk]
    found = open_asks_for(ines)[0]
    # Author, account and spaces come with the ask (the card shows them without more queries).
    assert found.author.user.full_name == "David Test"
    assert found.space == personas.filature and found.author.home_space == personas.filature

    offer_withdraw(offer=offer)
    assert [a.pk for a in open_asks_for(ines)] == [newer.pk]
