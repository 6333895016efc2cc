"""Link free text to skills taxonomy concepts: ranked, bilingual, typo-tolerant.

Pure Python (no Django). `default_taxonomy()` loads the committed data file once per
process; `link("juriste droit des contrats")` and `suggest("photog")` return `Match`es,
best first.

The model is a small lexical retrieval system over concept labels (preferred, alternative
and job-title labels, in French and English), in the spirit of BM25-style term weighting
(S. Robertson and H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
2009), specialised for very short texts:

* Index (built once at load, O(total label tokens)): every label is normalized and split
  into tokens (`text.normalize`); each token of a French label gets a French Snowball key,
  each token of an English label an English one (`text.keys`). An inverted index maps
  key → (label, position); each key carries an inverse document frequency (IDF) over labels.
* Query: the text is normalized the same way, stop words dropped, and each remaining word
  becomes a *slot* whose alternatives are its two keys (exact), the keys of its expansion
  when it is a known abbreviation ("compta" → comptabilité), and, for words the index does
  not know, the keys of the closest vocabulary words by edit distance (rapidfuzz
  `process.extract`, normalized Indel similarity ≥ 0.78, ≥ 0.85 under 7 letters:
  "grafiste" → graphiste) and of the vocabulary words it prefixes ("compt" →
  comptabilite); in `suggest`, where a person picks, also of the words it equals with two
  adjacent letters swapped, from 5 letters ("desing" → design: one edit for the optimal
  string alignment distance, two for Indel; not in `link`, where "relire" would become
  "relier").
  `suggest` treats the last word as a prefix ("photog" → photographie).
  Multi-word abbreviations ("ux" → expérience utilisateur / user experience) are tried as
  whole query variants (score × 0.95).
* Score of a label: 0.55 · query coverage + 0.45 · label coverage, both IDF-weighted and
  scaled by match strength (1 for the same stem, 0.95 for an abbreviation, 0.85-0.9 for a
  prefix, 0.9 × similarity for a typo correction), plus 0.02 for a preferred label and 0.01
  for the requested language. The best 40 labels are re-ranked: a label equal to the query
  scores 1, one that starts with it gets +0.03, and the score is blended with rapidfuzz
  `token_set_ratio` on the normalized strings (0.8 · lexical + 0.2 · fuzzy). Each concept
  keeps its best label; below 0.3 nothing is returned.

Cost per query: O(Σ postings of the query's keys) for candidates and scores, plus, per
unknown word, a rapidfuzz search (C++) over the vocabulary words of the same phonetic
initial and a similar length, plus O(40) final comparisons. With ~2,900 concepts and ~9,000
labels that is well under a millisecond of CPU for a 5-word phrase (docs/taxonomy.md).
"""

from __future__ import annotations

import gzip
import heapq
import json
import math
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from maillage.members.taxonomy.text import (
    ABBREVIATIONS,
    STOP_WORDS,
    english_key,
    french_key,
    keys,
    normalize,
    tokens,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "skills.json.gz"
SUPPLEMENT_PATH = DATA_DIR / "supplement.json"
ATTRIBUTION = "Skills taxonomy derived from ESCO, © European Union, https://esco.ec.europa.eu"

MIN_SCORE = 0.3
MAX_QUERY_CHARS = 500
MAX_QUERY_TOKENS = 16
MAX_TOKEN_LENGTH = 40
MAX_VARIANTS = 4
FUZZY_CUTOFF = 0.78  # Indel similarity: "grafiste" ~ "graphiste" is 0.82
SHORT_FUZZY_CUTOFF = 0.85  # under 7 letters one edit already weighs a lot
TRANSPOSITION_MIN_LETTERS = 5  # "desing" → design; shorter words have too many neighbours
RERANK = 40
_TAGS = re.compile(r"<[^>]*>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Group:
    uri: str
    fr: str
    en: str

    def label(self, lang: str | None = "fr") -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True, slots=True)
class Concept:
    """A taxonomy concept; `uri` is the stable key (an ESCO skill URI or `maillage:...`)."""

    uri: str
    fr: str
    en: str
    alt_fr: tuple[str, ...]
    alt_en: tuple[str, ...]
    group: str
    kind: str = "skill"
    broader: tuple[str, ...] = ()

    def label(self, lang: str | None = "fr") -> str:
        return self.en if lang == "en" else self.fr

    @property
    def is_esco(self) -> bool:
        return self.uri.startswith("http://data.europa.eu/esco/")


@dataclass(frozen=True, slots=True)
class Match:
    concept: Concept
    score: float  # 0-1
    matched_label: str
    reason: str


@dataclass(slots=True)
class _Slot:
    """One query word and the index keys that may satisfy it: key → (strength, note)."""

    word: str
    alternatives: dict[str, tuple[float, str]] = field(default_factory=dict)
    weight: float = 0.0
    ordered: list[tuple[str, float]] = field(default_factory=list)

    def offer(self, key: str, strength: float, note: str = "") -> None:
        if strength > self.alternatives.get(key, (0.0, ""))[0]:
            self.alternatives[key] = (strength, note)


class Taxonomy:
    """Concepts, groups and the label index. Build with `load()` or `from_data()`."""

    def __init__(
        self,
        concepts: Iterable[Concept],
        groups: Iterable[Group],
        *,
        attribution: str = ATTRIBUTION,
    ) -> None:
        self.concepts: dict[str, Concept] = {c.uri: c for c in concepts}
        self.groups: dict[str, Group] = {g.uri: g for g in groups}
        self.attribution = attribution
        self._build_index()

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        supplement: str | Path | None = SUPPLEMENT_PATH,
        extra_labels: Mapping[str, Iterable[str]] | None = None,
    ) -> Taxonomy:
        """Read the data file (gzip or plain JSON) and merge the hand-written supplement.

        `extra_labels` maps a concept uri to more labels (e.g. free tags staff merged into
        it); they are indexed like alternative labels in both languages.
        """
        path = Path(path) if path is not None else DEFAULT_PATH
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        extra = None
        if supplement is not None and Path(supplement).exists():
            extra = json.loads(Path(supplement).read_text(encoding="utf-8"))
        return cls.from_data(data, supplement=extra, extra_labels=extra_labels)

    @classmethod
    def from_data(
        cls,
        data: Mapping[str, Any],
        *,
        supplement: Mapping[str, Any] | None = None,
        extra_labels: Mapping[str, Iterable[str]] | None = None,
    ) -> Taxonomy:
        raw: dict[str, dict[str, Any]] = {c["uri"]: dict(c) for c in data["concepts"]}
        groups = [Group(g["uri"], g["fr"], g["en"]) for g in data["groups"]]
        if supplement:
            groups += [Group(g["uri"], g["fr"], g["en"]) for g in supplement.get("groups", [])]
            for concept in supplement.get("concepts", []):
                if concept["uri"] in raw:
                    raise ValueError(f"supplement redefines {concept['uri']}")
                raw[concept["uri"]] = {"kind": "maillage", **concept}
            for alias in supplement.get("aliases", []):
                target = raw.get(alias["uri"])
                if target is None:
                    raise ValueError(f"supplement alias for unknown concept {alias['uri']}")
                target["alt_fr"] = [*target.get("alt_fr", []), *alias.get("fr", [])]
                target["alt_en"] = [*target.get("alt_en", []), *alias.get("en", [])]
        for uri, labels in (extra_labels or {}).items():
            if uri in raw:
                raw[uri]["alt_fr"] = [*raw[uri].get("alt_fr", []), *labels]
        group_uris = {g.uri for g in groups}
        concepts = []
        for c in raw.values():
            if c["group"] not in group_uris:
                raise ValueError(f"{c['uri']} is in unknown group {c['group']}")
            concepts.append(
                Concept(
                    uri=c["uri"],
                    fr=c["fr"],
                    en=c["en"],
                    alt_fr=tuple(dict.fromkeys(c.get("alt_fr", []))),
                    alt_en=tuple(dict.fromkeys(c.get("alt_en", []))),
                    group=c["group"],
                    kind=c.get("kind", "skill"),
                    broader=tuple(c.get("broader", ())),
                )
            )
        return cls(concepts, groups, attribution=data.get("attribution", ATTRIBUTION))

    # -- index -----------------------------------------------------------------------------

    def _build_index(self) -> None:
        self._concept_list: list[Concept] = list(self.concepts.values())
        label_text: list[str] = []
        label_norm: list[str] = []  # content words only, as queries are compared
        label_concept: list[int] = []
        label_lang: list[str] = []
        label_preferred: list[bool] = []
        label_keys: list[tuple[str, ...]] = []
        seen: set[tuple[int, str]] = set()
        vocab_keys: dict[str, set[str]] = {}
        vocab_frequency: dict[str, int] = {}
        for index, concept in enumerate(self._concept_list):
            candidates = [
                (concept.fr, "fr", True),
                (concept.en, "en", True),
                *((label, "fr", False) for label in concept.alt_fr),
                *((label, "en", False) for label in concept.alt_en),
            ]
            for text, lang, preferred in candidates:
                norm = normalize(text)
                words = tokens(norm)
                if not words or (index, norm + lang) in seen:
                    continue
                seen.add((index, norm + lang))
                make_key = french_key if lang == "fr" else english_key
                word_keys = tuple(make_key(word) for word in words)
                for word, key in zip(words, word_keys, strict=True):
                    vocab_keys.setdefault(word, set()).add(key)
                    vocab_frequency[word] = vocab_frequency.get(word, 0) + 1
                label_text.append(text)
                label_norm.append(" ".join(words))
                label_concept.append(index)
                label_lang.append(lang)
                label_preferred.append(preferred)
                label_keys.append(word_keys)

        document_frequency: dict[str, int] = {}
        postings: dict[str, list[tuple[int, int]]] = {}
        for label, word_keys in enumerate(label_keys):
            for position, key in enumerate(word_keys):
                postings.setdefault(key, []).append((label, position))
            for key in set(word_keys):
                document_frequency[key] = document_frequency.get(key, 0) + 1
        total = len(label_keys) + 1
        self._idf = {
            key: math.log(1 + total / (count + 0.5)) for key, count in document_frequency.items()
        }
        self._max_idf = max(self._idf.values(), default=1.0)
        idf = self._idf
        # key -> ((label, IDF of that word), ...): scoring needs no other lookup.
        self._postings = {
            key: tuple((label, idf[key]) for label, _ in items) for key, items in postings.items()
        }
        self._label_text = label_text
        self._label_norm = label_norm
        self._label_concept = label_concept
        self._label_keys = label_keys
        self._label_inverse_total = [1 / sum(idf[k] for k in ks) for ks in label_keys]
        preferred_bonus = [0.02 if preferred else 0.0 for preferred in label_preferred]
        self._bonus = preferred_bonus
        self._bonus_fr = [
            b + (0.01 if lg == "fr" else 0.0)
            for b, lg in zip(preferred_bonus, label_lang, strict=True)
        ]
        self._bonus_en = [
            b + (0.01 if lg == "en" else 0.0)
            for b, lg in zip(preferred_bonus, label_lang, strict=True)
        ]
        self._vocab_keys = {word: tuple(sorted(ks)) for word, ks in vocab_keys.items()}
        self._vocab = sorted(self._vocab_keys)
        self._vocab_frequency = vocab_frequency
        buckets: dict[str, list[str]] = {}
        for word in self._vocab:
            if len(word) >= 3:
                buckets.setdefault(_initial(word), []).append(word)
        self._typo_buckets = {}
        for initial, words in buckets.items():
            words.sort(key=len)
            self._typo_buckets[initial] = ([len(w) for w in words], words)
        # Abbreviation expansions, normalized once.
        self._single_expansions: dict[str, tuple[str, ...]] = {}
        self._phrase_expansions: dict[str, tuple[str, ...]] = {}
        for short, expansions in ABBREVIATIONS.items():
            singles = tuple(e for e in (normalize(x) for x in expansions) if " " not in e)
            phrases = tuple(e for e in (normalize(x) for x in expansions) if " " in e)
            if singles:
                self._single_expansions[short] = singles
            if phrases:
                self._phrase_expansions[short] = phrases

    @property
    def label_count(self) -> int:
        return len(self._label_text)

    # -- querying --------------------------------------------------------------------------

    def link(self, text: str, *, limit: int = 10, lang: str | None = None) -> list[Match]:
        """Concepts the text names, best first (at most `limit`, each with a score 0-1)."""
        return self._search(text, limit=limit, lang=lang, prefix=False)

    def suggest(self, prefix: str, *, limit: int = 8, lang: str | None = None) -> list[Match]:
        """Autocomplete: like `link`, but the last word may be unfinished ("photog")."""
        if not isinstance(prefix, str):
            return []
        return self._search(prefix, limit=limit, lang=lang, prefix=not prefix.endswith(" "))

    def _search(self, text: str, *, limit: int, lang: str | None, prefix: bool) -> list[Match]:
        if not isinstance(text, str) or limit <= 0:
            return []
        norm = _normalize_query(_TAGS.sub(" ", _SCRIPTS.sub(" ", text[:MAX_QUERY_CHARS])))
        words = [w for w in tokens(norm) if len(w) <= MAX_TOKEN_LENGTH and not w.isdigit()][
            :MAX_QUERY_TOKENS
        ]
        if prefix and norm and norm.rsplit(" ", 1)[-1] in STOP_WORDS:
            words.append(norm.rsplit(" ", 1)[-1])  # "ma" may be the start of "marketing"
        if not words:
            return []
        initial = ""
        if prefix and len(words) > 1 and len(words[-1]) == 1:
            # "dev w": one letter says little on its own; prefer labels with a word it starts.
            initial = words.pop()
        query_norm = " ".join(words)
        variants: list[tuple[list[str], float, str]] = [(words, 1.0, "")]
        for position, word in enumerate(words):
            for phrase in self._phrase_expansions.get(word, ()):
                expanded = words[:position] + tokens(phrase) + words[position + 1 :]
                variants.append((expanded, 0.95, f"abbreviation '{word}' → '{phrase}'"))
        slot_cache: dict[tuple[str, bool], _Slot] = {}
        best: dict[int, tuple[float, int, int]] = {}  # concept -> (score, label, variant)
        variant_slots: list[list[_Slot]] = []
        for number, (variant_words, factor, _) in enumerate(variants[:MAX_VARIANTS]):
            last = len(variant_words) - 1
            slots = []
            for position, word in enumerate(variant_words):
                as_prefix = prefix and not initial and position == last and number == 0
                slot = slot_cache.get((word, as_prefix))
                if slot is None:
                    slot = slot_cache[(word, as_prefix)] = self._slot(word, as_prefix)
                slots.append(slot)
            variant_slots.append(slots)
            scored = self._score(slots, query_norm, lang=lang, prefix=prefix, initial=initial)
            for score, label in scored:
                score *= factor
                concept = self._label_concept[label]
                if concept not in best or score > best[concept][0]:
                    best[concept] = (score, label, number)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self._label_text[item[1][1]]))
        matches = []
        for concept_index, (score, label, number) in ranked[:limit]:
            if score < MIN_SCORE:
                break
            if self._label_norm[label] == query_norm:
                reason = "exact label"
            else:
                reason = variants[number][2] or self._explain(label, variant_slots[number])
            matches.append(
                Match(
                    concept=self._concept_list[concept_index],
                    score=round(min(score, 1.0), 4),
                    matched_label=self._label_text[label],
                    reason=reason,
                )
            )
        return matches

    def _slot(self, word: str, as_prefix: bool) -> _Slot:
        """The index keys that may stand for one query word, strongest first."""
        slot = _Slot(word)
        postings = self._postings
        exact = [key for key in keys(word) if key in postings]
        for key in exact:
            slot.offer(key, 1.0)
        for expansion in self._single_expansions.get(word, ()):
            for key in keys(expansion):
                if key in postings:
                    slot.offer(key, 0.95, f"abbreviation '{word}' → '{expansion}'")
        if as_prefix and len(word) >= 2:
            self._offer_prefixes(slot, word, strength=0.9, limit=40)
            if not slot.alternatives and len(word) >= 4:
                # Nothing starts with it: a finished word with a typo ("desing"). Two letters
                # swapped are tried here only, where a person picks among the suggestions:
                # in automatic linking they would turn real words into others (relire →
                # relier, romain → romani).
                self._offer_typos(slot, word, swaps=True)
        elif not slot.alternatives and len(word) >= 4:
            self._offer_prefixes(slot, word, strength=0.85, limit=8)
            self._offer_typos(slot, word)
        idf = self._idf
        slot.weight = max(
            [idf[k] for k in exact] or [idf[k] for k in slot.alternatives] or [self._max_idf]
        )
        slot.ordered = sorted(
            ((key, strength) for key, (strength, _) in slot.alternatives.items()),
            key=lambda item: -item[1],
        )
        return slot

    def _offer_prefixes(self, slot: _Slot, word: str, *, strength: float, limit: int) -> None:
        """Offer the `limit` most frequent vocabulary words that `word` starts."""
        vocab = self._vocab
        start = bisect_left(vocab, word)
        end = bisect_left(vocab, word + "{", start)  # "{" sorts right after "z"
        candidates = [c for c in vocab[start:end] if c != word]
        if len(candidates) > limit:
            frequency = self._vocab_frequency
            candidates = sorted(candidates, key=lambda c: -frequency[c])[:limit]
        for candidate in candidates:
            for key in self._vocab_keys[candidate]:
                slot.offer(key, strength, f"prefix '{word}' → '{candidate}'")

    def _offer_typos(self, slot: _Slot, word: str, *, swaps: bool = False) -> None:
        # Only words of a similar length and the same (phonetic) initial can be within
        # the cutoff in practice; searching that bucket keeps this well under a millisecond.
        bucket = self._typo_buckets.get(_initial(word))
        if not bucket:
            return
        size = len(word)
        lengths, words = bucket
        low = bisect_left(lengths, size - max(2, size // 4))
        high = bisect_left(lengths, size + max(2, size // 4) + 1)
        for candidate, similarity, _ in process.extract(
            word,
            words[low:high],
            scorer=Indel.normalized_similarity,
            score_cutoff=FUZZY_CUTOFF if size >= 7 else SHORT_FUZZY_CUTOFF,
            limit=3,
        ):
            strength = 0.9 * similarity
            for key in self._vocab_keys[candidate]:
                slot.offer(key, strength, f"typo-tolerant match for '{word}' → '{candidate}'")
        # Two letters swapped ("desing"), the commonest slip of the fingers: the Indel
        # distance counts it twice (0.83 for six letters, under the cutoff), the optimal
        # string alignment distance once.
        for candidate in self.swapped(word) if swaps else ():
            strength = 0.9 * (1 - 1 / size)
            for key in self._vocab_keys[candidate]:
                slot.offer(key, strength, f"letters swapped in '{word}' → '{candidate}'")

    def swapped(self, word: str) -> list[str]:
        """Vocabulary words that are `word` (normalized) with two adjacent letters swapped,
        for a word the vocabulary does not know, of at least `TRANSPOSITION_MIN_LETTERS`.
        O(len(word)) set lookups."""
        known = self._vocab_keys
        if len(word) < TRANSPOSITION_MIN_LETTERS or word in known:
            return []
        found = []
        for i in range(len(word) - 1):
            if word[i] != word[i + 1]:
                candidate = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                if candidate in known and candidate not in found:
                    found.append(candidate)
        return found

    def _score(
        self,
        slots: list[_Slot],
        query_norm: str,
        *,
        lang: str | None,
        prefix: bool,
        initial: str = "",
    ) -> list[tuple[float, int]]:
        """(score, label) of the best labels for these query slots, best first."""
        query_weight = sum(slot.weight for slot in slots) or 1.0
        # label -> [matched query weight, matched label weight, bit mask of matched slots].
        # Slots offer their strongest keys first, so a slot's first hit on a label is its best.
        accumulated: dict[int, list[Any]] = {}
        postings = self._postings
        for index, slot in enumerate(slots):
            bit = 1 << index
            for key, strength in slot.ordered:
                weighted = slot.weight * strength
                for label, weight in postings.get(key, ()):
                    entry = accumulated.get(label)
                    if entry is None:
                        accumulated[label] = [weighted, weight * strength, bit]
                    elif entry[2] & bit:
                        entry[1] += weight * strength  # another word of the label, same slot
                    else:
                        entry[0] += weighted
                        entry[1] += weight * strength
                        entry[2] |= bit

        inverse_total = self._label_inverse_total
        bonus = self._bonus_en if lang == "en" else self._bonus_fr if lang == "fr" else self._bonus
        query_scale = 0.55 / query_weight
        lexical = heapq.nlargest(
            RERANK,
            (
                (
                    query_scale * entry[0]
                    + 0.45 * min(entry[1] * inverse_total[label], 1.0)
                    + bonus[label],
                    label,
                )
                for label, entry in accumulated.items()
            ),
        )
        results = []
        label_norms = self._label_norm
        for score, label in lexical:
            label_norm = label_norms[label]
            if label_norm == query_norm and not initial:
                results.append((1.0, label))
                continue
            if prefix and label_norm.startswith(query_norm):
                score += 0.1
            elif label_norm.startswith(query_norm + " "):
                score += 0.03
            if initial and f" {initial}" in f" {label_norm}".replace(query_norm, "", 1):
                score += 0.1
            similarity = fuzz.token_set_ratio(query_norm, label_norm) / 100
            results.append((0.8 * score + 0.2 * similarity, label))
        return results

    def _explain(self, label: int, slots: list[_Slot]) -> str:
        label_keys = set(self._label_keys[label])
        notes = []
        matched = 0
        for slot in slots:
            hits = [slot.alternatives[key] for key in slot.alternatives if key in label_keys]
            if not hits:
                continue
            matched += 1
            _, note = max(hits)
            if note:
                notes.append(note)
        if notes:
            return "; ".join(dict.fromkeys(notes))
        if matched < len(slots):
            return f"stem match ({matched} of {len(slots)} words)"
        return "stem match"


def _initial(word: str) -> str:
    """Phonetic initial, so that typos like "fotographe" (ph) still find their bucket."""
    if word.startswith("ph"):
        return "f"
    if word.startswith("h") and len(word) > 1:
        word = word[1:]
    first = word[0]
    return {"c": "k", "q": "k", "y": "i"}.get(first, first)


_normalize_query = normalize.__wrapped__  # queries are not worth caching; labels are


_default: Taxonomy | None = None
_default_lock = threading.Lock()


def default_taxonomy() -> Taxonomy:
    """The committed taxonomy, loaded once per process (thread-safe)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Taxonomy.load()
    return _default


def link(text: str, *, limit: int = 10, lang: str | None = None) -> list[Match]:
    """Link free text to concepts of the default taxonomy (see `Taxonomy.link`)."""
    return default_taxonomy().link(text, limit=limit, lang=lang)


def suggest(prefix: str, *, limit: int = 8, lang: str | None = None) -> list[Match]:
    """Autocomplete against the default taxonomy (see `Taxonomy.suggest`)."""
    return default_taxonomy().suggest(prefix, limit=limit, lang=lang)
