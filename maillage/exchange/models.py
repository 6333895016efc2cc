"""Brokering between members: asks, introductions, opportunities from outside, outcomes.

Every write goes through `maillage.exchange.services`; reads through `access` and `selectors`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.models import Member, Operator, Space
from maillage.members.models import Company, SkillConcept


class Terms(models.TextChoices):
    PAID = "paid", _("paid")
    EXCHANGE = "exchange", _("exchange of services")
    FREE = "free", _("free help")


# --- preferences -------------------------------------------------------------------------------


class OpportunityKind(models.TextChoices):
    CLIENT = "client", _("a client's request")
    TENDER = "tender", _("a call for tenders")
    PARTNERSHIP = "partnership", _("a partnership")
    OTHER = "other", _("something else")


class ExchangePreference(models.Model):
    """A member's choices (which opportunities, introductions) and the staff's pause."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="exchange_pref")
    opportunity_kinds = models.JSONField(default=list, blank=True)  # [] = none wanted
    wants_opportunities = models.BooleanField(_("I want opportunities"), default=True)
    accepts_introductions = models.BooleanField(_("I accept introductions"), default=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pause_reason = models.CharField(max_length=200, blank=True)

    def wants_kind(self, kind: str) -> bool:
        return self.wants_opportunities and (
            not self.opportunity_kinds or kind in self.opportunity_kinds
        )


# --- introductions -----------------------------------------------------------------------------


class IntroductionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for answers")
    CONNECTED = "connected", _("connected")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class Answer(models.TextChoices):
    WAITING = "", _("no answer yet")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Introduction(models.Model):
    """`by` introduces `a` to `b`; contact details are shared once both accepted."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    source = models.CharField(max_length=20, default="manual")
    status = models.CharField(
        max_length=10, choices=IntroductionStatus.choices, default=IntroductionStatus.PENDING
    )
    a_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    b_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    a_answered_at = models.DateTimeField(null=True, blank=True)
    b_answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    connected_at = models.DateTimeField(null=True, blank=True)
    request_sent_at = models.DateTimeField(null=True, blank=True)
    connected_sent_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["a", "status"], name="intro_a_status"),
            models.Index(fields=["b", "status"], name="intro_b_status"),
        ]

    def __str__(self) -> str:
        return f"introduction {self.pk}: {self.a_id} ↔ {self.b_id}"

    def side_of(self, member_id: int) -> str | None:
        return "a" if member_id == self.a_id else "b" if member_id == self.b_id else None

    def other(self, member_id: int) -> Member:
        return self.b if member_id == self.a_id else self.a

    def answer_of(self, member_id: int) -> str:
        side = self.side_of(member_id)
        return getattr(self, f"{side}_answer") if side else ""

    @property
    def is_connected(self) -> bool:
        return self.status == IntroductionStatus.CONNECTED


# --- opportunities -----------------------------------------------------------------------------


class OpportunitySource(models.TextChoices):
    PUBLIC = "public", _("public form")
    STAFF = "staff", _("entered by staff")


class OpportunityStatus(models.TextChoices):
    # A context per status word: French agrees it with "opportunité" (feminine).
    OPEN = "open", pgettext_lazy("opportunity status", "open")
    TAKEN = "taken", pgettext_lazy("opportunity status", "taken")
    UNMATCHED = "unmatched", pgettext_lazy("opportunity status", "nobody to offer it to")
    CLOSED = "closed", pgettext_lazy("opportunity status", "closed")


class Opportunity(models.Model):
    """A lead from outside the community (a client's call, a tender), routed to k members."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=OpportunityKind.choices, default="client")
    title = models.CharField(_("what is needed"), max_length=140)
    description = models.TextField(_("details"), blank=True)
    concepts = models.ManyToManyField(SkillConcept, blank=True, related_name="+")
    requester_name = models.CharField(max_length=120)
    requester_email = models.EmailField()
    requester_company = models.CharField(max_length=150, blank=True)
    # Staff entering a lead from a member company: its people never receive it.
    requester_company_ref = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=OpportunitySource.choices)
    created_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["operator", "created_at"], name="opportunity_op_time")]

    def __str__(self) -> str:
        return self.title


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("offered")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("taken by someone else")


class OpportunityOffer(models.Model):
    """One member on an opportunity's shortlist, and their answer."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="offers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    relevance = models.FloatField()
    exposure = models.FloatField(default=0.0)  # the attention this place gave
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default="offered")
    offered_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-relevance", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "member"], name="opportunity_offer_once")
        ]
        indexes = [models.Index(fields=["member", "status"], name="opp_offer_member_status")]


class DecisionKind(models.TextChoices):
    ROUTE = "route", _("first routing")
    PASS_ON = "pass_on", _("passed on after a decline")


class RoutingDecisionLog(models.Model):
    """One routing decision, its numbers and its explanation (in French and English)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="decisions")
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=DecisionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    shortlist = models.JSONField(default=list)  # member ids
    replaced = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality = models.FloatField(default=1.0)
    quality_floor = models.FloatField(default=1.0)
    objective = models.FloatField(default=0.0)
    objective_by_relevance = models.FloatField(default=0.0)
    eligible_count = models.PositiveIntegerField(default=0)
    explanation_fr = models.JSONField(default=list)
    explanation_en = models.JSONField(default=list)

    class Meta:
        ordering = ["created_at", "pk"]

    def explanation(self, language: str) -> list[str]:
        return self.explanation_en if (language or "").startswith("en") else self.explanation_fr


class RoutingShare(models.Model):
    """What one decision added to one member's history: relevance share and attention."""

    decision = models.ForeignKey(
        RoutingDecisionLog, on_delete=models.CASCADE, related_name="shares"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    relevance = models.FloatField(default=0.0)  # share of this ranking's relevance
    exposure = models.FloatField(default=0.0)  # attention given
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["member", "created_at"], name="routing_share_member")]


class ExposureHistory(models.Model):
    """A member's amortized totals (sum of their `RoutingShare`s), read by each routing."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="exposure")
    cumulative_exposure = models.FloatField(default=0.0)
    cumulative_relevance = models.FloatField(default=0.0)
    opportunities_received = models.PositiveIntegerField(default=0)
    opportunities_relevant = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)


class PublicLeadAttempt(models.Model):
    """Each submission of the public lead form (kept two days), for the rate limit. Only
    keyed hashes of the connection and the email are stored."""

    ip_hash = models.CharField(max_length=64)
    email_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ip_hash", "created_at"], name="public_lead_ip"),
            models.Index(fields=["email_hash", "created_at"], name="public_lead_email"),
        ]


# --- asks --------------------------------------------------------------------------------------


class AskStatus(models.TextChoices):
    # A context per status word: French agrees it with "demande" (feminine).
    OPEN = "open", pgettext_lazy("ask status", "open")
    MATCHED = "matched", pgettext_lazy("ask status", "helper chosen")
    CLOSED = "closed", pgettext_lazy("ask status", "closed")


class Ask(models.Model):
    """A member's need posted to the community: who can help?"""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="asks")
    title = models.CharField(_("what do you need?"), max_length=140)
    description = models.TextField(_("details"), blank=True)
    concepts = models.ManyToManyField(SkillConcept, blank=True, related_name="+")
    terms = models.CharField(_("in return"), max_length=10, choices=Terms.choices, default="paid")
    budget = models.CharField(_("budget or exchange"), max_length=140, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=AskStatus.choices, default=AskStatus.OPEN)
    helper = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["operator", "status", "created_at"], name="ask_op_open")]

    def __str__(self) -> str:
        return self.title


class AskResponse(models.Model):
    """A member's "I can help"."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["ask", "member"], name="ask_response_once")]


class AskMessage(models.Model):
    """A message of the private conversation between the asker and the chosen helper."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


# --- outcomes ----------------------------------------------------------------------------------


class Outcome(models.Model):
    """Work or help that happened: who provided it, to whom, for how much, how well."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    beneficiary = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # none: a client from outside (an opportunity)
    ask = models.ForeignKey(Ask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    introduction = models.ForeignKey(
        Introduction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    terms = models.CharField(_("kind"), max_length=10, choices=Terms.choices)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    exchange_note = models.CharField(_("what was exchanged"), max_length=200, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["operator", "created_at"], name="outcome_op_time")]


class Thanks(models.Model):
    """Thanks or a recommendation from one member to another."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="thanks_received")
    message = models.TextField()
    is_recommendation = models.BooleanField(default=False)
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
