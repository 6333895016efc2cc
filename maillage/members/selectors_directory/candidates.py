"""Candidates for a directory search, found through the search indexes alone.

Each way of matching is one small SQL query over the entries (and, for skills, the tables
that hold them), written by hand: at 16 of them per two-word query, building them through
the ORM cost more time than running them. Each yields rows
`(m_entry, m_profile, m_score, m_term, m_far)`.

Where to look (`Scope`): every entry of the viewer's own operators (a community's size does
not grow with the network), and beyond them at most FAR_POOL entries per way of matching,
taken before any join. Candidates are only candidates: the privacy gate
(`visible_entries_q`) is applied to all of them afterwards, in `directory`.

On PostgreSQL the "where" is part of the full-text query itself (`#op<id>`, `#v<visibility>`
lexemes, migration 0003), so the GIN index alone finds them; on SQLite, FTS5 finds the
matches and the entry's own columns narrow them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from maillage.core.access import Viewer
from maillage.members.models import Need, Offer, ProfileSkill, SearchEntry, Visibility
from maillage.members.services.search import FTS_TABLE, Term, fts_ensure

FAR_POOL = 60  # candidate entries per way of matching, beyond the viewer's operators
SAME_SPACE_BOOST = 1.5
SAME_OPERATOR_BOOST = 1.25

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

ENTRY = SearchEntry._meta.db_table
Branch = tuple[str, list]


@dataclass(frozen=True)
class Concept:
    """A taxonomy concept the query stands for, as the SQL needs it."""

    id: int
    score: float
    terms: tuple[int, ...]


@dataclass(frozen=True)
class Scope:
    """Where a search looks: the viewer's operators in full, a pool of the network beyond."""

    operators: tuple[int, ...]
    home_spaces: tuple[int, ...]
    wide: tuple[str, ...]  # visibilities that reach the viewer from other operators
    near_only: bool = False  # a filter on one of the viewer's spaces: the network is out

    @classmethod
    def of(cls, viewer: Viewer, *, near_only: bool = False) -> Scope:
        operators = tuple(sorted({r.operator_id for r in viewer.records}))
        wide = (Visibility.PUBLIC, Visibility.NETWORK) if operators else (Visibility.PUBLIC,)
        return cls(
            operators=operators,
            home_spaces=tuple(sorted({r.home_space_id for r in viewer.records})),
            wide=tuple(str(v) for v in wide),
            near_only=near_only,
        )


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _where(scope: Scope, *, far: bool, alias: str = "e") -> Branch:
    """The entry's own columns for near (the viewer's operators) or far (the rest)."""
    if not far:
        return f"{alias}.operator_id IN ({_marks(scope.operators)})", list(scope.operators)
    sql, params = f"{alias}.visibility IN ({_marks(scope.wide)})", list(scope.wide)
    if scope.operators:
        sql += f" AND {alias}.operator_id NOT IN ({_marks(scope.operators)})"
        params += list(scope.operators)
    return sql, params


def _proximity(scope: Scope) -> Branch:
    """People one can meet rank higher: same space, then same operator."""
    if not scope.operators:
        return "1.0", []
    return (
        f"(CASE WHEN e.space_id IN ({_marks(scope.home_spaces)}) THEN %s "
        f"WHEN e.operator_id IN ({_marks(scope.operators)}) THEN %s ELSE 1.0 END)",
        [*scope.home_spaces, SAME_SPACE_BOOST, *scope.operators, SAME_OPERATOR_BOOST],
    )


def _section_weight() -> Branch:
    whens = " ".join("WHEN %s THEN %s" for _ in TEXT_WEIGHTS)
    params = [x for item in TEXT_WEIGHTS.items() for x in item]
    return f"(CASE e.section {whens} ELSE 0.0 END)", params


def _tsquery(term: Term) -> Branch:
    """A term as a PostgreSQL tsquery: each form in French and in English, OR-ed, and the
    word as a prefix while it is being typed."""
    parts, params = [], []
    for form in term.forms:
        parts += ["to_tsquery('french', %s)", "to_tsquery('english', %s)"]
        params += [form, form]
    if term.prefix:
        parts.append("to_tsquery('simple', %s)")
        params.append(f"{term.word}:*")
    return "(" + " || ".join(parts) + ")", params


def _fts_query(term: Term) -> str:
    parts = [f'"{s}"' for s in term.stems]
    if term.prefix:
        parts.append(f'"{term.word}"*')
    return " OR ".join(parts)


def _text(term: Term, i: int, scope: Scope, *, far: bool) -> Branch:
    weight, weight_params = _section_weight()
    near, near_params = _proximity(scope)
    if connection.vendor == "postgresql":
        tsq, tsq_params = _tsquery(term)
        mine = " | ".join(f"'#op{int(o)}'" for o in scope.operators)
        if not far:
            where = mine
        else:
            wide = " | ".join(f"'#v{v}'" for v in scope.wide)
            where = f"({wide}) & !({mine})" if mine else wide
        rank = f"ts_rank(e.search_vector, {tsq}, 1) * 10"
        rank_params = tsq_params
        condition = f"e.search_vector @@ ({tsq} && %s::tsquery)"
        condition_params = [*tsq_params, where]
    else:
        fts_ensure()
        # bm25() would need a correlated FTS query per row (slow in SQLite): shorter
        # entries rank a little higher instead (a headline beats a long bio).
        rank, rank_params = "50.0 / (50.0 + length(e.stems))", []
        scope_sql, scope_params = _where(scope, far=far)
        condition = (
            f"e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "  # noqa: S608
            f"AND {scope_sql}"
        )
        condition_params = [_fts_query(term), *scope_params]
    # weight × (1 + r / (1 + r)): every match counts, a better one a little more.
    sql = (
        f"SELECT e.id AS m_entry, e.profile_id AS m_profile, "  # noqa: S608
        f"{weight} * (1.0 + ({rank}) / (1.0 + ({rank}))) * {near} AS m_score, "
        f"{i} AS m_term, {int(far)} AS m_far FROM {ENTRY} e WHERE {condition}"
    )
    params = [*weight_params, *rank_params, *rank_params, *near_params, *condition_params]
    return _limited(sql, params, far)


def _limited(sql: str, params: list, far: bool) -> Branch:
    return (f"{sql} LIMIT {FAR_POOL}", params) if far else (sql, params)


def _concept_case(column: str, concepts: Sequence[Concept]) -> Branch:
    """The linker's score of each concept, shared between the words it stands for."""
    whens = " ".join(f"WHEN {column} = %s THEN %s" for _ in concepts)
    params = [x for c in concepts for x in (c.id, c.score / len(c.terms))]
    return f"(CASE {whens} ELSE 0.0 END)", params


def _skills(concepts: Sequence[Concept], i: int, scope: Scope, *, far: bool) -> Branch:
    case, case_params = _concept_case("ps.concept_id", concepts)
    near, near_params = _proximity(scope)
    where, where_params = _where(scope, far=far)
    ids = [c.id for c in concepts]
    sql = (
        f"SELECT e.id AS m_entry, e.profile_id AS m_profile, "  # noqa: S608
        f"{case} * %s * (0.6 + ps.level / 10.0) * {near} AS m_score, "
        f"{i} AS m_term, {int(far)} AS m_far "
        f"FROM {ProfileSkill._meta.db_table} ps JOIN {ENTRY} e "
        f"ON e.profile_id = ps.profile_id AND e.section = %s "
        f"WHERE ps.concept_id IN ({_marks(ids)}) AND {where}"
    )
    params = [
        *case_params, CONCEPT_WEIGHTS["skills"], *near_params, "skills", *ids, *where_params
    ]  # fmt: skip
    return _limited(sql, params, far)


def _items(
    model, live: str, section: str, concepts: Sequence[Concept], i: int, scope: Scope, *, far: bool
) -> Branch:
    """Active offers or open needs that call for the concepts."""
    through = model.skills.through
    key = f"{model._meta.model_name}_id"
    case, case_params = _concept_case("t.skillconcept_id", concepts)
    near, near_params = _proximity(scope)
    where, where_params = _where(scope, far=far)
    ids = [c.id for c in concepts]
    sql = (
        f"SELECT e.id AS m_entry, e.profile_id AS m_profile, "  # noqa: S608
        f"{case} * %s * {near} AS m_score, {i} AS m_term, {int(far)} AS m_far "
        f"FROM {through._meta.db_table} t "
        f"JOIN {model._meta.db_table} x ON x.id = t.{key} AND x.{live} = %s "
        f"JOIN {ENTRY} e ON e.profile_id = x.profile_id AND e.section = %s "
        f"WHERE t.skillconcept_id IN ({_marks(ids)}) AND {where}"
    )
    params = [
        *case_params, CONCEPT_WEIGHTS[section], *near_params, True, section, *ids, *where_params
    ]  # fmt: skip
    return _limited(sql, params, far)


def branches(terms: Sequence[Term], concepts: Sequence[Concept], scope: Scope) -> list[Branch]:
    """Every way of matching the query, near and (unless `near_only`) far."""
    tiers = ([False] if scope.operators else []) + ([] if scope.near_only else [True])
    found: list[Branch] = []
    for i, term in enumerate(terms):
        found += [_text(term, i, scope, far=far) for far in tiers]
        mine = [c for c in concepts if i in c.terms]
        if not mine:
            continue
        for far in tiers:
            found.append(_skills(mine, i, scope, far=far))
            found.append(_items(Offer, "is_active", "offers", mine, i, scope, far=far))
            found.append(_items(Need, "is_open", "needs", mine, i, scope, far=far))
    return found


def names(scope: Scope, *, space_id: int | None) -> list[Branch]:
    """Candidates for browsing with filters: every "name" entry of the viewer's operators
    (or of one of their spaces), and the newest FAR_POOL × 5 visible across the network."""
    found: list[Branch] = []
    if scope.operators:
        where, params = _where(scope, far=False)
        if space_id:
            where, params = f"{where} AND e.space_id = %s", [*params, space_id]
        found.append(
            (
                f"SELECT e.id AS id, e.profile_id AS profile_id, 1 AS m_near "  # noqa: S608
                f"FROM {ENTRY} e WHERE e.section = %s AND {where}",
                ["name", *params],
            )
        )
    if not scope.near_only:
        where, params = _where(scope, far=True)
        found.append(
            (
                f"SELECT e.id AS id, e.profile_id AS profile_id, 0 AS m_near "  # noqa: S608
                f"FROM {ENTRY} e WHERE e.section = %s AND {where} "
                f"ORDER BY e.id DESC LIMIT {FAR_POOL * 5}",
                ["name", *params],
            )
        )
    return found


def union(found: Sequence[Branch]) -> Branch:
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({s}) AS b{i}"  # noqa: S608 (our own SQL)
        for i, (s, _) in enumerate(found)
    )
    return sql, [p for _, ps in found for p in ps]
