"""Opportunities: public lead form, routing (quality floor, same company, pause, opt-out),
accept / decline (decline passes on), the decision log and contact privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.exchange.models import (
    ExposureHistory,
    OfferStatus,
    Opportunity,
    OpportunityStatus,
    RoutingDecisionLog,
    RoutingShare,
)
from maillage.exchange.services import (
    exchange_preferences_update,
    member_pause,
    offer_accept,
    offer_decline,
    opportunity_create,
    opportunity_submit_public,
)
from maillage.members.models import Company
from maillage.members.services.profiles import profile_get_or_create

pytestmark = pytest.mark.django_db


def lead(personas, **kw):
    fields = {
        "space": personas.filature,
        "name": "Paul Client",
        "email": "paul@client.example",
        "title": "Relecture de contrats commerciaux",
        "description": "Juriste en droit des contrats pour relire nos CGV.",
        "ip": "203.0.113.9",
    }
    return opportunity_submit_public(**{**fields, **kw})


def test_a_lead_reaches_relevant_members_and_no_contact_leaks(
    personas, community, run_worker, committed
):
    with committed():
        opp = lead(personas)
    offers = list(opp.offers.all())
    reached = {o.member_id for o in offers}
    assert len(offers) == 3
    assert reached <= {community.anna.pk, community.basile.pk, personas.ines.pk, personas.hugo.pk}
    assert RoutingDecisionLog.objects.get(opportunity=opp).explanation_en
    run_worker()
    to_members = [m for m in mail.outbox if m.to[0] != "paul@client.example"]
    assert len(to_members) == 3
    assert all("paul@client.example" not in m.body for m in to_members)
    assert Activity.objects.filter(kind=ActivityKind.OPPORTUNITY_RECEIVED).count() == 3


def test_accepting_shares_contacts_both_ways_and_withdraws_the_others(
    personas, community, run_worker, committed
):
    with committed():
        opp = lead(personas)
    run_worker()
    mail.outbox.clear()
    first, *others = opp.offers.select_related("member__user")
    with committed():
        offer_accept(offer=first, member=first.member)
    run_worker()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "paul@client.example" in by_to[first.member.user.email].body
    assert first.member.user.email in by_to["paul@client.example"].body
    assert {o.status for o in opp.offers.exclude(pk=first.pk)} == {OfferStatus.WITHDRAWN}
    with pytest.raises(DomainError, match="already taken"):
        offer_accept(offer=others[0], member=others[0].member)


def test_a_decline_passes_the_lead_on(personas, community, committed):
    opp = lead(personas)
    shown = {o.member_id for o in opp.offers.all()}
    first = opp.offers.first()
    log = offer_decline(offer=first, member=first.member)
    assert log.kind == "pass_on"
    now_offered = {o.member_id for o in opp.offers.filter(status=OfferStatus.OFFERED)}
    assert first.member_id not in now_offered
    assert len(now_offered) == 3  # the freed place went to the fourth lawyer
    assert len(now_offered - shown) == 1
    assert "declined" in " ".join(log.explanation_en)
    with pytest.raises(DomainError, match="already declined"):
        offer_decline(offer=first, member=first.member)


def test_expired_or_foreign_offers_are_refused(personas, community):
    opp = lead(personas)
    offer = opp.offers.first()
    with pytest.raises(DomainError, match="not offered to you"):
        offer_accept(offer=offer, member=community.chloe)
    with pytest.raises(DomainError, match="expired"):
        offer_accept(offer=offer, member=offer.member, now=timezone.now() + dt.timedelta(days=15))


def test_same_company_paused_and_opted_out_members_never_receive_it(personas, community):
    acme = Company.objects.create(operator=personas.ruche, name="Acme")
    for m in (community.anna,):
        p = profile_get_or_create(m)
        p.company = acme
        p.save()
    member_pause(by=personas.malik, member=community.basile, paused=True, reason="holidays")
    exchange_preferences_update(
        member=personas.hugo,
        wants_opportunities=False,
        opportunity_kinds=[],
        accepts_introductions=True,
    )
    opp = lead(personas, company="ACME")
    assert opp.requester_company_ref == acme
    assert [o.member_id for o in opp.offers.all()] == [personas.ines.pk]
    text = " ".join(RoutingDecisionLog.objects.get(opportunity=opp).explanation_en)
    assert "same company as the requester: 1" in text
    assert "paused: 1" in text
    assert "opted out of opportunities: 1" in text


def test_only_staff_of_the_space_pause_and_enter_leads(personas, community):
    with pytest.raises(DomainError):
        member_pause(by=personas.ines, member=community.anna, paused=True)
    with pytest.raises(DomainError):
        member_pause(by=personas.zoe, member=community.anna, paused=True)
    with pytest.raises(DomainError):
        opportunity_create(
            by=personas.ines,
            space=personas.filature,
            title="Appel d'offres",
            requester_name="X",
            requester_email="x@example.org",
        )
    opp = opportunity_create(
        by=personas.malik,
        space=personas.filature,
        title="Appel d'offres juridique",
        requester_name="Mairie",
        requester_email="marches@mairie.example",
        kind="tender",
        skills_text="droit des contrats",
    )
    assert opp.offers.count() == 3


def test_unknown_skills_and_bad_input_write_nothing(personas, community):
    with pytest.raises(DomainError, match="do not know the skill"):
        opportunity_create(
            by=personas.malik,
            space=personas.filature,
            title="Something",
            requester_name="X",
            requester_email="x@example.org",
            skills_text="zzqxw",
        )
    with pytest.raises(DomainError, match="valid email"):
        lead(personas, email="not-an-email")
    with pytest.raises(DomainError, match="few words"):
        lead(personas, title="  ", email="other@client.example")
    assert Opportunity.objects.count() == 0


def test_the_honeypot_and_the_rate_limit(personas, community):
    assert lead(personas, honeypot="http://spam.example") is None
    assert Opportunity.objects.count() == 0
    for i in range(4):
        lead(personas, email=f"p{i}@client.example")
    with pytest.raises(DomainError, match="Too many"):
        lead(personas, email="p9@client.example")


def test_history_of_exposure_and_relevance_is_persisted(personas, community):
    for i in range(3):
        lead(personas, email=f"c{i}@client.example", ip=f"198.51.100.{i}")
    histories = {h.member_id: h for h in ExposureHistory.objects.all()}
    lawyers = [community.anna.pk, community.basile.pk, personas.ines.pk, personas.hugo.pk]
    assert set(lawyers) <= set(histories)
    total_exposure = sum(h.cumulative_exposure for h in histories.values())
    total_relevance = sum(h.cumulative_relevance for h in histories.values())
    assert total_exposure == pytest.approx(3.0)
    assert total_relevance == pytest.approx(3.0)
    # Equal relevance: over three leads of three places each, everyone gets at least two.
    assert all(histories[m].opportunities_received >= 2 for m in lawyers), [
        (histories[m].opportunities_received, histories[m].cumulative_relevance) for m in lawyers
    ]
    assert RoutingShare.objects.count() == 12
    assert Opportunity.objects.filter(status=OpportunityStatus.OPEN).count() == 3


def test_a_member_asking_for_help_never_gets_their_own_lead_nor_their_colleagues(
    personas, community
):
    # Anna (a lawyer) sends a lead from the public form with her own address and no company:
    # she and Basile, her colleague at Acme, are left out; Ines and Hugo receive it.
    acme = Company.objects.create(operator=personas.ruche, name="Acme")
    for m in (community.anna, community.basile):
        p = profile_get_or_create(m)
        p.company = acme
        p.save()
    opp = lead(personas, email="Anna@Example.org")
    assert opp.requester_company_ref == acme
    assert {o.member_id for o in opp.offers.all()} == {personas.ines.pk, personas.hugo.pk}
    # A decline passes it on without ever reaching them either.
    offer = opp.offers.get(member=personas.ines)
    offer_decline(offer=offer, member=personas.ines)
    assert {o.member_id for o in opp.offers.filter(status=OfferStatus.OFFERED)} == {
        personas.hugo.pk
    }


def test_staff_entered_leads_keep_the_requesters_company_out_too(personas, community):
    acme = Company.objects.create(operator=personas.ruche, name="Acme")
    p = profile_get_or_create(community.anna)
    p.company = acme
    p.save()
    opp = opportunity_create(
        by=personas.malik,
        space=personas.filature,
        title="Relecture de contrats",
        requester_name="Client d'Acme",
        requester_email="client@acme.example",
        requester_company=" acme ",
        skills_text="droit des contrats",
    )
    assert opp.requester_company_ref == acme
    assert community.anna.pk not in {o.member_id for o in opp.offers.all()}
    text = " ".join(RoutingDecisionLog.objects.get(opportunity=opp).explanation_en)
    assert "same company as the requester: 1" in text


def test_routing_reads_the_boost_settings_at_each_routing(personas, community, settings):
    from maillage.exchange.routing import DEFAULT_POLICY
    from maillage.exchange.services.opportunities import routing_policy

    assert routing_policy() == DEFAULT_POLICY
    assert DEFAULT_POLICY.newcomer_boost > 0 and DEFAULT_POLICY.low_exposure_boost > 0
    settings.EXCHANGE_NEWCOMER_BOOST = 0
    settings.EXCHANGE_SHORTLIST_SIZE = 2
    assert routing_policy().newcomer_boost == 0 and routing_policy().k == 2
    assert lead(personas).offers.count() == 2


def test_every_lawyer_of_a_young_community_gets_leads_in_turn(personas, community):
    # The four lawyers all joined today: newcomers, all boosted alike, equally relevant.
    # Four leads of three places: each receives three (a boost given to everyone must not
    # turn routing back into "the same three, always").
    for i in range(4):
        lead(personas, email=f"c{i}@client.example", ip=f"198.51.100.{i}")
    lawyers = [community.anna, community.basile, personas.ines, personas.hugo]
    received = [ExposureHistory.objects.get(member=m).opportunities_received for m in lawyers]
    assert received == [3, 3, 3, 3]
