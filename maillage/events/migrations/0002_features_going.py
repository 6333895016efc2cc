"""Ranking reads who is going from `Event.features["going"]` (kept by the RSVP services):
fill it in for the events that exist."""

from django.db import migrations

CAP = 50


def fill(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Rsvp = apps.get_model("events", "Rsvp")
    for event in Event.objects.only("pk", "features").iterator(chunk_size=2_000):
        going = list(
            Rsvp.objects.filter(event_id=event.pk, status="going", member__isnull=False)
            .order_by("pk")
            .values_list("member_id", flat=True)[:CAP]
        )
        Event.objects.filter(pk=event.pk).update(features={**(event.features or {}), "going": going})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
