# Backend-specific search structures (PostgreSQL full-text index, SQLite FTS5); filled in by
# the directory work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_interest_company_profile_searchentry_skillconcept_and_more"),
    ]

    operations = []
