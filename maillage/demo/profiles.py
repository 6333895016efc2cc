"""Demo profiles: what the people of the demo network show the community, and a loader.

`demo_profile(person, ...)` is pure (no Django): from a generated person's profession and
skills it draws a headline, a short bio, 2–6 skills with levels, 0–2 offers, 0–2 needs,
interests, availability (coffee, lunch) and privacy choices: sections mostly shared with the
operator or the network, about 5 % of people unlisted. The fixed personas get hand-written
profiles (Inès offers accessibility audits, Hugo reviews articles of association…).
Determinism: each person draws from `rng_for(seed, "profile", person.key)`, so a person's
profile does not depend on how many people were generated.

`load_profiles()` writes them for the demo network in the database (the `DemoRun`), in
bulk, then builds the search entries (`profiles_reindex`). Idempotent: a network whose
personas already have profiles is left alone. Run it after `load_demo`:

    python -m maillage.demo.profiles      # with DATABASE_URL / DATA_DIR of the demo

Cost: O(people) time; memory O(batch) beyond the generated network itself.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from maillage.demo.network import COWORKER, DAY_PASS, DRIFTING, NEWCOMER, STAFF, TENANT, rng_for

# Visibility values (members.Visibility; copied: no Django here).
SPACE, OPERATOR, NETWORK, PUBLIC = "space", "operator", "network", "public"
SECTIONS = ("about", "skills", "offers", "needs", "interests", "availability")

# Privacy styles: (weight, visibility of each section in SECTIONS order).
PRIVACY_STYLES = (
    (0.30, (PUBLIC, NETWORK, NETWORK, NETWORK, OPERATOR, OPERATOR)),  # open to the network
    (0.45, (NETWORK, NETWORK, OPERATOR, OPERATOR, SPACE, SPACE)),  # the defaults, a bit wider
    (0.20, (OPERATOR, OPERATOR, OPERATOR, OPERATOR, SPACE, SPACE)),  # within the operator
    (0.05, (SPACE, SPACE, SPACE, SPACE, SPACE, SPACE)),  # only their own space
)
UNLISTED_SHARE = 0.05

# Chance of being open to a coffee / a lunch, by behaviour archetype.
COFFEE = {COWORKER: 0.7, NEWCOMER: 0.6, STAFF: 0.8, DAY_PASS: 0.3, DRIFTING: 0.2, TENANT: 0.15}
LUNCH = {COWORKER: 0.55, NEWCOMER: 0.45, STAFF: 0.6, DAY_PASS: 0.2, DRIFTING: 0.1, TENANT: 0.1}
OFFERS = {COWORKER: 0.75, NEWCOMER: 0.5, STAFF: 0.2, DAY_PASS: 0.35, DRIFTING: 0.3, TENANT: 0.3}

LEVELS = (1, 2, 3, 4)  # members.SkillLevel: beginner … expert
LEVEL_WEIGHTS = (0.08, 0.22, 0.42, 0.28)
OFFER_TERMS = ("paid", "member_rate", "free", "exchange")
OFFER_TERMS_WEIGHTS = (0.45, 0.3, 0.1, 0.15)

# Skills anyone may add beside their job's.
TRANSVERSAL_SKILLS = (
    "gestion de projet", "anglais", "prise de parole en public", "animation d'atelier",
    "négociation", "rédaction", "facilitation", "espagnol",
)  # fmt: skip

HEADLINES = (
    "{profession} — {skill} et {skill2}",
    "{profession} indépendant·e, {skill}",
    "{profession} : {skill}, {skill2}",
    "{profession} au service des TPE et des associations",
)
BIOS = (
    "Je travaille comme {profession} depuis {years} ans, surtout en {skill}. "
    "J'aime les projets utiles et les équipes qui se parlent.",
    "{profession} installé·e ici depuis {years} ans. Spécialités : {skill} et {skill2}. "
    "Toujours partant·e pour un café et un coup de main.",
    "Après {years} ans en entreprise, je me suis lancé·e à mon compte : {skill}, {skill2}. "
    "Mes clients sont surtout des indépendants et des petites structures.",
)
OFFER_TITLES = (
    "{Skill} pour indépendants et TPE",
    "Premier rendez-vous offert : {skill}",
    "Atelier d'initiation : {skill}",
    "Coup de main ponctuel en {skill}",
    "Accompagnement en {skill} au tarif membre",
)
OFFER_TEXTS = (
    "Je vous aide en {skill} : un premier échange pour comprendre votre besoin, puis une "
    "proposition claire.",
    "Pour les membres de l'espace : une demi-journée de {skill}, sur place ou à distance.",
)
# (title, skills it calls for)
NEEDS = (
    ("Relecture juridique d'un contrat", ("contrats",)),
    ("Un site vitrine simple", ("programmation web",)),
    ("Aide sur ma comptabilité de fin d'année", ("comptabilité",)),
    ("Un regard extérieur sur mon offre", ("stratégie de marque",)),
    ("Traduction d'une plaquette en anglais", ("traduction", "anglais")),
    ("Photos pour mon site", ("photographie",)),
    ("Conseils pour recruter un premier salarié", ("recrutement",)),
    ("Un associé technique", ("Python",)),
    ("Un logo pour mon activité", ("graphiste",)),
    ("Préparer une levée de fonds", ("levée de fonds",)),
    ("Améliorer mon référencement", ("SEO",)),
    ("Monter un dossier de subvention", ("subventions",)),
)
AVAILABILITY_NOTES = (
    "", "", "", "Plutôt le mardi midi", "Le matin avant 10 h", "En fin de journée",
    "Les jours où je suis sur place", "Le jeudi, souvent",
)  # fmt: skip
INTEREST_SLUGS = (
    "course-a-pied", "yoga", "velo", "escalade", "football", "natation", "randonnee",
    "badminton", "jeux-de-societe", "jeux-video", "echecs", "jeux-de-role", "cuisine",
    "patisserie", "vin-biere", "cuisine-vegetarienne", "musique", "lecture", "cinema",
    "photographie", "theatre", "arts-plastiques", "voyage", "langues", "jardinage", "nature",
    "bricolage", "ecologie", "egalite", "solidarite", "benevolat", "economie-sociale",
    "entrepreneuriat", "innovation-sociale", "tech", "logiciel-libre",
    "intelligence-artificielle", "meditation", "parentalite",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoOffer:
    title: str
    description: str
    skills: tuple[str, ...]
    terms: str


@dataclass(frozen=True, slots=True)
class DemoNeed:
    title: str
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoProfile:
    """One person's profile; skills are the words a member would type ("comptabilité")."""

    person_index: int
    headline: str
    bio: str
    skills: tuple[tuple[str, int], ...]
    offers: tuple[DemoOffer, ...]
    needs: tuple[DemoNeed, ...]
    interests: tuple[str, ...]
    open_to_coffee: bool
    open_to_lunch: bool
    availability_note: str
    visibility: tuple[str, ...]  # in SECTIONS order
    listed: bool


FIXED_PROFILES = {
    "ines": {
        "headline": "UX designer indépendante — recherche utilisateur et accessibilité",
        "bio": "J'aide les petites équipes à concevoir des services simples et accessibles : "
        "entretiens utilisateurs, prototypes testés, audits RGAA. Je déjeune à la Filature le "
        "mardi, venez me dire bonjour !",
        "skills": (
            ("recherche utilisateur", 4), ("prototypage", 4), ("Figma", 3), ("accessibilité", 3),
        ),
        "offers": (
            DemoOffer("Audit d'accessibilité de votre site", "Un audit RGAA rapide, avec les "
                      "corrections prioritaires.", ("accessibilité",), "member_rate"),
            DemoOffer("Tester votre prototype avec de vrais utilisateurs", "Cinq entretiens et "
                      "une synthèse actionnable.", ("recherche utilisateur",), "paid"),
        ),
        "needs": (DemoNeed("Relecture juridique de mes conditions générales", ("contrats",)),),
        "interests": ("escalade", "cuisine-vegetarienne", "jeux-de-societe"),
        "open_to_coffee": True, "open_to_lunch": True,
        "availability_note": "Le mardi midi, à la cuisine",
        "visibility": (NETWORK, NETWORK, NETWORK, OPERATOR, SPACE, OPERATOR), "listed": True,
    },
    "hugo": {
        "headline": "Avocat d'affaires — droit des sociétés, contrats, baux commerciaux",
        "bio": "Avocat au barreau de Lyon, j'accompagne créateurs et PME : statuts, pactes "
        "d'associés, contrats commerciaux.",
        "skills": (("droit des sociétés", 4), ("contrats", 4), ("baux commerciaux", 3)),
        "offers": (
            DemoOffer("Relecture de statuts et pactes d'associés", "Un regard d'avocat avant "
                      "de signer.", ("droit des sociétés",), "paid"),
        ),
        "needs": (),
        "interests": ("course-a-pied",),
        "open_to_coffee": False, "open_to_lunch": False, "availability_note": "",
        "visibility": (OPERATOR, OPERATOR, NETWORK, OPERATOR, SPACE, SPACE), "listed": True,
    },
    "zoe": {
        "headline": "Illustratrice jeunesse et aquarelliste",
        "bio": "J'illustre des albums jeunesse et des supports de communication pour les "
        "associations grenobloises.",
        "skills": (("illustration", 4), ("édition jeunesse", 3), ("aquarelle", 4)),
        "offers": (
            DemoOffer("Illustrations pour vos supports de communication", "Affiches, flyers, "
                      "cartes : un dessin qui vous ressemble.", ("illustration",), "paid"),
        ),
        "needs": (DemoNeed("Un site vitrine pour mon portfolio", ("programmation web",)),),
        "interests": ("arts-plastiques", "randonnee"),
        "open_to_coffee": True, "open_to_lunch": False, "availability_note": "",
        "visibility": (NETWORK, NETWORK, NETWORK, NETWORK, SPACE, SPACE), "listed": True,
    },
}  # fmt: skip


def _pick_weighted(rng: random.Random, options: Sequence, weights: Sequence[float]):
    return rng.choices(options, weights)[0]


def demo_profile(person, *, seed: int) -> DemoProfile:
    """The profile of one generated person (a `DemoPerson`). Pure and deterministic."""
    if person.persona in FIXED_PROFILES:
        return DemoProfile(person_index=person.index, **FIXED_PROFILES[person.persona])
    rng = rng_for(seed, "profile", person.key)
    own = list(person.skills)
    rng.shuffle(own)
    skill_words = own[: rng.randint(min(2, len(own)), len(own))]
    skill_words.append(person.profession)  # a job title links to its skill ("graphiste")
    if rng.random() < 0.4:
        skill_words.append(rng.choice(TRANSVERSAL_SKILLS))
    skill_words = list(dict.fromkeys(skill_words))[:6]
    skills = tuple((w, _pick_weighted(rng, LEVELS, LEVEL_WEIGHTS)) for w in skill_words)
    first, second = own[0] if own else person.profession, own[-1] if own else person.profession
    fields = {
        "profession": person.profession[:1].upper() + person.profession[1:],
        "skill": first,
        "skill2": second,
        "years": rng.randint(2, 20),
    }
    headline = rng.choice(HEADLINES).format(**fields)
    bio = rng.choice(BIOS).format(**fields) if rng.random() < 0.7 else ""

    offers = []
    if own and rng.random() < OFFERS.get(person.archetype, 0.3):
        for skill in own[: rng.choice((1, 1, 2))]:
            title = rng.choice(OFFER_TITLES).format(
                skill=skill, Skill=skill[:1].upper() + skill[1:]
            )
            text = rng.choice(OFFER_TEXTS).format(skill=skill)
            terms = _pick_weighted(rng, OFFER_TERMS, OFFER_TERMS_WEIGHTS)
            offers.append(DemoOffer(title[:140], text, (skill,), terms))
    needs = []
    for _ in range(_pick_weighted(rng, (0, 1, 2), (0.6, 0.3, 0.1))):
        title, wanted = rng.choice(NEEDS)
        if title not in (n.title for n in needs):
            needs.append(DemoNeed(title, wanted))

    coffee = rng.random() < COFFEE.get(person.archetype, 0.3)
    lunch = rng.random() < LUNCH.get(person.archetype, 0.2)
    weights = [w for w, _ in PRIVACY_STYLES]
    visibility = _pick_weighted(rng, [v for _, v in PRIVACY_STYLES], weights)
    return DemoProfile(
        person_index=person.index,
        headline=headline[:140],
        bio=bio,
        skills=skills,
        offers=tuple(offers),
        needs=tuple(needs),
        interests=tuple(rng.sample(INTEREST_SLUGS, rng.randint(0, 4))),
        open_to_coffee=coffee,
        open_to_lunch=lunch,
        availability_note=rng.choice(AVAILABILITY_NOTES) if coffee or lunch else "",
        visibility=visibility,
        listed=rng.random() >= UNLISTED_SHARE,
    )


# --- the loader (Django from here on) --------------------------------------------------------


@dataclass(frozen=True)
class ProfilesLoadResult:
    loaded: bool  # False: the demo people already had profiles
    profiles: int
    elapsed: float


def load_profiles(
    *, progress: Callable[[str], None] | None = None, batch_size: int = 2_000
) -> ProfilesLoadResult:
    """Write the profiles of the demo network in the database, then index them for search."""
    from django.db import transaction

    from maillage.demo.generator import DemoConfig, generate
    from maillage.demo.models import DemoRun
    from maillage.members.models import Profile

    started = time.monotonic()
    say = progress or (lambda message: None)
    run = DemoRun.objects.filter(completed_at__isnull=False).first()
    if run is None:
        raise RuntimeError("No complete demo network in this database: run `maillage demo` first.")
    if Profile.objects.filter(member__user__email__in=_persona_emails()).exists():
        # Loaded before; index what an interrupted load left unindexed.
        from maillage.members.services.search import profiles_reindex

        missing = Profile.objects.filter(search_entries__isnull=True).values_list("pk", flat=True)
        profiles_reindex(profile_ids=missing, batch_size=batch_size)
        return ProfilesLoadResult(False, Profile.objects.count(), time.monotonic() - started)
    config = DemoConfig(
        members=run.members, spaces=run.spaces, seed=run.seed, months=run.months,
        today=run.history_ends_on,
    )  # fmt: skip
    network = generate(config)
    say(f"Writing {len(network.people):,} profiles…")
    writer = _Writer(network, seed=config.seed)
    profile_ids: list[int] = []
    for start in range(0, len(network.people), batch_size):
        batch = network.people[start : start + batch_size]
        with transaction.atomic():
            profile_ids += writer.write(batch)
        say(f"  profiles: {start + len(batch):,} / {len(network.people):,}")
    from maillage.members.services.search import profiles_reindex

    say("Indexing them for search…")
    for start in range(0, len(profile_ids), 10 * batch_size):
        chunk = profile_ids[start : start + 10 * batch_size]
        profiles_reindex(profile_ids=chunk, batch_size=batch_size)
        say(f"  search entries: {start + len(chunk):,} / {len(profile_ids):,}")
    return ProfilesLoadResult(True, len(profile_ids), time.monotonic() - started)


def _persona_emails() -> list[str]:
    from maillage.demo.personas import PERSONAS

    return [p.email for p in PERSONAS.values()]


class _Writer:
    """Bulk writes of profiles and what hangs off them, one batch of people at a time."""

    def __init__(self, network, *, seed: int) -> None:
        from maillage.core.models import Member
        from maillage.members.models import Interest

        self.network = network
        self.seed = seed
        emails = {p.email for p in network.people}
        self.members = {
            email: (pk, operator_id)
            for pk, email, operator_id in Member.objects.values_list(
                "pk", "user__email", "operator_id"
            ).iterator(chunk_size=10_000)
            if email in emails
        }
        self.interests = dict(Interest.objects.values_list("slug", "pk"))
        self.concepts: dict[str, int | None] = {}

    def concept_id(self, text: str) -> int | None:
        """The concept a member typing `text` gets (the profiles service decides), cached."""
        if text not in self.concepts:
            from maillage.core.errors import DomainError
            from maillage.members.services.profiles import skill_resolve

            try:
                concept = skill_resolve(text, create=True)
            except DomainError:
                concept = None
            self.concepts[text] = concept.pk if concept is not None else None
        return self.concepts[text]

    def companies(self, people) -> dict[tuple[int, str], int]:
        from maillage.members.models import Company

        wanted = {
            (self.members[p.email][1], self.network.companies[p.company_index].name)
            for p in people
            if p.company_index is not None and p.email in self.members
        }
        Company.objects.bulk_create(
            [Company(operator_id=op, name=name[:150]) for op, name in wanted],
            ignore_conflicts=True,
            batch_size=2_000,
        )
        names = {name for _, name in wanted}
        return {
            (op, name): pk
            for pk, op, name in Company.objects.filter(name__in=names).values_list(
                "pk", "operator_id", "name"
            )
        }

    def write(self, people) -> list[int]:
        from maillage.members.models import Need, Offer, Profile, ProfileSkill

        people = [p for p in people if p.email in self.members]
        drafts = [demo_profile(p, seed=self.seed) for p in people]
        companies = self.companies(people)
        profiles = []
        for person, draft in zip(people, drafts, strict=True):
            member_id, operator_id = self.members[person.email]
            company = (
                companies.get((operator_id, self.network.companies[person.company_index].name))
                if person.company_index is not None
                else None
            )
            profiles.append(
                Profile(
                    member_id=member_id,
                    headline=draft.headline,
                    bio=draft.bio,
                    company_id=company,
                    languages=["fr"],
                    open_to_coffee=draft.open_to_coffee,
                    open_to_lunch=draft.open_to_lunch,
                    availability_note=draft.availability_note,
                    listed=draft.listed,
                    **{
                        f"visibility_{s}": v
                        for s, v in zip(SECTIONS, draft.visibility, strict=True)
                    },
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=2_000)

        skills, offers, offer_skills, needs, need_skills, interests = [], [], [], [], [], []
        for profile, draft in zip(profiles, drafts, strict=True):
            seen = set()
            for text, level in draft.skills:
                cid = self.concept_id(text)
                if cid is not None and cid not in seen:
                    seen.add(cid)
                    skills.append(ProfileSkill(profile_id=profile.pk, concept_id=cid, level=level))
            for o in draft.offers:
                offers.append(
                    Offer(profile_id=profile.pk, title=o.title, description=o.description,
                          terms=o.terms)
                )  # fmt: skip
                offer_skills.append([self.concept_id(s) for s in o.skills])
            for n in draft.needs:
                needs.append(Need(profile_id=profile.pk, title=n.title))
                need_skills.append([self.concept_id(s) for s in n.skills])
            for slug in draft.interests:
                if slug in self.interests:
                    interests.append((profile.pk, self.interests[slug]))
        ProfileSkill.objects.bulk_create(skills, batch_size=5_000)
        Offer.objects.bulk_create(offers, batch_size=2_000)
        Need.objects.bulk_create(needs, batch_size=2_000)
        through = Offer.skills.through
        through.objects.bulk_create(
            [
                through(offer_id=o.pk, skillconcept_id=cid)
                for o, cids in zip(offers, offer_skills, strict=True)
                for cid in dict.fromkeys(cids)
                if cid is not None
            ],
            batch_size=5_000,
        )
        through = Need.skills.through
        through.objects.bulk_create(
            [
                through(need_id=n.pk, skillconcept_id=cid)
                for n, cids in zip(needs, need_skills, strict=True)
                for cid in dict.fromkeys(cids)
                if cid is not None
            ],
            batch_size=5_000,
        )
        through = Profile.interests.through
        through.objects.bulk_create(
            [through(profile_id=p, interest_id=i) for p, i in interests], batch_size=5_000
        )
        return [p.pk for p in profiles]


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()
    from django.db import reset_queries

    result = load_profiles(progress=lambda m: (print(m, file=sys.stderr), reset_queries()))
    state = "loaded" if result.loaded else "already there"
    print(f"{result.profiles} profiles {state} in {result.elapsed:.1f} s", flush=True)


if __name__ == "__main__":
    main()
