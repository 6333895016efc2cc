"""A small community for the matching tests, on top of the personas.

Inès (La Filature) needs help with a skill Sarah (La Filature) offers, and Sarah needs one Inès
has; Hugo (Le Quai) has a skill Inès needs too. Paul works for Inès's company.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from maillage.core.models import Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.members.models import Company, Interest, Need, Offer, Profile, SkillConcept


def add_offer(profile, concept):
    offer = Offer.objects.create(profile=profile, title=f"Aide en {concept.label_fr}")
    offer.skills.add(concept)
    return offer


def add_need(profile, concept):
    need = Need.objects.create(profile=profile, title=f"Besoin : {concept.label_fr}")
    need.skills.add(concept)
    return need


@pytest.fixture
def community(personas):
    concepts = list(SkillConcept.objects.filter(kind="skill").order_by("pk")[:4])
    law, design, dev, compta = concepts
    interests = list(Interest.objects.order_by("pk")[:2])

    def member(first, space, role=Role.MEMBER):
        user = UserFactory(email=f"{first.lower()}@example.org", full_name=f"{first} Test")
        return MemberFactory(user=user, home_space=space, role=role)

    sarah = member("Sarah", personas.filature)
    paul = member("Paul", personas.filature)
    company = Company.objects.create(operator=personas.ruche, name="Atelier Moreau")
    ines_p = Profile.objects.create(member=personas.ines, company=company, open_to_coffee=True)
    sarah_p = Profile.objects.create(member=sarah, open_to_lunch=True)
    paul_p = Profile.objects.create(member=paul, company=company, open_to_coffee=True)
    hugo_p = Profile.objects.create(member=personas.hugo, open_to_coffee=True)
    add_need(ines_p, law)
    add_offer(ines_p, design)
    ines_p.skills.create(concept=design, level=4)
    add_offer(sarah_p, law)
    add_need(sarah_p, design)
    sarah_p.skills.create(concept=law, level=4)
    # Paul, Inès's colleague, is a perfect match on paper: never suggested to her.
    add_offer(paul_p, law)
    add_need(paul_p, design)
    hugo_p.skills.create(concept=law, level=3)
    add_need(hugo_p, design)
    for p in (ines_p, sarah_p):
        p.interests.set(interests)
    return SimpleNamespace(
        p=personas,
        sarah=sarah,
        paul=paul,
        law=law,
        design=design,
        dev=dev,
        compta=compta,
        profiles={"ines": ines_p, "sarah": sarah_p, "paul": paul_p, "hugo": hugo_p},
    )
