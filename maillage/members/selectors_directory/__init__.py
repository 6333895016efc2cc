"""The directory's read side: search and browse members' profiles, as one viewer may see them.

Privacy first: every row the search touches is a `SearchEntry` the viewer may see
(`visible_entries_q`, the profile access gate as a query), and each way of matching reads
only the entries of its own section: a skill matches through a visible "skills" entry, an
offer through a visible "offers" entry, the coffee/lunch and "here today" filters through a
visible "availability" entry (presence: an open check-in today, from the workspace). A hidden section can therefore never make a profile appear,
nor count. Entries whose space is no longer the member's home space are ignored (fail
closed until `profile_reindex` runs again).

Matching (see `maillage.members.services.search` for the analyser):

- words: each query word (and the masculine form of a feminine one) against the visible
  entries, through PostgreSQL full-text search (French and English configurations, OR-ed;
  the last word also as a prefix) or SQLite FTS5 over our Snowball stems;
- skills: the query linked to taxonomy concepts (typo-tolerant: "grafiste" → graphic
  design), matched against visible skills, active offers' skills and open needs' skills.

A profile's score sums its matches, weighted by section (offers > skills > headline > bio)
and, for concepts, by the linker's score and the skill level. Profiles that match the most
query words come first (every word, when some profile matches every word); then by score.
The total is counted over the same visible matches. Cost: index lookups for each word and
concept, then work proportional to the matches the viewer may see; browsing without a query
walks an index of "name" entries newest first and counts at most COUNT_CAP + 1 of them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language

from maillage.core.access import Viewer
from maillage.core.models import Space
from maillage.members.access import visible_entries_q
from maillage.members.models import SearchEntry, SkillConcept
from maillage.members.selectors_directory import candidates
from maillage.members.selectors_directory.results import (
    DirectoryResult,
    Reason,
    results_for,
)
from maillage.members.services.search import Term, query_terms

__all__ = [
    "DirectoryPage",
    "DirectoryQuery",
    "DirectoryResult",
    "LinkedConcept",
    "Reason",
    "SpaceChoice",
    "directory_search",
    "directory_spaces",
]

PAGE_SIZE = 20
COUNT_CAP = 1_000  # browsing counts "more than 1,000" rather than every visible profile
NEW_MEMBER_DAYS = 30
MAX_QUERY_CHARS = 120

LINK_MIN_SCORE = 0.7
LINK_MARGIN = 0.15  # concepts scoring this much below the best link are left out
LINK_LIMIT = 5


# --- the query -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryQuery:
    """What the person asked for. Unknown or forbidden values are dropped by `resolve`."""

    text: str = ""
    space_id: int | None = None
    here_today: bool = False
    offers: str = ""  # a skill, typed: linked to taxonomy concepts
    coffee: bool = False
    lunch: bool = False
    new: bool = False
    page: int = 1

    @property
    def is_search(self) -> bool:
        return bool(self.text.strip())

    @property
    def has_filters(self) -> bool:
        return bool(
            self.space_id or self.here_today or self.offers or self.coffee or self.lunch or self.new
        )


@dataclass(frozen=True)
class LinkedConcept:
    concept_id: int
    uri: str
    label: str
    score: float
    matched_label: str
    reason: str
    terms: tuple[int, ...]  # indexes of the query terms this concept stands for


@dataclass
class DirectoryPage:
    query: DirectoryQuery
    results: list[DirectoryResult]
    count: int
    count_capped: bool  # True: there are more than `count` (browsing stops counting)
    number: int
    num_pages: int
    concepts: list[LinkedConcept]
    offer_concepts: list[LinkedConcept]
    here_space: SpaceChoice | None

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True, slots=True)
class SpaceChoice:
    """A space the directory can be filtered on."""

    pk: int
    name: str
    operator_name: str
    time_zone: str


def directory_spaces(viewer: Viewer) -> list[SpaceChoice]:
    """The spaces a viewer may filter on: those of the operators they belong to."""
    operator_ids = [r.operator_id for r in viewer.records]
    if not operator_ids:
        return []
    rows = (
        Space.objects.filter(operator_id__in=operator_ids)
        .order_by("operator__name", "name")
        .values_list("pk", "name", "operator__name", "time_zone")
    )
    return [SpaceChoice(*row) for row in rows]


# --- linking to the taxonomy -----------------------------------------------------------------


def _link_function():
    try:
        from maillage.members.taxonomy import linker
    except ImportError:  # the taxonomy is not installed: words only
        return None
    if hasattr(linker, "link"):
        return linker.link
    return linker.default_taxonomy().link


@lru_cache(maxsize=2_048)
def _link(text: str) -> tuple:
    """The linker's matches for a text, cached: the taxonomy is read-only in a process."""
    link = _link_function()
    if link is None or not text:
        return ()
    return tuple(link(text, limit=LINK_LIMIT))


def did_you_mean(text: str) -> str:
    """The query with its slips mended, when a word the skills taxonomy does not know is one
    of its words with two adjacent letters swapped ("desing" → "design"); "" when nothing
    changes. Offered when a search finds nobody, for the person to choose: mending words
    silently would also turn names and real words into others (romain → romani)."""
    from maillage.members.services.search import words

    try:
        from maillage.members.taxonomy.linker import default_taxonomy
    except ImportError:  # the taxonomy is not installed
        return ""
    taxonomy = default_taxonomy()
    typed = words(text[:MAX_QUERY_CHARS])
    mended = [(taxonomy.swapped(word) or [word])[0] for word in typed]
    return " ".join(mended) if mended != typed else ""


def link_concepts(text: str, terms: Sequence[Term]) -> list[LinkedConcept]:
    """Taxonomy concepts the text stands for, with the database ids of their rows.

    Free tags merged into a concept count as that concept."""
    matches = list(_link(text.strip()[:MAX_QUERY_CHARS]))
    if not matches:
        return []
    floor = max(LINK_MIN_SCORE, max(m.score for m in matches) - LINK_MARGIN)
    matches = [m for m in matches if m.score >= floor]
    if not matches:
        return []
    by_uri = {m.concept.uri: m for m in matches}
    rows = SkillConcept.objects.filter(
        Q(uri__in=list(by_uri)) | Q(merged_into__uri__in=list(by_uri))
    ).values_list("pk", "uri", "merged_into__uri", "label_fr", "label_en")
    language = _language()[:2]
    linked = []
    for pk, uri, merged_uri, label_fr, label_en in rows:
        match = by_uri.get(uri) or by_uri[merged_uri]
        label = (label_en if language == "en" else label_fr) or label_fr
        linked.append(
            LinkedConcept(
                concept_id=pk,
                uri=match.concept.uri,
                label=label,
                score=float(match.score),
                matched_label=getattr(match, "matched_label", "") or "",
                reason=getattr(match, "reason", "") or "",
                terms=_covered_terms(match, terms),
            )
        )
    linked.sort(key=lambda c: (-c.score, c.concept_id))
    return linked


def _covered_terms(match, terms: Sequence[Term]) -> tuple[int, ...]:
    """Which query words a concept stands for: those close to a word of its matched label
    (or of its labels); all of them when none is (the linker matched the whole text)."""
    from rapidfuzz import fuzz

    from maillage.members.services.search import words

    label_words = words(" ".join([getattr(match, "matched_label", "") or "", *_labels(match)]))
    covered = tuple(
        i
        for i, term in enumerate(terms)
        if any(fuzz.ratio(term.word, w) >= 75 or w.startswith(term.word) for w in label_words)
    )
    return covered or tuple(range(len(terms)))


def _labels(match) -> list[str]:
    concept = match.concept
    labels = [getattr(concept, "label_fr", ""), getattr(concept, "label_en", "")]
    return [label for label in labels if label]


# --- SQL building blocks ---------------------------------------------------------------------


def _among_candidates(gate: QuerySet, column: str) -> QuerySet:
    """The gate's entries among the candidates (column `column` of the CTE `c`), as ids.

    On PostgreSQL as `id = ANY(ARRAY(SELECT … FROM c))`: the candidates are read once into
    an array and the entries found by their primary key. With `id IN (SELECT … FROM c)` the
    planner, expecting one row, compared each entry the filters let through with every
    candidate (a nested loop: 830,000 comparisons, 106 ms, for "offers accounting" at
    100,000 members; 33 ms with the array)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SearchEntry._meta.db_table)
        among = RawSQL(  # noqa: S611 (our own SQL: names from the models, no value)
            f"{table}.{connection.ops.quote_name('id')} = ANY(ARRAY(SELECT {column} FROM c))",  # noqa: S608
            [],
            output_field=BooleanField(),
        )
        return gate.filter(among).values("id")
    return gate.filter(id__in=RawSQL(f"SELECT {column} FROM c", [])).values("id")  # noqa: S608, S611


def _ranked_page(
    found: list[candidates.Branch], gate: QuerySet, *, offset: int, limit: int
) -> tuple[list[int], int, bool]:
    """Profile ids of one page, best first; the number of matching profiles; and whether a
    pool of network candidates was full (then there may be more matches than counted).

    Candidates first (`candidates`: bounded, from the search indexes alone); then the
    privacy gate, once for all of them (`gate`: entries the viewer may see, with the
    filters); then the ranking: most query words matched, then score."""
    union, params = candidates.union(found)
    visible = _among_candidates(gate, "m_entry")
    gate_sql, gate_params = visible.query.get_compiler(using=visible.db).as_sql()
    sql = f"""
        WITH c AS ({union})
        SELECT profile_id, score, COUNT(*) OVER () AS total,
               (SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM c WHERE m_far = 1
                                    GROUP BY m_term) AS f) AS pool
        FROM (
            SELECT m_profile AS profile_id, SUM(m_score) AS score,
                   COUNT(DISTINCT m_term) AS coverage,
                   MAX(COUNT(DISTINCT m_term)) OVER () AS best
            FROM c
            WHERE m_entry IN ({gate_sql})
            GROUP BY m_profile
        ) AS g
        WHERE coverage = best
        ORDER BY score DESC, profile_id DESC
        LIMIT %s OFFSET %s
    """  # noqa: S608 (only our own SQL; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *gate_params, limit, offset])
        rows = cursor.fetchall()
    if not rows:
        if offset:
            return [], *_ranked_page(found, gate, offset=0, limit=1)[1:]
        return [], 0, False
    return [row[0] for row in rows], rows[0][2], (rows[0][3] or 0) >= candidates.FAR_POOL


BROWSE_WINDOW = 4 * (COUNT_CAP + 1)  # newest "name" entries looked at first when browsing


def _browse_page(base: QuerySet, *, offset: int, limit: int) -> tuple[list[int], int]:
    """Visible profiles, most recently updated first (their "name" entry is the newest), and
    how many there are, counting no further than COUNT_CAP + 1.

    First among the BROWSE_WINDOW newest "name" entries only (an index range: its cost does
    not grow with the community); when the viewer may see fewer than COUNT_CAP + 1 of them
    and there are older entries, again over all of them."""
    threshold = (
        SearchEntry.objects.filter(section="name")
        .order_by("-id")
        .values_list("id", flat=True)[BROWSE_WINDOW - 1 : BROWSE_WINDOW]
        .first()
    )
    if threshold is not None:
        ids, count = _browse_rows(base.filter(id__gte=threshold), offset=offset, limit=limit)
        if count > COUNT_CAP:
            return ids, count
    return _browse_rows(base, offset=offset, limit=limit)


def _browse_rows(base: QuerySet, *, offset: int, limit: int) -> tuple[list[int], int]:
    newest = (
        base.filter(section="name").order_by("-id").values_list("profile_id", "id")[: COUNT_CAP + 1]
    )
    sql, params = newest.query.get_compiler(using=newest.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT profile_id, COUNT(*) OVER () FROM ({sql}) AS n "  # noqa: S608
            "ORDER BY id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = cursor.fetchall()
    if not rows:
        return [], 0 if offset == 0 else _browse_rows(base, offset=0, limit=1)[1]
    return [row[0] for row in rows], rows[0][1]


def _browse_filtered(
    scope: candidates.Scope, gate: QuerySet, *, space_id: int | None, offset: int, limit: int
) -> tuple[list[int], int, bool]:
    """Browsing with filters: bounded candidates (`candidates.names`), then the gate with the
    filters; nearby people first, then the most recently updated."""
    union, params = candidates.union(candidates.names(scope, space_id=space_id))
    visible = _among_candidates(gate, "id")
    gate_sql, gate_params = visible.query.get_compiler(using=visible.db).as_sql()
    sql = f"""
        WITH c AS ({union})
        SELECT profile_id, COUNT(*) OVER (),
               (SELECT COUNT(*) FROM c WHERE m_near = 0) AS pool
        FROM c
        WHERE id IN ({gate_sql})
        ORDER BY m_near DESC, id DESC
        LIMIT %s OFFSET %s
    """  # noqa: S608 (only our own SQL; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *gate_params, limit, offset])
        rows = cursor.fetchall()
    if not rows:
        if offset:
            return [], *_browse_filtered(scope, gate, space_id=space_id, offset=0, limit=1)[1:]
        return [], 0, False
    return [row[0] for row in rows], rows[0][1], rows[0][2] >= candidates.FAR_POOL * 5


# --- filters ---------------------------------------------------------------------------------


def _filters(
    viewer: Viewer,
    query: DirectoryQuery,
    vis: Q,
    offer_concepts: Sequence[LinkedConcept],
    here_space: SpaceChoice | None,
) -> Q:
    """The filters as a condition on entries (so on their profiles), each through the
    section it reads: availability for coffee, lunch and presence; offers for skills."""
    q = Q()
    if query.space_id:
        q &= Q(space_id=query.space_id)
    if query.new:
        q &= Q(
            profile__member__joined_on__gte=timezone.localdate()
            - dt.timedelta(days=NEW_MEMBER_DAYS)
        )
    if query.coffee or query.lunch or here_space is not None:
        available = SearchEntry.objects.filter(vis, section="availability")
        if query.coffee:
            available = available.filter(profile__open_to_coffee=True)
        if query.lunch:
            available = available.filter(profile__open_to_lunch=True)
        if here_space is not None:
            from maillage.workspace.selectors.presence import present_member_ids

            space = Space(pk=here_space.pk, time_zone=here_space.time_zone)
            available = available.filter(profile__member_id__in=present_member_ids(space))
        q &= Q(profile_id__in=available.values("profile_id"))
    if query.offers:
        ids = [c.concept_id for c in offer_concepts]
        offering = SearchEntry.objects.filter(
            vis, section="offers", profile__offers__is_active=True, profile__offers__skills__in=ids
        )
        q &= Q(profile_id__in=offering.values("profile_id"))
    return q


def resolve(viewer: Viewer, query: DirectoryQuery, spaces: Sequence[SpaceChoice]) -> DirectoryQuery:
    """The query without what the viewer may not ask: a space outside their operators."""
    allowed = {s.pk for s in spaces}
    space_id = query.space_id if query.space_id in allowed else None
    text = query.text.strip()[:MAX_QUERY_CHARS]
    offers = query.offers.strip()[:MAX_QUERY_CHARS]
    return DirectoryQuery(
        text=text,
        space_id=space_id,
        here_today=query.here_today and bool(viewer.records),
        offers=offers,
        coffee=query.coffee,
        lunch=query.lunch,
        new=query.new,
        page=max(1, query.page),
    )


# --- the search ------------------------------------------------------------------------------


def directory_search(
    viewer: Viewer, query: DirectoryQuery, *, spaces: Sequence[SpaceChoice] | None = None
) -> DirectoryPage:
    """One page of the directory for a viewer: search results (best first) or, without a
    query, visible profiles (most recently updated first), with the filters applied."""
    spaces = directory_spaces(viewer) if spaces is None else spaces
    query = resolve(viewer, query, spaces)
    vis = visible_entries_q(viewer)
    here_space = None
    if query.here_today:
        wanted = query.space_id or (viewer.current.home_space_id if viewer.current else None)
        here_space = next((s for s in spaces if s.pk == wanted), None)
    terms = query_terms(query.text) if query.is_search else []
    concepts = link_concepts(query.text, terms) if terms else []
    offer_concepts = (
        link_concepts(query.offers, query_terms(query.offers))[:1] if query.offers else []
    )
    base = SearchEntry.objects.filter(vis, _filters(viewer, query, vis, offer_concepts, here_space))

    if query.offers and not offer_concepts:
        ids, count, capped = [], 0, False
    elif terms:
        scope = candidates.Scope.of(viewer, near_only=bool(query.space_id or here_space))
        linked = [candidates.Concept(c.concept_id, c.score, c.terms) for c in concepts]
        ids, count, capped = _ranked_page(
            candidates.branches(terms, linked, scope),
            base,
            offset=(query.page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    elif query.is_search:  # only stopwords
        ids, count, capped = [], 0, False
    elif query.has_filters:
        ids, count, capped = _browse_filtered(
            candidates.Scope.of(viewer, near_only=bool(query.space_id or here_space)),
            base,
            space_id=query.space_id,
            offset=(query.page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    else:
        ids, count = _browse_page(base, offset=(query.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)

    num_pages = max(1, math.ceil(count / PAGE_SIZE))
    if not ids and count and query.page > num_pages:
        return directory_search(
            viewer,
            DirectoryQuery(**{**query.__dict__, "page": num_pages}),
            spaces=spaces,
        )
    results = results_for(viewer, ids, terms, concepts)
    return DirectoryPage(
        query=query,
        results=results,
        count=count,
        count_capped=capped,
        number=min(query.page, num_pages),
        num_pages=num_pages,
        concepts=concepts,
        offer_concepts=offer_concepts,
        here_space=here_space,
    )


def _language() -> str:
    return get_language() or "fr"
