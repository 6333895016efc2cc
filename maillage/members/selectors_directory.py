"""The directory's read side: search and browse members' profiles, as one viewer may see them.

Privacy first: every row the search touches is a `SearchEntry` the viewer may see
(`visible_entries_q`, the profile access gate as a query), and each way of matching reads
only the entries of its own section: a skill matches through a visible "skills" entry, an
offer through a visible "offers" entry, the coffee/lunch and "here today" filters through a
visible "availability" entry. A hidden section can therefore never make a profile appear,
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
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.access import Viewer
from maillage.core.models import Activity, ActivityKind, Space
from maillage.members.access import visible_entries_q, visible_sections
from maillage.members.models import (
    Need,
    Offer,
    Profile,
    ProfileSkill,
    SearchEntry,
    SkillConcept,
    SkillLevel,
    Visibility,
)
from maillage.members.services.search import (
    FTS_TABLE,
    Term,
    analyse,
    concept_words,
    fts_ensure,
    query_terms,
)

PAGE_SIZE = 20
COUNT_CAP = 1_000  # browsing counts "more than 1,000" rather than every visible profile
NEW_MEMBER_DAYS = 30
MAX_QUERY_CHARS = 120

# How much a match in each section is worth (a word match; concept matches below).
TEXT_WEIGHTS = {
    "name": 3.0,
    "offers": 1.6,
    "skills": 1.4,
    "about": 1.0,
    "needs": 0.8,
    "interests": 0.5,
    "availability": 0.3,
}
CONCEPT_WEIGHTS = {"offers": 2.0, "skills": 1.8, "needs": 0.9}
LINK_MIN_SCORE = 0.7
LINK_MARGIN = 0.15  # concepts scoring this much below the best link are left out
LINK_LIMIT = 5
FAR_POOL = 100  # candidate entries per way of matching, beyond the viewer's operators
SAME_SPACE_BOOST = 1.5
SAME_OPERATOR_BOOST = 1.25


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


@dataclass(frozen=True)
class Reason:
    """Why a profile matched, in words: « Compétence : Design graphique (expert) — … »."""

    label: str
    text: str
    hint: str = ""

    @property
    def label_text(self) -> str:
        # French puts a (non-breaking) space before the colon.
        return _("%(label)s:") % {"label": self.label}

    def __str__(self) -> str:
        sentence = f"{self.label_text} {self.text}"
        return f"{sentence} — {self.hint}" if self.hint else sentence


@dataclass
class DirectoryResult:
    profile: Profile
    sections: frozenset[str]
    reasons: list[Reason] = field(default_factory=list)
    skills: list[SkillInfo] = field(default_factory=list)
    offers: list[ItemInfo] = field(default_factory=list)

    def sees(self, section: str) -> bool:
        return section in self.sections

    @property
    def url(self) -> str:
        return reverse("profile_detail", kwargs={"member_id": self.profile.member_id})

    @property
    def initials(self) -> str:
        name = self.profile.member.user.full_name or self.profile.member.user.email
        return "".join(part[0] for part in name.split()[:2]).upper()


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


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "fr"


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


def _visible(viewer: Viewer, vis: Q) -> QuerySet[SearchEntry]:
    return SearchEntry.objects.filter(vis)


def _fts_query(term: Term) -> str:
    parts = [f'"{s}"' for s in term.stems]
    if term.prefix:
        parts.append(f'"{term.word}"*')
    return " OR ".join(parts)


class EntrySQL(Expression):
    """SQL over the search entry's own row: `{entry}` becomes the entry table's alias in the
    query at hand (Django renames it inside subqueries, where a hard-coded table name would
    silently point at the outer query's row)."""

    def __init__(self, sql: str, params: Sequence, output_field) -> None:
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        entry = compiler.quote_name_unless_alias(compiler.query.base_table)
        return self.sql.replace("{entry}", entry), self.params


def _tsquery_parts(term: Term) -> tuple[list[str], list[str]]:
    """A term as PostgreSQL tsqueries to OR together: each form in French and in English,
    and the word as a prefix while it is being typed."""
    parts, params = [], []
    for form in term.forms:
        parts += ["to_tsquery('french', %s)", "to_tsquery('english', %s)"]
        params += [form, form]
    if term.prefix:
        parts.append("to_tsquery('simple', %s)")
        params.append(f"{term.word}:*")
    return parts, params


def _match_and_rank(term: Term) -> tuple[EntrySQL, EntrySQL]:
    """A term's match condition on an entry and its rank (≥ 0), for this database.

    The raw SQL holds only our own table, column and function names: the words typed go in
    as parameters (and are [a-z0-9] only, after the analyser)."""
    if connection.vendor == "postgresql":
        parts, params = _tsquery_parts(term)
        tsquery = "(" + " || ".join(parts) + ")"
        match = EntrySQL(
            '{entry}."search_vector" @@ ' + tsquery, params, output_field=BooleanField()
        )
        rank = EntrySQL(
            'ts_rank({entry}."search_vector", ' + tsquery + ", 1) * 10",
            params,
            output_field=FloatField(),
        )
        return match, rank
    fts_ensure()
    fts = _fts_query(term)
    match = EntrySQL(
        '{entry}."id" IN (SELECT rowid FROM ' + f"{FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
        [fts],
        output_field=BooleanField(),
    )
    # bm25() would need a correlated FTS query per row (slow in SQLite); shorter entries
    # rank a little higher instead (a match in a headline beats one in a long bio).
    rank = EntrySQL('50.0 / (50.0 + length({entry}."stems"))', [], output_field=FloatField())
    return match, rank


def _branch(qs: QuerySet, *, score, term: int, far: bool, limit: int | None = None):
    """One way of matching as candidate rows: (entry, profile, score, query word, far)."""
    qs = qs.annotate(
        m_entry=F("id"),
        m_profile=F("profile_id"),
        m_score=Cast(score, FloatField()),
        m_term=Value(term, output_field=IntegerField()),
        m_far=Value(int(far), output_field=IntegerField()),
    ).values_list("m_entry", "m_profile", "m_score", "m_term", "m_far")
    if limit is not None:
        qs = qs[:limit]
    return qs.query.get_compiler(using=qs.db).as_sql()


@dataclass(frozen=True)
class _Scope:
    """Where a search looks. Entries of the viewer's own operators are all considered (a
    community's size does not grow with the network); the rest of the network only through
    a pool of at most FAR_POOL candidate entries per way of matching, taken before any join,
    so that the cost stays bounded however large the network grows."""

    operators: tuple[int, ...]
    home_spaces: tuple[int, ...]
    wide: tuple[str, ...]  # visibilities that reach the viewer from other operators
    near_only: bool = False  # a filter on one of the viewer's spaces: the network is out

    @property
    def near(self) -> Q:
        return Q(operator_id__in=self.operators)

    @property
    def far(self) -> Q:
        """Entries of other operators the viewer may see at all (cheap columns only)."""
        return Q(visibility__in=self.wide) & ~Q(operator_id__in=self.operators)

    @classmethod
    def of(cls, viewer: Viewer, *, near_only: bool = False) -> _Scope:
        operators = tuple(sorted({r.operator_id for r in viewer.records}))
        wide = (Visibility.PUBLIC, Visibility.NETWORK) if operators else (Visibility.PUBLIC,)
        return cls(
            operators=operators,
            home_spaces=tuple(sorted({r.home_space_id for r in viewer.records})),
            wide=tuple(str(v) for v in wide),
            near_only=near_only,
        )

    def proximity(self) -> Case:
        """People one can meet rank higher: same space, then same operator."""
        return Case(
            When(space_id__in=self.home_spaces, then=Value(SAME_SPACE_BOOST)),
            When(operator_id__in=self.operators, then=Value(SAME_OPERATOR_BOOST)),
            default=Value(1.0),
            output_field=FloatField(),
        )


def _scoped_match(term: Term, scope: _Scope, *, near: bool) -> EntrySQL | None:
    """On PostgreSQL, where to look as part of the full-text query itself: the tsvector holds
    `#op<operator id>` and `#v<visibility>` lexemes (migration 0003), so the GIN index alone
    finds the candidates within the viewer's operators (`near`) or visible to them across the
    network, and the table is read for those only, never for every match in the network."""
    if connection.vendor != "postgresql":
        return None
    parts, params = _tsquery_parts(term)
    mine = " | ".join(f"'#op{int(o)}'" for o in scope.operators)
    if near:
        where = mine
    else:
        wide = " | ".join(f"'#v{v}'" for v in scope.wide)
        where = f"({wide}) & !({mine})" if mine else wide
    tsquery = "((" + " || ".join(parts) + ") && %s::tsquery)"
    return EntrySQL(
        '{entry}."search_vector" @@ ' + tsquery,
        [*params, where],
        output_field=BooleanField(),
    )


def _text_branches(terms: Sequence[Term], scope: _Scope) -> list:
    weight = Case(
        *[When(section=s, then=Value(w)) for s, w in TEXT_WEIGHTS.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    branches = []
    entries = SearchEntry.objects.all()
    for i, term in enumerate(terms):
        match, rank = _match_and_rank(term)
        # weight × (1 + r / (1 + r)): every match counts, a better one a little more.
        score = weight * (Value(1.0) + rank / (Value(1.0) + rank)) * scope.proximity()
        if scope.operators:
            near = _scoped_match(term, scope, near=True)
            near = entries.filter(near) if near else entries.filter(scope.near, match)
            branches.append(_branch(near, score=score, term=i, far=False))
        if not scope.near_only:
            far = _scoped_match(term, scope, near=False)
            far = entries.filter(far) if far else entries.filter(scope.far, match)
            branches.append(_branch(far, score=score, term=i, far=True, limit=FAR_POOL))
    return branches


def _concept_branches(concepts: Sequence[LinkedConcept], n_terms: int, scope: _Scope) -> list:
    branches = []
    entries = SearchEntry.objects.all()
    for i in range(n_terms):
        mine = [c for c in concepts if i in c.terms]
        if not mine:
            continue
        ids = [c.concept_id for c in mine]

        def weight(path: str, mine=mine) -> Case:
            # A concept that stands for several words is shared between them.
            return Case(
                *[When(**{path: c.concept_id}, then=Value(c.score / len(c.terms))) for c in mine],
                default=Value(0.0),
                output_field=FloatField(),
            )

        level = Cast(F("profile__skills__level"), FloatField())
        ways = (
            (
                {"section": "skills", "profile__skills__concept_id__in": ids},
                weight("profile__skills__concept_id")
                * Value(CONCEPT_WEIGHTS["skills"])
                * (Value(0.6) + level / Value(10.0)),
            ),
            (
                {
                    "section": "offers",
                    "profile__offers__is_active": True,
                    "profile__offers__skills__in": ids,
                },
                weight("profile__offers__skills") * Value(CONCEPT_WEIGHTS["offers"]),
            ),
            (
                {
                    "section": "needs",
                    "profile__needs__is_open": True,
                    "profile__needs__skills__in": ids,
                },
                weight("profile__needs__skills") * Value(CONCEPT_WEIGHTS["needs"]),
            ),
        )
        for match, score in ways:
            score = score * scope.proximity()
            if scope.operators:
                near = entries.filter(scope.near, **match)
                branches.append(_branch(near, score=score, term=i, far=False))
            if not scope.near_only:
                far = entries.filter(scope.far).filter(**match)
                branches.append(_branch(far, score=score, term=i, far=True, limit=FAR_POOL))
    return branches


def _ranked_page(
    branches: list[tuple[str, tuple]], gate: QuerySet, *, offset: int, limit: int
) -> tuple[list[int], int, bool]:
    """Profile ids of one page, best first; the number of matching profiles; and whether a
    pool of network candidates was full (then there may be more matches than counted).

    Candidates come first, from the search indexes alone (bounded: the viewer's operators
    in full, FAR_POOL rows per way of matching beyond them); then the privacy gate, applied
    once to all of them (`gate`: visible entries, with the filters); then the ranking."""
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS b{i}"  # noqa: S608 (our own compiled SQL)
        for i, (sql, _) in enumerate(branches)
    )
    params: list = [p for _, ps in branches for p in ps]
    visible = gate.filter(id__in=RawSQL("SELECT m_entry FROM c", [])).values("id")
    gate_sql, gate_params = visible.query.get_compiler(using=visible.db).as_sql()
    sql = f"""
        WITH c AS ({union})
        SELECT profile_id, score, COUNT(*) OVER () AS total FROM (
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
    """  # noqa: S608 (only our own compiled SQL; values are parameters)
    pools = f"""
        WITH c AS ({union})
        SELECT COUNT(*) FROM c WHERE m_far = 1 GROUP BY m_term
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The search tables are small and hot: random reads cost little more than
            # sequential ones. Said for this query only, the planner then follows the indexes
            # (concept → offer → entry) instead of hashing whole tables as it would with the
            # default cost for spinning disks. Production servers on SSDs usually set it.
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        cursor.execute(sql, [*params, *gate_params, limit, offset])
        rows = cursor.fetchall()
        capped = False
        if rows:
            cursor.execute(pools, params)
            capped = any(n >= FAR_POOL for (n,) in cursor.fetchall())
    if not rows:
        return [], 0, False
    return [row[0] for row in rows], rows[0][2], capped


def _browse_page(base: QuerySet, *, offset: int, limit: int) -> tuple[list[int], int]:
    """Visible profiles, most recently updated first (their "name" entry is the newest), and
    how many there are, counting no further than COUNT_CAP + 1: one bounded query."""
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
        return [], 0 if offset == 0 else _browse_page(base, offset=0, limit=1)[1]
    return [row[0] for row in rows], rows[0][1]


def _browse_filtered(
    scope: _Scope, gate: QuerySet, *, space_id: int | None, offset: int, limit: int
) -> tuple[list[int], int, bool]:
    """Browsing with filters: the same bounded candidates as a search (every profile of the
    viewer's operators, the newest FAR_POOL × 5 visible across the network), then the gate
    with the filters, nearby people first, most recently updated first."""
    names = SearchEntry.objects.filter(section="name")
    near = names.filter(scope.near)
    if space_id:
        near = near.filter(space_id=space_id)
    columns = ("id", "profile_id", "m_near")
    parts = [near.annotate(m_near=Value(1, output_field=IntegerField())).values_list(*columns)]
    if not scope.near_only:
        far = names.filter(scope.far).order_by("-id")
        far = far.annotate(m_near=Value(0, output_field=IntegerField())).values_list(*columns)
        parts.append(far[: FAR_POOL * 5])
    compiled = [q.query.get_compiler(using=q.db).as_sql() for q in parts]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS p{i}"  # noqa: S608 (our own compiled SQL)
        for i, (sql, _) in enumerate(compiled)
    )
    params = [p for _, ps in compiled for p in ps]
    visible = gate.filter(id__in=RawSQL("SELECT id FROM c", [])).values("id")
    gate_sql, gate_params = visible.query.get_compiler(using=visible.db).as_sql()
    sql = f"""
        WITH c AS ({union})
        SELECT profile_id, COUNT(*) OVER () FROM c
        WHERE id IN ({gate_sql})
        ORDER BY m_near DESC, id DESC
        LIMIT %s OFFSET %s
    """  # noqa: S608 (only our own compiled SQL; values are parameters)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL random_page_cost = 1.1")  # see _ranked_page
        cursor.execute(sql, [*params, *gate_params, limit, offset])
        rows = cursor.fetchall()
        capped = False
        if not scope.near_only:
            cursor.execute(f"WITH c AS ({union}) SELECT COUNT(*) FROM c WHERE m_near = 0", params)  # noqa: S608
            capped = cursor.fetchone()[0] >= FAR_POOL * 5
    if not rows:
        if offset:
            total, capped = _browse_filtered(scope, gate, space_id=space_id, offset=0, limit=1)[1:]
            return [], total, capped
        return [], 0, capped
    return [row[0] for row in rows], rows[0][1], capped


def _ranked_count(branches: list[tuple[str, tuple]], gate: QuerySet) -> tuple[int, bool]:
    _ids, total, capped = _ranked_page(branches, gate, offset=0, limit=1)
    return total, capped


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
            start, end = _today(here_space)
            present = Activity.objects.filter(
                space_id=here_space.pk,
                occurred_at__gte=start,
                occurred_at__lt=end,
                kind=ActivityKind.CHECKED_IN,
            ).values("member_id")
            available = available.filter(profile__member_id__in=present)
        q &= Q(profile_id__in=available.values("profile_id"))
    if query.offers:
        ids = [c.concept_id for c in offer_concepts]
        offering = SearchEntry.objects.filter(
            vis, section="offers", profile__offers__is_active=True, profile__offers__skills__in=ids
        )
        q &= Q(profile_id__in=offering.values("profile_id"))
    return q


def _today(space: SpaceChoice) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.now().astimezone(zoneinfo.ZoneInfo(space.time_zone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


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
    base = _visible(viewer, vis).filter(_filters(viewer, query, vis, offer_concepts, here_space))

    if query.offers and not offer_concepts:
        ids, count, capped = [], 0, False
    elif terms:
        scope = _Scope.of(viewer, near_only=bool(query.space_id or here_space))
        branches = _text_branches(terms, scope) + _concept_branches(concepts, len(terms), scope)
        ids, count, capped = _ranked_page(
            branches, base, offset=(query.page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        if not ids and query.page > 1:
            count, capped = _ranked_count(branches, base)
    elif query.is_search:  # only stopwords
        ids, count, capped = [], 0, False
    elif query.has_filters:
        ids, count, capped = _browse_filtered(
            _Scope.of(viewer, near_only=bool(query.space_id or here_space)),
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
    results = _results(viewer, ids, terms, concepts)
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


# --- results and why they matched ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConceptInfo:
    """The parts of a skill concept a result card and "why it matched" use."""

    id: int
    label_fr: str
    label_en: str
    alt_labels: dict

    @property
    def pk(self) -> int:
        return self.id

    def label(self, language: str | None = None) -> str:
        language = (language or _language())[:2]
        return (self.label_en if language == "en" else self.label_fr) or self.label_fr


@dataclass(frozen=True, slots=True)
class SkillInfo:
    concept: ConceptInfo
    level: int


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """An active offer or an open need."""

    title: str
    description: str
    concepts: tuple[ConceptInfo, ...]


@dataclass
class _Content:
    """What one profile holds, read in bulk for a page of results."""

    skills: list[SkillInfo] = field(default_factory=list)
    offers: list[ItemInfo] = field(default_factory=list)
    needs: list[ItemInfo] = field(default_factory=list)
    interests: list[tuple[str, str]] = field(default_factory=list)  # (French, English)


def _concept(row: Sequence) -> ConceptInfo:
    return ConceptInfo(row[0], row[1], row[2] or "", row[3] or {})


def _contents(ids: list[int], *, full: bool) -> dict[int, _Content]:
    """Skills and active offers of these profiles (and, when `full`, open needs and
    interests, for "why it matched"), in a few flat queries of plain values."""
    contents = {pk: _Content() for pk in ids}
    concept = ("id", "label_fr", "label_en", "alt_labels")
    skills = (
        ProfileSkill.objects.filter(profile_id__in=ids)
        .order_by("-level", "pk")
        .values_list("profile_id", "level", *(f"concept__{f}" for f in concept))
    )
    for profile_id, level, *row in skills:
        contents[profile_id].skills.append(SkillInfo(_concept(row), level))
    kinds: list[tuple[type, dict, str]] = [(Offer, {"is_active": True}, "offers")]
    if full:
        kinds.append((Need, {"is_open": True}, "needs"))
    for model, live, attr in kinds:
        rows = list(
            model.objects.filter(profile_id__in=ids, **live)
            .order_by("-created_at", "-pk")
            .values_list("pk", "profile_id", "title", "description")
        )
        linked: dict[int, list[ConceptInfo]] = {}
        if full:  # the cards show titles; skills only explain a match
            through = model.skills.through
            key = f"{model._meta.model_name}_id"
            for item_id, *row in through.objects.filter(
                **{f"{key}__in": [r[0] for r in rows]}
            ).values_list(key, *(f"skillconcept__{f}" for f in concept)):
                linked.setdefault(item_id, []).append(_concept(row))
        for item_id, profile_id, title, description in rows:
            item = ItemInfo(title, description, tuple(linked.get(item_id, ())))
            getattr(contents[profile_id], attr).append(item)
    if full:
        interests = Profile.interests.through.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "interest__label_fr", "interest__label_en"
        )
        for profile_id, label_fr, label_en in interests:
            contents[profile_id].interests.append((label_fr, label_en))
    return contents


# What a card, the access gate and "why it matched" read of a profile and its member.
PROFILE_FIELDS = (
    "member_id", "headline", "bio", "photo", "company_id", "listed", "availability_note",
    *(f"visibility_{s}" for s in Profile.SECTIONS),
    "member__user_id", "member__operator_id", "member__home_space_id", "member__role",
    "member__user__full_name", "member__user__email",
    "member__home_space__name", "member__home_space__operator_id",
    "company__name",
)  # fmt: skip


def _results(
    viewer: Viewer, ids: list[int], terms: Sequence[Term], concepts: Sequence[LinkedConcept]
) -> list[DirectoryResult]:
    if not ids:
        return []
    profiles = (
        Profile.objects.filter(pk__in=ids)
        .select_related("member__user", "member__home_space", "company")
        .only(*PROFILE_FIELDS)
    )
    by_id = {p.pk: p for p in profiles}
    contents = _contents(list(by_id), full=bool(terms))
    results = []
    for pk in ids:
        profile = by_id.get(pk)
        if profile is None:
            continue
        # The gate again, for what the card shows: a profile the search let through but
        # the gate would not (an entry not yet reindexed) is left out rather than shown.
        sections = visible_sections(viewer, profile)
        if not sections:
            continue
        content = contents[pk]
        result = DirectoryResult(profile=profile, sections=sections)
        if "skills" in sections:
            result.skills = content.skills[:5]
        if "offers" in sections:
            result.offers = content.offers[:2]
        if terms:
            result.reasons = why_matched(profile, content, sections, terms, concepts)
        results.append(result)
    return results


def _level(level: int) -> str:
    return str(SkillLevel(level).label) if level in SkillLevel.values else ""


def why_matched(
    profile: Profile,
    content: _Content,
    sections: frozenset[str],
    terms: Sequence[Term],
    concepts: Sequence[LinkedConcept],
) -> list[Reason]:
    """Why a profile matched, in the viewer's words, from the sections they may see only."""
    linked = {c.concept_id: c for c in concepts}
    query_words = " ".join(t.word for t in terms)
    reasons: list[Reason] = []

    def hits(*texts: str) -> bool:
        analysed = analyse(" ".join(t for t in texts if t))
        return any(term.matches(analysed) for term in terms)

    def concept_reason(concept: ConceptInfo) -> tuple[bool, str]:
        """(matched, hint): a hint when the words alone would not have matched."""
        if hits(*concept_words(concept)):
            return True, ""
        if concept.pk in linked:
            return True, _("close to “%(words)s”") % {"words": query_words}
        return False, ""

    def items(found: Sequence[ItemInfo], label: str) -> None:
        for item in found:
            skill_hits = [concept_reason(c) for c in item.concepts]
            if hits(item.title, item.description) or any(m for m, _h in skill_hits):
                hint = next((h for m, h in skill_hits if m and h), "")
                reasons.append(Reason(label, item.title, hint))

    if "offers" in sections:
        items(content.offers, _("Offer"))
    if "skills" in sections:
        for skill in content.skills:
            matched, hint = concept_reason(skill.concept)
            if matched:
                level = _level(skill.level)
                text = f"{skill.concept.label()} ({level})" if level else skill.concept.label()
                reasons.append(Reason(_("Skill"), text, hint))
    user = profile.member.user
    if hits(user.full_name):
        reasons.append(Reason(_("Name"), user.full_name))
    if "about" in sections:
        if hits(profile.headline):
            reasons.append(Reason(_("Headline"), profile.headline))
        if profile.company_id and hits(profile.company.name):
            reasons.append(Reason(_("Company"), profile.company.name))
        if hits(profile.bio):
            reasons.append(Reason(_("About"), _snippet(profile.bio, terms)))
    if "needs" in sections:
        items(content.needs, _("Need"))
    if "interests" in sections:
        english = _language()[:2] == "en"
        for label_fr, label_en in content.interests:
            if hits(label_fr, label_en):
                reasons.append(Reason(_("Interest"), label_en if english else label_fr))
    if "availability" in sections and hits(profile.availability_note):
        reasons.append(Reason(_("Availability"), profile.availability_note))
    return reasons


def _snippet(text: str, terms: Sequence[Term], width: int = 60) -> str:
    """A few words of `text` around the first word that matches."""
    plain = " ".join(text.split())
    words = plain.split(" ")
    for i, word in enumerate(words):
        if any(term.matches(analyse(word)) for term in terms):
            start = max(0, i - 4)
            piece = " ".join(words[start : start + 12])
            prefix = "… " if start > 0 else ""
            suffix = " …" if start + 12 < len(words) else ""
            return f"{prefix}{piece}{suffix}"
    return plain[:width] + ("…" if len(plain) > width else "")
