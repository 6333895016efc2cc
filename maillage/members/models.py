"""Accounts (people who log in) and invitations to join a space."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Operator, Role, Space


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in. Their role in a community lives on `core.Member`."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("site administrator"),
        default=False,
        help_text=_("Platform administrators only; operator staff are set on their member record."),
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person deleted their account: their name and address are gone, the row
    # stays so that the community's history (bookings, attendance, the ledger) still adds up.
    erased_at = models.DateTimeField(_("account deleted on"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Former member"))
        return self.full_name or self.email

    def get_short_name(self) -> str:
        if self.erased_at is not None:
            return self.get_full_name()
        return (self.full_name or self.email).split(" ")[0]


class Invitation(models.Model):
    """An invitation sent by a space to a person's email address.

    The link carries `<id>-<signature>`: an HMAC of the id and a random nonce under the
    SECRET_KEY. The database alone cannot forge a link, a task can rebuild it from the id,
    and a new nonce (a new invitation) makes older links invalid.
    """

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="invitations")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(
        "core.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["operator", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.space}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


# --- profiles: what members can do, offer and need -------------------------------------------


class Visibility(models.TextChoices):
    """Who may see a section of a profile, from the narrowest to the widest."""

    SPACE = "space", _("People of my space")
    OPERATOR = "operator", _("People of all my operator's spaces")
    NETWORK = "network", _("Members across the network")
    PUBLIC = "public", _("Everyone, including visitors")


VISIBILITY_RANK = {
    Visibility.SPACE: 3,
    Visibility.OPERATOR: 2,
    Visibility.NETWORK: 1,
    Visibility.PUBLIC: 0,
}


class Company(models.Model):
    """A company or organisation; several members can belong to it (per operator)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(_("name"), max_length=150)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="company_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ConceptKind(models.TextChoices):
    GROUP = "group", _("skill group")
    SKILL = "skill", _("skill")
    TAG = "tag", _("free tag")


class SkillConcept(models.Model):
    """A skill from the taxonomy (derived from ESCO), a group of skills, or a free tag.

    `uri` is the stable key (ESCO URI, `maillage:…` for our additions, `tag:…` for free tags).
    Staff merge a free tag into a concept by setting `merged_into`.
    """

    uri = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=8, choices=ConceptKind.choices, default=ConceptKind.SKILL)
    label_fr = models.CharField(_("French label"), max_length=255)
    label_en = models.CharField(_("English label"), max_length=255, blank=True)
    alt_labels = models.JSONField(default=dict, blank=True)  # {"fr": [...], "en": [...]}
    group = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tags"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = (language or get_language() or "fr")[:2]
        return (self.label_en if language == "en" else self.label_fr) or self.label_fr


class Interest(models.Model):
    """An affinity (sport, games, cooking, causes…) used for groups and events."""

    slug = models.SlugField(unique=True)
    label_fr = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    category = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["category", "label_fr"]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = (language or get_language() or "fr")[:2]
        return self.label_en if language == "en" else self.label_fr


class Onboarding(models.TextChoices):
    """Where a member stands with the profile wizard shown after their first log-in."""

    PENDING = "pending", _("not shown yet")
    STARTED = "started", _("shown")
    SKIPPED = "skipped", _("skipped")
    COMPLETED = "completed", _("completed")


class Profile(models.Model):
    """What a member shows the community. One per member record (so per operator)."""

    SECTIONS = ("about", "skills", "offers", "needs", "interests", "availability")

    member = models.OneToOneField("core.Member", on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(_("headline"), max_length=140, blank=True)
    bio = models.TextField(_("about me"), blank=True, help_text=_("Markdown is allowed."))
    photo = models.ImageField(_("photo"), upload_to="profiles/%Y/", blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ["fr", "en", …]
    links = models.JSONField(_("links"), default=list, blank=True)  # [{"label", "url"}]
    interests = models.ManyToManyField(Interest, blank=True, related_name="profiles")
    open_to_coffee = models.BooleanField(_("open to a coffee"), default=False)
    open_to_lunch = models.BooleanField(_("open to lunch"), default=False)
    availability_note = models.CharField(_("when I'm available"), max_length=140, blank=True)

    listed = models.BooleanField(_("listed in the directory"), default=True)
    visibility_about = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.OPERATOR
    )
    visibility_skills = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.OPERATOR
    )
    visibility_offers = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.OPERATOR
    )
    visibility_needs = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.OPERATOR
    )
    visibility_interests = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SPACE
    )
    visibility_availability = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SPACE
    )

    completed_at = models.DateTimeField(null=True, blank=True)
    onboarding = models.CharField(
        _("profile wizard"), max_length=10, choices=Onboarding.choices, default=Onboarding.PENDING
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.member.user)

    def visibility_of(self, section: str) -> str:
        return getattr(self, f"visibility_{section}")


class SkillLevel(models.IntegerChoices):
    BEGINNER = 1, _("beginner")
    PRACTISED = 2, _("practised")
    CONFIRMED = 3, _("confirmed")
    EXPERT = 4, _("expert")


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    concept = models.ForeignKey(SkillConcept, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.CONFIRMED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "concept"], name="profile_skill_once")
        ]
        indexes = [models.Index(fields=["concept", "profile"])]


class OfferTerms(models.TextChoices):
    PAID = "paid", _("paid")
    MEMBER_RATE = "member_rate", _("member rate")
    FREE = "free", _("free")
    EXCHANGE = "exchange", _("exchange of services")


class Offer(models.Model):
    """A service a member provides to others."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    skills = models.ManyToManyField(SkillConcept, blank=True, related_name="+")
    terms = models.CharField(
        _("terms"), max_length=12, choices=OfferTerms.choices, default=OfferTerms.PAID
    )
    terms_note = models.CharField(_("price or conditions"), max_length=140, blank=True)
    is_active = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Urgency(models.TextChoices):
    LOW = "low", _("whenever")
    MEDIUM = "medium", _("in the coming weeks")
    HIGH = "high", _("urgent")


class Need(models.Model):
    """Something a member is looking for."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    skills = models.ManyToManyField(SkillConcept, blank=True, related_name="+")
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ContactMessage(models.Model):
    """A message a member sent another from their profile page, emailed by the task worker.

    Kept so the worker sends each message once (`sent_at`) and so senders can be rate-limited
    without any state shared between web processes.
    """

    sender = models.ForeignKey("core.Member", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="contact_messages"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        indexes = [models.Index(fields=["sender", "created_at"])]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id}"


class SearchEntry(models.Model):
    """One searchable section of a profile, with the visibility the member chose for it.

    Kept in step by `profile_reindex`. Search filters on `visibility` first, so a section a
    viewer may not see can never make a profile match (nor count). `text` is the section's
    words without accents (PostgreSQL full-text search, French and English configurations,
    through a GIN index created by a migration); `stems` holds our analyser's stems (SQLite FTS5).
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="search_entries")
    section = models.CharField(max_length=16)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    stems = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "section"], name="search_entry_once")
        ]
        indexes = [
            models.Index(fields=["visibility", "operator"]),
            models.Index(fields=["visibility", "space"]),
        ]
