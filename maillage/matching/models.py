"""People to meet, lunch / coffee roulette and project teams.

The algorithms live in pure modules beside this one (ties.py, reciprocal.py, roulette.py,
teams.py); these tables keep what they need between requests: the ties computed from the
ledger, "not now" dismissals, roulette opt-ins and rounds, projects and their proposed teams.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Operator, Space


class MatchingPreference(models.Model):
    """A member's choice to be left out of suggestions, roulettes and teams."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="matching")
    opted_out = models.BooleanField(_("do not suggest me to anyone"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("matching preference")
        verbose_name_plural = _("matching preferences")


class Tie(models.Model):
    """How well two members of an operator know each other (decayed, from the ledger).

    Stored once per pair, the smaller member id first; rebuilt by `ties_refresh`."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    member_a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    member_b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    strength = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.UniqueConstraint(fields=["member_a", "member_b"], name="tie_once"),
            models.CheckConstraint(condition=Q(member_a__lt=F("member_b")), name="tie_ordered"),
        ]
        indexes = [models.Index(fields=["member_b"], name="tie_member_b")]


class Dismissal(models.Model):
    """A "not now" on a suggestion: that person is not suggested again until `until`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dismissed suggestion")
        verbose_name_plural = _("dismissed suggestions")
        constraints = [
            models.UniqueConstraint(fields=["member", "other"], name="dismissal_once"),
        ]


class RouletteKind(models.TextChoices):
    COFFEE = "coffee", _("coffee")
    LUNCH = "lunch", _("lunch")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every other week")
    MONTHLY = "monthly", _("once a month")


FREQUENCY_DAYS = {Frequency.WEEKLY: 6, Frequency.FORTNIGHTLY: 13, Frequency.MONTHLY: 27}


class RouletteOptIn(models.Model):
    """A member taking part in a space's roulette, on some weekdays, at some frequency."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="roulette_optins")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(
        _("how often"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    days = models.JSONField(_("days"), default=list, blank=True)  # weekdays, 0 = Monday
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roulette participant")
        verbose_name_plural = _("roulette participants")
        constraints = [
            models.UniqueConstraint(fields=["member", "space"], name="roulette_optin_once"),
        ]


class RouletteRound(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roulette_rounds")
    kind = models.CharField(
        _("kind"), max_length=8, choices=RouletteKind.choices, default=RouletteKind.LUNCH
    )
    meet_on = models.DateField(_("day"))
    meet_at = models.TimeField(_("time"))
    place = models.CharField(_("place"), max_length=140)
    group_size = models.PositiveSmallIntegerField(_("group size"), default=2)
    run_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roulette round")
        verbose_name_plural = _("roulette rounds")
        ordering = ["-meet_on", "-pk"]


class RouletteSeat(models.Model):
    """One member's place in a group of a round, their invitation and their answer."""

    round = models.ForeignKey(RouletteRound, on_delete=models.CASCADE, related_name="seats")
    group = models.PositiveSmallIntegerField()
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="roulette_seats")
    invited_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)  # "did you meet?" emailed
    met = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roulette seat")
        verbose_name_plural = _("roulette seats")
        ordering = ["round", "group", "member"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="roulette_seat_once"),
        ]


class Project(models.Model):
    """A project that needs a team: the skills it needs, its size and its dates."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    skills = models.ManyToManyField(
        "members.SkillConcept", related_name="+", verbose_name=_("skills needed")
    )
    size = models.PositiveSmallIntegerField(_("team size at most"), default=4)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TeamSeat(models.Model):
    """A member proposed for a project's team, for some of its skills."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_seats")
    skills = models.ManyToManyField("members.SkillConcept", related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team seat")
        verbose_name_plural = _("team seats")
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="team_seat_once"),
        ]
