"""The fixed part of the demo: the personas of DESIGN.md, their operators and spaces.

Addresses are plausible but invented; emails use reserved `.example` domains; phone numbers use
the range ARCEP reserves for fiction (04 65 71 xx xx).
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.demo import vocabulary as words
from maillage.demo.network import (
    ADMIN,
    COWORKER,
    MANAGER,
    MEMBER,
    TENANT,
    DemoOperator,
    DemoSpace,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def hours(opens: str, closes: str, saturday: tuple[str, str] | None = None) -> dict:
    """Opening hours, Monday to Friday, and maybe Saturday morning."""
    week = {day: [[opens, closes]] for day in WEEKDAYS}
    if saturday:
        week["sat"] = [list(saturday)]
    return week


HOURS_TEMPLATES = (
    hours("08:30", "19:00"),
    hours("08:30", "19:00", ("09:00", "13:00")),
    hours("08:00", "19:30"),
    hours("09:00", "18:30"),
)

RUCHE = DemoOperator(
    index=0,
    name="Ruche & Co",
    slug="ruche-and-co",
    website="https://ruche.example",
    contact_email="bonjour@ruche.example",
    description=(
        "Ruche & Co anime des tiers-lieux à Lyon et Villeurbanne : des espaces de travail "
        "partagés où indépendants, petites équipes et associations se rencontrent, s'entraident "
        "et font affaire ensemble."
    ),
)
GRENIER = DemoOperator(
    index=1,
    name="Le Grenier",
    slug="le-grenier",
    website="https://grenier.example",
    contact_email="bonjour@grenier.example",
    description=(
        "Une association grenobloise qui fait vivre un coworking sous les toits, au pied de la "
        "Bastille."
    ),
)

FILATURE = DemoSpace(
    index=0,
    operator_index=0,
    name="La Filature",
    slug="la-filature",
    street="12 rue Burdeau",
    postal_code="69001",
    city="Lyon",
    time_zone="Europe/Paris",
    opening_hours=hours("08:30", "19:00", ("09:00", "13:00")),
    contact_email="filature@ruche.example",
    contact_phone="04 65 71 12 01",
    description=(
        "Sur les pentes de la Croix-Rousse, une ancienne fabrique de soie devenue coworking : "
        "60 postes, deux salles de réunion, une cuisine où l'on déjeune ensemble le mardi. "
        "Ouvert en semaine et le samedi matin."
    ),
    weight=1.3,
)
QUAI = DemoSpace(
    index=1,
    operator_index=0,
    name="Le Quai",
    slug="le-quai",
    street="24 quai Claude-Bernard",
    postal_code="69007",
    city="Lyon",
    time_zone="Europe/Paris",
    opening_hours=hours("08:30", "19:00"),
    contact_email="quai@ruche.example",
    contact_phone="04 65 71 12 02",
    description=(
        "Face au Rhône, des bureaux privatifs et un open space calme pour travailler "
        "sereinement ; des salles équipées pour recevoir vos clients."
    ),
    weight=1.0,
)
BELVEDERE = DemoSpace(
    index=2,
    operator_index=0,
    name="Le Belvédère",
    slug="le-belvedere",
    street="48 avenue Roger-Salengro",
    postal_code="69100",
    city="Villeurbanne",
    time_zone="Europe/Paris",
    opening_hours=hours("08:00", "19:30"),
    contact_email="belvedere@ruche.example",
    contact_phone="04 65 71 12 03",
    description=(
        "Au dernier étage, avec vue sur les monts du Lyonnais : un coworking ouvert sur le "
        "quartier, ses associations et ses artisans."
    ),
    weight=0.9,
)
GRENIER_SPACE = DemoSpace(
    index=3,
    operator_index=1,
    name="Le Grenier",
    slug="le-grenier",
    street="5 rue Chenoise",
    postal_code="38000",
    city="Grenoble",
    time_zone="Europe/Paris",
    opening_hours=hours("09:00", "18:30"),
    contact_email="bonjour@grenier.example",
    contact_phone="04 65 71 38 00",
    description=(
        "Un coworking associatif sous les toits du vieux Grenoble : vingt postes, une "
        "terrasse et des soirées d'entraide entre indépendants."
    ),
    weight=0.45,
)
FIXED_SPACES = (FILATURE, QUAI, BELVEDERE, GRENIER_SPACE)


@dataclass(frozen=True)
class Persona:
    key: str
    first_name: str
    last_name: str
    email: str
    home_space_index: int
    role: str
    archetype: str
    profession: str
    skills: tuple[str, ...]
    joined_days_ago: int
    company: str = ""
    plan: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# fmt: off
STAFF_PERSONAS = (
    Persona("claire", "Claire", "Dubois", "claire@ruche.example", 0, ADMIN, "staff",
            "directrice de Ruche & Co", ("gestion de tiers-lieux", "financement"), 2400),
    Persona("malik", "Malik", "Benali", "malik@ruche.example", 0, MANAGER, "staff",
            "community manager", ("animation de communauté", "événementiel"), 1100),
    Persona("juliette", "Juliette", "Perrin", "juliette@ruche.example", 1, MANAGER, "staff",
            "community manager", ("accueil", "animation de communauté"), 800),
    Persona("thomas", "Thomas", "Nguyen", "thomas@ruche.example", 2, MANAGER, "staff",
            "community manager", ("événementiel", "partenariats associatifs"), 650),
    Persona("camille", "Camille", "Roussel", "camille@grenier.example", 3, ADMIN, "staff",
            "coordinatrice du Grenier", ("vie associative", "animation de communauté"), 1500),
)
MEMBER_PERSONAS = (
    Persona("ines", "Inès", "Moreau", "ines@ruche.example", 0, MEMBER, COWORKER,
            "UX designer", ("recherche utilisateur", "prototypage", "Figma", "accessibilité"),
            730, "Inès Moreau Design", words.PLAN_RESIDENT),
    Persona("hugo", "Hugo", "Lefèvre", "hugo@ruche.example", 1, MEMBER, TENANT,
            "avocat d'affaires", ("droit des sociétés", "contrats", "baux commerciaux"),
            550, "Lefèvre Avocat", words.PLAN_RESIDENT),
    Persona("zoe", "Zoé", "Martin", "zoe@grenier.example", 3, MEMBER, COWORKER,
            "illustratrice", ("illustration", "édition jeunesse", "aquarelle"),
            420, "Zoé Martin Illustration", words.PLAN_PART_TIME),
)
# fmt: on
PERSONAS = {p.key: p for p in (*STAFF_PERSONAS, *MEMBER_PERSONAS)}
