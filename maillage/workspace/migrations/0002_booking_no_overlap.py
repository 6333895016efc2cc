"""No double booking on PostgreSQL: an exclusion constraint on the confirmed bookings.

Two confirmed bookings of the same seat of the same resource may not have overlapping
half-open time ranges. `btree_gist` lets the GiST index compare the ids with `=`.

The constraint is created only on PostgreSQL; SQLite has no exclusion constraints, and there
the booking service checks for an overlap inside a write transaction that SQLite has already
serialised (BEGIN IMMEDIATE, see maillage/core/conf.py). It is not declared in the model's
Meta, so Django never tries to write it into SQLite's table definition.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "workspace_booking_no_overlap"

CREATE = f"""
ALTER TABLE workspace_booking ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (
    resource_id WITH =,
    seat WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status = 'confirmed')
"""
DROP = f"ALTER TABLE workspace_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0001_initial")]

    operations = [
        BtreeGistExtension(),  # does nothing on other databases
        migrations.RunPython(create, drop, elidable=False),
    ]
