"""Maillage's bilingual skills taxonomy (derived from ESCO) and the free-text linker.

Pure Python, no Django: `linker` loads the committed data file and links what a member types
("dev web", "grafiste", "juriste droit des contrats") to taxonomy concepts; `quality`
measures how well and how fast it does. See docs/taxonomy.md.
"""

from __future__ import annotations

from maillage.members.taxonomy.linker import (
    ATTRIBUTION,
    Concept,
    Group,
    Match,
    Taxonomy,
    default_taxonomy,
    link,
    suggest,
)

__all__ = [
    "ATTRIBUTION",
    "Concept",
    "Group",
    "Match",
    "Taxonomy",
    "default_taxonomy",
    "link",
    "suggest",
]
