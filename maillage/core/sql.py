"""Reads that every request makes, written in SQL once per process instead of compiled by the
ORM each time.

Django compiles a queryset's SQL on every evaluation. For the few reads that every logged-in
request makes (its session, its account, the viewer's member records) that compilation cost
more than the database's answer: 0.3 to 0.7 ms each, against 0.05 ms in SQLite and one
loopback round trip in PostgreSQL. Here the SQL text is built once per model, conditions and
database vendor from the models' metadata (names only; every value is a parameter, prepared
by its field as the ORM would), and rows are made into model instances through `from_db` with
the database's converters, as the ORM does. Tests compare every such read with the ORM's.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def column(model: type[models.Model], name: str, alias: str = "") -> str:
    """The quoted column of a model's field, for SQL written by hand (`alias.` before it)."""
    quoted = connection.ops.quote_name(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def converters(model: type[models.Model], alias: str, offset: int = 0) -> list[tuple]:
    """(column index, converter functions, column) for the columns of `model` that need
    converting, its concrete fields starting at `offset` in the row.

    Worked out once per database connection (the functions are bound to it): asking each
    field for them cost about 0.1 ms per model and read."""
    # The connection of this thread itself, not the `connection` proxy (shared by threads).
    known = connections[DEFAULT_DB_ALIAS].__dict__.setdefault("_maillage_converters", {})
    key = (model, alias, offset)
    if key not in known:
        known[key] = _converters(model, alias, offset)
    return known[key]


def _converters(model: type[models.Model], alias: str, offset: int) -> list[tuple]:
    out = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(alias)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            out.append((offset + i, functions, column))
    return out


def instance(model: type[models.Model], row: Sequence, conversions: list[tuple], offset: int = 0):
    """A model instance from its columns in `row` (from `offset`), converted in place."""
    values = list(row)
    for i, functions, column in conversions:
        for convert in functions:
            values[i] = convert(values[i], column, connection)
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return model.from_db(connection.alias, names, values[offset : offset + len(fields)])


def table(model: type[models.Model], alias: str) -> str:
    """`model`'s quoted table and its alias, for a FROM written by hand."""
    return f"{connection.ops.quote_name(model._meta.db_table)} {alias}"


def join(model: type[models.Model], alias: str, on: str, *, outer: bool = False) -> str:
    """A JOIN of `model` (as `alias`) on its primary key equal to the column `on`."""
    kind = "LEFT JOIN" if outer else "JOIN"
    return f"{kind} {table(model, alias)} ON {column(model, model._meta.pk.name, alias)} = {on}"


def marks(n: int) -> str:
    """`n` parameter marks, for an IN (…) written by hand."""
    return ", ".join(["%s"] * n)


def prep(model: type[models.Model], name: str, value: object) -> object:
    """`value` as a parameter for the column of `model`'s field `name`, prepared by the field
    as the ORM would (e.g. a datetime or a date for SQLite)."""
    return model._meta.get_field(name).get_db_prep_value(value, connection, prepared=False)


def fetch(text: str, params: Sequence[object]) -> list[tuple]:
    """The rows of a query written by hand (names from the models' metadata; every value a
    parameter)."""
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.fetchall()


# A read of several models, written by hand, names its tables as "parts": the first table as
# (model, alias), then each table joined to it as (model, alias, parent alias, foreign key of
# the parent), e.g. ((Booking, "b"), (Resource, "r", "b", "resource"), (Space, "s", "r",
# "space")). `source` writes its FROM and JOINs, `columns` its SELECT list, and `instances`
# makes each row into the models, each attached to its parent as select_related would.


def columns(parts: Sequence[tuple]) -> str:
    """The quoted columns of the parts' models, each under its alias."""
    qn = connection.ops.quote_name
    return ", ".join(
        f"{alias}.{qn(field.column)}"
        for model, alias, *_ in parts
        for field in model._meta.concrete_fields
    )


def source(parts: Sequence[tuple]) -> str:
    """FROM the first part's table, then JOIN each other part on its primary key from its
    parent's foreign key (a LEFT JOIN when that key may be NULL)."""
    (first, first_alias), *linked = parts
    models_by_alias = {alias: model for model, alias, *_ in parts}
    clauses = [f"FROM {table(first, first_alias)}"]
    for model, alias, parent, key in linked:
        owner = models_by_alias[parent]
        nullable = owner._meta.get_field(key).null
        clauses.append(join(model, alias, column(owner, key, parent), outer=nullable))
    return " ".join(clauses)


def instances(parts: Sequence[tuple], rows: Sequence[Sequence]) -> list:
    """For each row of a SELECT of `columns(parts)` `source(parts)`: a tuple of the parts'
    instances, in their order, each joined one cached on its parent's foreign key. A part
    whose primary key is NULL in a row (an outer join that found nothing) gives None."""
    layout, offset, position = [], 0, {}
    for i, (model, alias, *link) in enumerate(parts):
        fields = model._meta.concrete_fields
        pk_at = offset + fields.index(model._meta.pk)
        if link:
            parent, key = link
            owner_at = position[parent]
            link = (owner_at, parts[owner_at][0]._meta.get_field(key))
        layout.append((model, offset, pk_at, converters(model, alias, offset), link))
        position[alias] = i
        offset += len(fields)
    out = []
    for row in rows:
        made: list = []
        for model, start, pk_at, conversions, link in layout:
            found = None if row[pk_at] is None else instance(model, row, conversions, start)
            if link and made[link[0]] is not None:
                link[1].set_cached_value(made[link[0]], found)
            made.append(found)
        out.append(tuple(made))
    return out


@functools.cache
def _select_sql(
    model: type[models.Model],
    conditions: tuple[tuple[str, str], ...],
    order_by: tuple[str, ...],
    limit: bool,
    vendor: str,
):
    qn = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(qn(field.column) for field in meta.concrete_fields)
    where = " AND ".join(
        f"{column(model, name)} IS NULL" if op == "is null" else f"{column(model, name)} {op} %s"
        for name, op in conditions
    )
    order = ", ".join(
        f"{column(model, name.removeprefix('-'))}{' DESC' if name.startswith('-') else ''}"
        for name in order_by
    )
    # Only names from the models' metadata go into the text; every value is a parameter.
    text = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {where}"  # noqa: S608
    if order:
        text += f" ORDER BY {order}"
    if limit:
        text += " LIMIT %s"
    return text


def select(
    model: type[models.Model],
    conditions: Sequence[tuple[str, str, object]],
    *,
    order_by: Sequence[str] = (),
    limit: int | None = None,
) -> list:
    """Instances of `model` whose fields meet every (field name, operator, value) condition,
    e.g. `select(Session, [("session_key", "=", key), ("expire_date", ">", now)])`; a value
    of None with "=" means IS NULL. `order_by` names fields ("-" before a name: descending)."""
    meta = model._meta
    shape = tuple(
        (name, "is null" if op == "=" and value is None else op) for name, op, value in conditions
    )
    if any(op not in {"=", "<", ">", "<=", ">=", "is null"} for _, op in shape):
        raise ValueError(f"unsupported operator in {shape!r}")
    params = [
        meta.get_field(name).get_db_prep_value(value, connection, prepared=False)
        for (name, _, value), (_, op) in zip(conditions, shape, strict=True)
        if op != "is null"
    ]
    if limit is not None:
        params.append(limit)
    text = _select_sql(model, shape, tuple(order_by), limit is not None, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    conversions = converters(model, meta.db_table)
    return [instance(model, row, conversions) for row in rows]
