"""Text normalisation and bilingual stemming for skill linking. Pure Python, no Django.

Every string, a member's query or a taxonomy label, goes through the same steps so that
both sides meet on the same keys:

1. `normalize`: casefold, decompose and drop accents (é → e, œ → oe), keep a few technical
   spellings (C++, C#, .NET, Node.js), join hyphenated prefixes ("e-commerce" →
   "ecommerce"), and turn every other punctuation mark into a space.
2. `tokens`: split, drop French and English stop words.
3. `ABBREVIATIONS` (used by the linker at query time) expands what members abbreviate:
   "compta" → comptabilité, "rh" → ressources humaines, "ux" → user experience.
4. `keys`: each token gets one French key (`f:`) and one English key (`e:`), made with the
   Snowball stemmers of PyStemmer. French tokens are first brought to the masculine form
   (traductrice → traducteur, développeuse → développeur) and their usual accents restored
   (comptabilite → comptabilité, so that it stems like comptable); a few derivational
   suffixes are then merged (développeur / développement → develop, graphiste / graphisme
   / graphique → graph, photography / photographer → photograph).

Snowball: M. F. Porter, "Snowball: A language for stemming algorithms" (2001),
https://snowballstem.org/ — French and English (Porter2) algorithms.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

# PyStemmer's Stemmer objects are not thread-safe: one pair per thread.
_local = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmer = getattr(_local, language, None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer(language)
        setattr(_local, language, stemmer)
    return stemmer


STOP_WORDS = frozenset(
    """
    a au aux avec ce ces chez d dans de des du en et l la le les leur leurs ou par pour sa
    se ses sur un une y je j suis fais fait mon ma mes nos notre qui que
    an and as at by for from in into of on or the to with i am my our your its
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Technical spellings that punctuation stripping would destroy.
_SPECIAL = [
    (re.compile(r"c\+\+"), " cplusplus "),
    (re.compile(r"c#"), " csharp "),
    (re.compile(r"f#"), " fsharp "),
    (re.compile(r"(?<![a-z0-9])\.net\b"), " dotnet "),
    (re.compile(r"\b(node|vue|react|next|nuxt|three|d3)\.js\b"), r" \1js "),
    # e-commerce, e commerce, no-code, co-working, low code: one word either way.
    (
        re.compile(
            r"\b(e|no|co|low|non)[- ](?=(commerce|learning|business|mail|code|working|"
            r"workers?|profit|design)\b)"
        ),
        r"\1",
    ),
]
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65_536)
def normalize(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Développeuse Front-end" →
    "developpeuse front end"."""
    text = strip_accents(text.casefold())
    for pattern, replacement in _SPECIAL:
        text = pattern.sub(replacement, text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(normalized: str) -> list[str]:
    """Content words of a normalized string (stop words dropped, order kept)."""
    return [token for token in normalized.split() if token not in STOP_WORDS]


# Feminine and plural job-title endings, applied to unaccented French tokens before stemming.
_FEMININE = [
    ("trices", "teurs"),
    ("trice", "teur"),
    ("euses", "eurs"),
    ("euse", "eur"),
    ("iennes", "iens"),
    ("ienne", "ien"),
    ("ieres", "iers"),
    ("iere", "ier"),
]
# Accents Snowball needs to see to stem derived forms alike (comptabilité ~ comptable).
_REACCENT = [("ites", "ités"), ("ite", "ité"), ("ees", "ées"), ("ee", "ée")]
# Derivational endings merged after stemming, when at least four letters remain.
_FRENCH_SUFFIXES = ("eur", "ion", "ist", "ism", "iqu")
_ENGLISH_CANONICAL = {
    "analysi": "analy",
    "analys": "analy",
    "analyst": "analy",
    "analyt": "analy",
    "analyz": "analy",
    "lawyer": "law",
}


@lru_cache(maxsize=65_536)
def french_key(token: str) -> str:
    """French index key of a normalized token: "developpeuses" → "f:develop"."""
    word = token
    if len(word) > 5:
        for ending, replacement in _FEMININE:
            if word.endswith(ending):
                word = word[: -len(ending)] + replacement
                break
        for ending, replacement in _REACCENT:
            if word.endswith(ending):
                word = word[: -len(ending)] + replacement
                break
    stem = strip_accents(_stemmer("french").stemWord(word))
    for ending in _FRENCH_SUFFIXES:
        if stem.endswith(ending) and len(stem) - len(ending) >= 4:
            stem = stem[: -len(ending)]
            break
    if len(stem) >= 5 and stem[-1] == "s" and stem[-2] in "aiouy":
        stem = stem[:-1]  # Snowball keeps the plural s after a vowel: vidéos ~ vidéo
    if len(stem) >= 5 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        stem = stem[:-1]  # travaill(er) ~ travail, developp(er) ~ develop
    return "f:" + stem


@lru_cache(maxsize=65_536)
def english_key(token: str) -> str:
    """English index key of a normalized token: "photographers" → "e:photograph"."""
    stem = _stemmer("english").stemWord(token)
    if stem.endswith("i") and len(stem) >= 7:
        stem = stem[:-1]  # photographi → photograph, like photographer
    return "e:" + _ENGLISH_CANONICAL.get(stem, stem)


def keys(token: str) -> tuple[str, str]:
    """The (French, English) index keys of one normalized token."""
    return french_key(token), english_key(token)


# Abbreviations members type, expanded at query time (written normalized: no accents).
# One-word expansions become alternatives of the word; multi-word ones whole query variants.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "dev": ("developpement", "developpeur", "developer", "development", "programmation"),
    "devs": ("developpement", "developpeur", "developer", "development"),
    "prog": ("programmation", "programming"),
    "compta": ("comptabilite", "comptable", "accounting"),
    "ux": ("experience utilisateur", "user experience"),
    "ui": ("interface utilisateur", "user interface"),
    "seo": ("referencement naturel", "search engine optimisation", "moteurs de recherche"),
    "sea": ("referencement payant", "search engine advertising"),
    "sem": ("search engine marketing",),
    "rh": ("ressources humaines",),
    "hr": ("human resources",),
    "grh": ("gestion des ressources humaines",),
    "drh": ("ressources humaines",),
    "cgv": ("conditions generales de vente",),
    "cgu": ("conditions generales d utilisation",),
    "rgpd": ("protection des donnees", "data protection"),
    "gdpr": ("data protection",),
    "pao": ("publication assistee par ordinateur",),
    "dao": ("dessin assiste par ordinateur",),
    "cao": ("conception assistee par ordinateur",),
    "rp": ("relations presse", "relations publiques"),
    "pr": ("public relations",),
    "cm": ("community manager",),
    "ia": ("intelligence artificielle",),
    "ai": ("artificial intelligence",),
    "ml": ("machine learning",),
    "bi": ("business intelligence",),
    "bdd": ("base de donnees",),
    "db": ("database",),
    "js": ("javascript",),
    "ts": ("typescript",),
    "py": ("python",),
    "crm": ("gestion de la relation client", "customer relationship management"),
    "erp": ("enterprise resource planning",),
    "rse": ("responsabilite sociale des entreprises",),
    "csr": ("corporate social responsibility",),
    "tva": ("taxe sur la valeur ajoutee",),
    "vat": ("value added tax",),
    "kpi": ("indicateurs de performance",),
    "photo": ("photographie", "photography"),
    "photos": ("photographie", "photography"),
    "pub": ("publicite", "advertising"),
    "com": ("communication",),
    "info": ("informatique",),
    "appli": ("application",),
    "app": ("application",),
    "apps": ("application",),
    "admin": ("administration",),
    "archi": ("architecture",),
    "deco": ("decoration",),
    "psy": ("psychologie", "psychologue"),
    "secu": ("securite",),
    "sys": ("systeme", "system"),
    "fullstack": ("developpement web", "web programming"),
    "frontend": ("front end",),
    "backend": ("back end",),
}
