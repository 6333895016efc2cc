"""`maillage load_taxonomy`: reload the skills taxonomy and the interests after the data changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from maillage.members.loaders import load_concepts, load_interests, taxonomy_rows
from maillage.members.models import Interest, SkillConcept


class Command(BaseCommand):
    help = (
        "Load the skills taxonomy (maillage/members/taxonomy/data) and the interests into the "
        "database: new concepts are added, changed labels and groups updated; members' free "
        "tags and their skills are left alone. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            created, updated = load_concepts(SkillConcept, taxonomy_rows())
            interests = load_interests(Interest)
        self.stdout.write(
            f"skills taxonomy: {created} new, {updated} updated; interests: {interests} new; "
            f"{SkillConcept.objects.exclude(kind='tag').count()} concepts in all."
        )
