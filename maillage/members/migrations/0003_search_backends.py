# Backend-specific search structures for `SearchEntry`, invisible to Django's model state.
#
# PostgreSQL: a stored generated column `search_vector` = French ∪ English tsvector of `text`
# (the text is already unaccented by the analyser, so no `unaccent` extension is needed, and
# no extension at all: nothing here needs a superuser) plus `#op<operator id>` and
# `#v<visibility>` lexemes (no parser ever makes a `#`), so that finding candidates within
# the viewer's operators, or visible across the network, is a single GIN lookup; a GIN index on it; two small partial indexes over the one "name" entry each
# profile has, which browsing lists newest first (optionally within one space); and
# (operator, section) for skill matches within the viewer's operators. A generated column rather than an expression index:
# ranking (ts_rank) then reads the stored vector instead of re-parsing every matching text.
# Django never names the column, so inserts and updates are unaffected.
#
# SQLite: an FTS5 table over `stems` (rowid = the entry's id), written by `profiles_reindex`
# itself rather than by triggers: Django rebuilds a SQLite table to alter it, which would
# drop triggers silently. Stale rows left by cascade deletions never match (ids are not
# reused and search joins back to the entries).
#
# Both are reversible; on other backends this migration does nothing.
from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE members_searchentry ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        to_tsvector('french'::regconfig, coalesce(text, ''))
        || to_tsvector('english'::regconfig, coalesce(text, ''))
        || array_to_tsvector(ARRAY['#op' || operator_id::text, '#v' || visibility])
    ) STORED
    """,
    "CREATE INDEX members_searchentry_vector ON members_searchentry USING gin (search_vector)",
    "CREATE INDEX members_searchentry_names ON members_searchentry (id) WHERE section = 'name'",
    """
    CREATE INDEX members_searchentry_names_space ON members_searchentry (space_id, id)
    WHERE section = 'name'
    """,
    "CREATE INDEX members_searchentry_op_section ON members_searchentry (operator_id, section)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS members_searchentry_op_section",
    "DROP INDEX IF EXISTS members_searchentry_names_space",
    "DROP INDEX IF EXISTS members_searchentry_names",
    "DROP INDEX IF EXISTS members_searchentry_vector",
    "ALTER TABLE members_searchentry DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE members_searchentry_fts USING fts5(
        stems, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
    )
    """,
    "INSERT INTO members_searchentry_fts (rowid, stems) SELECT id, stems FROM members_searchentry",
    "CREATE INDEX members_searchentry_names ON members_searchentry (id) WHERE section = 'name'",
    """
    CREATE INDEX members_searchentry_names_space ON members_searchentry (space_id, id)
    WHERE section = 'name'
    """,
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS members_searchentry_names_space",
    "DROP INDEX IF EXISTS members_searchentry_names",
    "DROP TABLE IF EXISTS members_searchentry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_interest_company_profile_searchentry_skillconcept_and_more"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
