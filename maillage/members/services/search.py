"""Search services: the text analyser and `profile_reindex`, which keeps a profile's
`SearchEntry` rows in step with what it shows (the directory reads them, see
`maillage.members.selectors_directory`).

One entry per section of a profile, each with the visibility the member chose for it, so
that search can filter on visibility before it matches anything:

| section      | words                                                       |
| ------------ | ----------------------------------------------------------- |
| name         | the person's name; visibility = the widest of all sections   |
| about        | headline, company, "about me"                               |
| skills       | skill labels (French, English, alternative labels)          |
| offers       | active offers: titles, descriptions, skill labels           |
| needs        | open needs: titles, descriptions, skill labels              |
| interests    | interests (French and English labels)                       |
| availability | the availability note (the entry also gates coffee/lunch)   |

Why a separate "name" entry: whoever may see any section of a profile sees the person's
name on the card and on the profile page (`visible_sections` is not empty), so they may find
them by name; nobody else may. The audiences of the four visibilities are nested (space ⊂
operator ⊂ network ⊂ public), so "may see some section" is exactly "may see an entry whose
visibility is the widest of the profile's sections". It also gives every visible profile
exactly one entry to list and count when browsing without a query.

`text` holds the section's words without accents, casefolded (PostgreSQL indexes it with the
French and English configurations, see migration 0003); `stems` holds this module's analysis
(French and English Snowball stems, for SQLite FTS5). Both also carry the masculine form of
French feminine job titles (développeuse → développeur), which Snowball keeps apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from django.db import connection, transaction
from django.db.models import Prefetch

from maillage.members.models import (
    VISIBILITY_RANK,
    Need,
    Offer,
    Profile,
    ProfileSkill,
    SearchEntry,
)

# --- the analyser (no Django below this line until "entries") --------------------------------

# Words too common to tell profiles apart, in both languages (after accent removal).
STOPWORDS = frozenset(
    (
        "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "chez", "dans", "de", "des", "du",
        "elle", "en", "et", "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui",
        "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on",
        "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta",
        "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "d", "l", "j",
        "m", "n", "s", "t", "c", "est", "etre", "ai", "as", "sont", "suis", "ete", "plus",
        "tres", "sans", "sous", "vers", "an", "and", "are", "as", "at", "be", "by", "for",
        "from", "has", "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this",
        "to", "was", "were", "will", "with", "i", "my", "me", "we", "our", "you", "your", "he",
        "she", "they", "them", "their",
    )
)  # fmt: skip

# French elisions: "d'affaires" is "affaires".
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:[+#]+)?")

# Feminine job titles and adjectives → masculine, so either finds the other.
_FEMININE = (
    ("trices", "teurs"),
    ("trice", "teur"),
    ("euses", "eurs"),
    ("euse", "eur"),
    ("iennes", "iens"),
    ("ienne", "ien"),
    ("ennes", "ens"),
    ("enne", "en"),
    ("eres", "ers"),
    ("ere", "er"),
    ("ives", "ifs"),
    ("ive", "if"),
)

_FRENCH = Stemmer.Stemmer("french")
_ENGLISH = Stemmer.Stemmer("english")

MAX_QUERY_TERMS = 6


def unaccent(text: str) -> str:
    """Casefolded, without accents or ligatures: "Développeuse Œuvre" → "developpeuse oeuvre"."""
    text = text.casefold()
    if text.isascii():
        return text
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of `text`, unaccented and casefolded, without elisions and stopwords."""
    text = _ELISION.sub(" ", unaccent(text))
    return [w for w in _WORD.findall(text) if w not in STOPWORDS]


@lru_cache(maxsize=50_000)
def masculine(word: str) -> str | None:
    """The masculine form of a French feminine word, if it looks like one."""
    for suffix, replacement in _FEMININE:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return None


def variants(word: str) -> list[str]:
    """The word and, for a feminine form, its masculine form."""
    other = masculine(word)
    return [word, other] if other else [word]


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """French and English Snowball stems of one unaccented word (one or two distinct)."""
    if not word.isalpha():
        return (word,)
    fr, en = _FRENCH.stemWord(word), _ENGLISH.stemWord(word)
    return (fr,) if fr == en else (fr, en)


def index_text(text: str) -> str:
    """What goes in `SearchEntry.text`: the words, with the masculine of feminine forms."""
    return " ".join(v for w in words(text) for v in variants(w))


def index_stems(text: str) -> str:
    """What goes in `SearchEntry.stems`: the stems of every word and variant, deduplicated."""
    seen: dict[str, None] = {}
    for w in words(text):
        for v in variants(w):
            for s in stems(v):
                seen.setdefault(s, None)
    return " ".join(seen)


@dataclass(frozen=True)
class Term:
    """One word of a query: its forms (the word and its variants) and their stems.

    `prefix` is set for the last word while the person is still typing ("jurist" finds
    "juristes"); short words are never prefixes (too many matches to be useful)."""

    word: str
    forms: tuple[str, ...]
    stems: tuple[str, ...]
    prefix: bool

    def matches(self, analysed: AnalysedText) -> bool:
        if any(s in analysed.stems for s in self.stems):
            return True
        return self.prefix and any(w.startswith(self.word) for w in analysed.words)


@dataclass(frozen=True)
class AnalysedText:
    words: frozenset[str]
    stems: frozenset[str]


@lru_cache(maxsize=20_000)
def analyse(text: str) -> AnalysedText:
    ws = [v for w in words(text) for v in variants(w)]
    return AnalysedText(words=frozenset(ws), stems=frozenset(s for w in ws for s in stems(w)))


def query_terms(query: str) -> list[Term]:
    """The terms of a search query (at most MAX_QUERY_TERMS, duplicates dropped)."""
    raw = words(query)
    ends_with_space = query[-1:].isspace()
    terms: list[Term] = []
    seen: set[str] = set()
    for i, word in enumerate(raw):
        if word in seen:
            continue
        seen.add(word)
        forms = tuple(variants(word))
        terms.append(
            Term(
                word=word,
                forms=forms,
                stems=tuple(dict.fromkeys(s for f in forms for s in stems(f))),
                prefix=(i == len(raw) - 1 and not ends_with_space and len(word) >= 3),
            )
        )
    return terms[:MAX_QUERY_TERMS]


# --- entries ---------------------------------------------------------------------------------

SECTIONS = ("name", "about", "skills", "offers", "needs", "interests", "availability")


@dataclass(frozen=True)
class EntryRow:
    section: str
    visibility: str
    text: str


def widest_visibility(profile: Profile) -> str:
    return min(
        (profile.visibility_of(s) for s in Profile.SECTIONS), key=lambda v: VISIBILITY_RANK[v]
    )


def concept_words(concept) -> list[str]:
    alt = concept.alt_labels or {}
    labels = [concept.label_fr, concept.label_en]
    if isinstance(alt, dict):
        for values in alt.values():
            labels.extend(values or [])
    return [label for label in labels if label]


def entry_rows(
    profile: Profile,
    *,
    full_name: str,
    company: str,
    skills: Sequence[ProfileSkill],
    offers: Sequence[Offer],
    needs: Sequence[Need],
    interests: Sequence,
) -> list[EntryRow]:
    """The entries of one profile, from what it shows (active offers, open needs only)."""

    def labels(concepts: Iterable) -> list[str]:
        return [w for c in concepts for w in concept_words(c)]

    sections = {
        "name": [full_name],
        "about": [profile.headline, company, profile.bio],
        "skills": labels(s.concept for s in skills),
        "offers": [
            part
            for o in offers
            if o.is_active
            for part in (o.title, o.description, *labels(o.skills.all()))
        ],
        "needs": [
            part
            for n in needs
            if n.is_open
            for part in (n.title, n.description, *labels(n.skills.all()))
        ],
        "interests": [label for i in interests for label in (i.label_fr, i.label_en)],
        "availability": [profile.availability_note],
    }
    rows = []
    for section in SECTIONS:
        visibility = (
            widest_visibility(profile) if section == "name" else profile.visibility_of(section)
        )
        rows.append(EntryRow(section, visibility, "\n".join(p for p in sections[section] if p)))
    return rows


def _profiles_with_content(profile_ids: Iterable[int]):
    return (
        Profile.objects.filter(pk__in=list(profile_ids))
        .select_related("member__user", "company")
        .prefetch_related(
            Prefetch("skills", queryset=ProfileSkill.objects.select_related("concept")),
            Prefetch(
                "offers", queryset=Offer.objects.filter(is_active=True).prefetch_related("skills")
            ),
            Prefetch(
                "needs", queryset=Need.objects.filter(is_open=True).prefetch_related("skills")
            ),
            "interests",
        )
    )


def _entries_for(profile: Profile) -> list[SearchEntry]:
    member = profile.member
    rows = entry_rows(
        profile,
        full_name=member.user.full_name or "",
        company=profile.company.name if profile.company_id else "",
        skills=profile.skills.all(),
        offers=profile.offers.all(),
        needs=profile.needs.all(),
        interests=profile.interests.all(),
    )
    return [
        SearchEntry(
            profile_id=profile.pk,
            section=row.section,
            visibility=row.visibility,
            operator_id=member.operator_id,
            space_id=member.home_space_id,
            text=index_text(row.text),
            stems=index_stems(row.text),
        )
        for row in rows
    ]


def profile_reindex(*, profile: Profile) -> None:
    """Rebuild the profile's search entries from what it shows now.

    Called at the end of every profile write (and of writes that change what an entry
    holds: the member's name, home space). Entries are replaced, not updated: the newest
    entries are the most recently updated profiles, which is how browsing orders them.
    """
    profiles_reindex(profile_ids=[profile.pk])


def profiles_reindex(*, profile_ids: Iterable[int], batch_size: int = 1_000) -> int:
    """Rebuild the search entries of many profiles (demo loading, repairs). Returns how many
    profiles were indexed. Memory stays bounded: profiles are read `batch_size` at a time."""
    ids = list(profile_ids)
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        entries = [e for p in _profiles_with_content(batch) for e in _entries_for(p)]
        fts_ensure()
        with transaction.atomic():
            old = SearchEntry.objects.filter(profile_id__in=batch)
            if connection.vendor == "sqlite":
                _fts_delete(list(old.values_list("pk", flat=True)))
            old.delete()
            SearchEntry.objects.bulk_create(entries, batch_size=2_000)
            if connection.vendor == "sqlite":
                _fts_insert(entries)
        done += len(batch)
    return done


# SQLite keeps an FTS5 table beside the entries (migration 0003); PostgreSQL computes its
# tsvector column itself.
FTS_TABLE = "members_searchentry_fts"
_fts_checked: set[str] = set()


def fts_ensure() -> None:
    """Make sure SQLite's FTS5 table exists (once per process and database).

    A development database migrated while 0003 was still empty has no table: create it and
    fill it from the entries rather than fail. PostgreSQL needs no such check (its column
    comes with the migration, in the same transaction as the table)."""
    if connection.vendor != "sqlite" or connection.settings_dict["NAME"] in _fts_checked:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        if cursor.fetchone() is None:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(stems, "
                "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, stems) "  # noqa: S608
                f"SELECT id, stems FROM {SearchEntry._meta.db_table}"
            )
    _fts_checked.add(connection.settings_dict["NAME"])


def profiles_unindex(profile_ids: Iterable[int]) -> None:
    """Take profiles out of the search before they are deleted: their entries go with them
    (a cascade), but SQLite's FTS5 table beside them must be told."""
    entries = list(
        SearchEntry.objects.filter(profile_id__in=list(profile_ids)).values_list("pk", flat=True)
    )
    if entries and connection.vendor == "sqlite":
        fts_ensure()
        _fts_delete(entries)
    SearchEntry.objects.filter(pk__in=entries).delete()


def _fts_delete(entry_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), 500):
            chunk = entry_ids[start : start + 500]
            marks = ", ".join("%s" for _ in chunk)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608


def _fts_insert(entries: list[SearchEntry]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, stems) VALUES (%s, %s)",  # noqa: S608
            [(e.pk, e.stems) for e in entries if e.stems],
        )


def member_reindex(*, member) -> None:
    """Rebuild the entries of a member's profile after their member record changed (home
    space, operator). Entries whose space is not the member's home space are never matched
    (the directory checks it), so a stale entry hides a profile rather than leaks it."""
    profile_ids = Profile.objects.filter(member=member).values_list("pk", flat=True)
    profiles_reindex(profile_ids=profile_ids)


def user_reindex(*, user) -> None:
    """Rebuild the entries of every profile of an account (after a change of name)."""
    profile_ids = Profile.objects.filter(member__user=user).values_list("pk", flat=True)
    profiles_reindex(profile_ids=profile_ids)
