# Loads the skills taxonomy (groups and skills, French and English labels) from the data file
# shipped in maillage/members/taxonomy/data, and the list of interests. Idempotent: run again
# after the data file changes with `maillage load_taxonomy`. Reversing removes the taxonomy's
# concepts (never members' free tags) and the interests.
from django.db import migrations


def load(apps, schema_editor):
    from maillage.members.loaders import load_concepts, load_interests, taxonomy_rows

    load_concepts(apps.get_model("members", "SkillConcept"), taxonomy_rows())
    load_interests(apps.get_model("members", "Interest"))


def unload(apps, schema_editor):
    from maillage.members.loaders import unload_concepts, unload_interests

    unload_concepts(apps.get_model("members", "SkillConcept"))
    unload_interests(apps.get_model("members", "Interest"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_search_backends"),
    ]

    operations = [migrations.RunPython(load, unload, elidable=False)]
