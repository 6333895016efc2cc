"""Skill linking (`maillage.members.taxonomy`): quality on the hand-labelled set, and the
latency of linking a 5-word phrase against the whole taxonomy, in-process (no database).

Quality: top-1 / top-3 accuracy and mean reciprocal rank on `quality_set.csv` (424 real
French and English phrases: typos, abbreviations, job titles), target top-3 at least 90 %.
Latency: `link()` on 5-word phrases of the kind members type (French and English, some with
typos), warm process, target p95 under 5 ms. Wall-clock and the thread's CPU time are both
reported: on a busy machine the wall clock also counts time given to other processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from maillage.bench.registry import Result, benchmark

if TYPE_CHECKING:
    from maillage.bench.harness import Context

TOP3_TARGET = 0.90
P95_TARGET_MS = 5.0

# Five words each, as members write them (accents missing, typos, jargon, both languages).
PHRASES: tuple[str, ...] = (
    "developpeuse web freelance react node",
    "juriste droit des contrats commerciaux",
    "grafiste identite visuelle et logos",
    "expert comptable pour petites entreprises",
    "traduction anglais francais documents techniques",
    "coach professionnel reconversion et bilan",
    "photographe portrait corporate et evenementiel",
    "community manager reseaux sociaux instagram",
    "formatrice bureautique excel word powerpoint",
    "redactrice web seo contenus blog",
    "menuisier ebeniste meubles sur mesure",
    "consultant marketing digital strategie acquisition",
    "ux designer recherche utilisateur prototypage",
    "data analyst python sql tableaux",
    "avocate droit du travail licenciement",
    "chef de projet agile scrum",
    "gestion de paie et rh",
    "montage video motion design after",
    "illustratrice jeunesse aquarelle et edition",
    "conseil en levee de fonds",
    "web developer javascript typescript frontend",
    "graphic designer branding print packaging",
    "freelance accountant bookkeeping vat returns",
    "english french translator legal documents",
    "social media manager content strategy",
    "business coach for women founders",
    "wedding and portrait photographer freelance",
    "seo copywriter for tech startups",
    "mobile app developer ios android",
    "project manager for event organisation",
    "devlopeur back end java sprinng",
    "comptabilitee et declaration de tva",
    "photograhe culinaire pour restaurants locaux",
    "traductrise allemand francais sous titrage",
    "desinger graphique mise en page",
    "relations presse et communication institutionnelle",
    "architecte d interieur amenagement bureaux",
    "ceramiste tourneuse atelier poterie cours",
    "professeur de yoga en entreprise",
    "consultante rse bilan carbone entreprises",
)


@benchmark(
    "skills",
    "Skill linking: quality on 424 labelled phrases; p95 of linking a 5-word phrase (< 5 ms).",
    small={"runs": 50},
    large={"runs": 250},
)
def skills(ctx: Context) -> Iterator[Result]:
    import time

    from maillage.members.taxonomy.linker import default_taxonomy
    from maillage.members.taxonomy.quality import bench_link, evaluate

    ctx.log("loading the taxonomy (cold) and evaluating the quality set")
    started = time.perf_counter()
    default_taxonomy()
    yield Result("taxonomy.load_cold", (time.perf_counter() - started) * 1000, "ms")
    quality = evaluate()
    yield Result(
        "quality.top3_accuracy",
        quality["top3_accuracy"],
        "ratio",
        {
            "phrases": quality["count"],
            "target": TOP3_TARGET,
            "met": quality["top3_accuracy"] >= TOP3_TARGET,
        },
    )
    yield Result("quality.top1_accuracy", quality["top1_accuracy"], "ratio")
    yield Result("quality.mrr", quality["mrr"], "index")

    five = [p for p in PHRASES if len(p.split()) == 5]
    ctx.log(f"timing link() on {len(five)} five-word phrases, {ctx.params['runs']} runs each")
    timing = bench_link(five, runs=ctx.params["runs"])
    extra = {"phrases": timing["phrases"], "calls": timing["calls"]}
    yield Result("taxonomy.concepts", timing["concepts"], "count")
    yield Result("taxonomy.labels", timing["labels"], "count")
    yield Result("link.p50", timing["p50_ms"], "ms", extra)
    yield Result(
        "link.p95",
        timing["p95_ms"],
        "ms",
        extra | {"target": P95_TARGET_MS, "met": timing["p95_ms"] < P95_TARGET_MS},
    )
    yield Result("link.max", timing["max_ms"], "ms", extra)
    yield Result("link.cpu_p50", timing["cpu_p50_ms"], "ms", extra)
    yield Result("link.cpu_p95", timing["cpu_p95_ms"], "ms", extra)
    if timing["load_average"] is not None:
        yield Result("machine.load_average", timing["load_average"], "index")
