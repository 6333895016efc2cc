"""People's names in the order a French reader expects: "Émilie" among the E, "de Vries"
among the D, whatever the case, on SQLite, PostgreSQL and in Python alike.

A database compares text byte by byte unless told otherwise (SQLite always; PostgreSQL with
a "C" cluster), which puts every accented capital after Z. PostgreSQL sorts with ICU's
root collation (`und-x-icu`, shipped with Debian's and most builds); SQLite with a collation
this module registers on each connection, built on the same key as Python's sorting.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

SQLITE_COLLATION = "maillage_name"
POSTGRESQL_COLLATION = "und-x-icu"


@functools.lru_cache(maxsize=65_536)  # SQLite compares a name with many others
def name_key(text: str | None) -> tuple[str, str, str]:
    """Letters without accents and case first, then accents, then case, lower case first
    (as ICU's root collation does)."""
    text = text or ""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return base, decomposed.casefold(), text.swapcase()


def _compare(a: str, b: str) -> int:
    ka, kb = name_key(a), name_key(b)
    return (ka > kb) - (ka < kb)


def register(sender, connection, **kwargs) -> None:
    """Give each new SQLite connection the names' collation (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


def by_name(field: str):
    """An expression to order a queryset by a name field, accents and case aside."""
    if connection.vendor == "postgresql":
        return Collate(F(field), POSTGRESQL_COLLATION)
    if connection.vendor == "sqlite":
        return Collate(F(field), SQLITE_COLLATION)
    return F(field)
