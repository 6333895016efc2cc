# Loads the skills taxonomy and the interests list; filled in by the profiles work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_search_backends"),
    ]

    operations = []
