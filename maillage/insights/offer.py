"""Offer usage: which parts of what an operator offers each member used lately. No Django.

The operator declares what its offer contains (`COMPONENTS`, by key). A member *used* a part in
the window when the ledger shows at least one of its kinds of line (`kinds`); roaming is a
check-in at a space of the operator other than the member's home. Parts the ledger cannot see
yet (training, perks, services such as mail handling or catering) are declared but not
measured: they are left out of the share rather than counted as unused.

    share(member) = |used ∩ measured declared parts| / |measured declared parts|

The seed's "75 % of the value unused" is 1 − the mean share. O(kinds) per member.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

READY = "ready"
NEEDS_DATA = "needs_data"


@dataclass(frozen=True)
class OfferComponent:
    key: str
    name: Mapping[str, str]
    kinds: frozenset[str] = frozenset()  # ledger kinds that show the part was used
    roaming: bool = False  # used = checked in at another space of the operator
    status: str = READY
    needs: str = ""


COMPONENTS: tuple[OfferComponent, ...] = (
    OfferComponent(
        "workspace", {"en": "Workspace", "fr": "Espace de travail"}, frozenset({"checked_in"})
    ),
    OfferComponent(
        "meeting_rooms",
        {"en": "Meeting rooms", "fr": "Salles de réunion"},
        frozenset({"booked"}),
    ),
    OfferComponent(
        "events",
        {"en": "Events", "fr": "Événements"},
        frozenset({"attended", "hosted"}),
    ),
    OfferComponent(
        "asks_and_offers",
        {"en": "Asks and offers", "fr": "Demandes et offres"},
        frozenset({"posted", "answered", "helped", "offer_published", "need_published"}),
    ),
    OfferComponent(
        "introductions",
        {"en": "Introductions", "fr": "Mises en relation"},
        frozenset({"introduced", "introduction_accepted", "met"}),
    ),
    OfferComponent(
        "opportunities",
        {"en": "Opportunities", "fr": "Opportunités d'affaires"},
        frozenset({"opportunity_received", "opportunity_accepted", "outcome_recorded"}),
    ),
    OfferComponent(
        "network", {"en": "Network and roaming", "fr": "Réseau et itinérance"}, roaming=True
    ),
    OfferComponent("guests", {"en": "Guests", "fr": "Invités"}, frozenset({"guest_registered"})),
    OfferComponent(
        "training",
        {"en": "Training", "fr": "Formations"},
        status=NEEDS_DATA,
        needs="events marked as training (events)",
    ),
    OfferComponent(
        "perks",
        {"en": "Perks", "fr": "Avantages partenaires"},
        status=NEEDS_DATA,
        needs="perks and their use",
    ),
    OfferComponent(
        "services",
        {"en": "Services (mail, catering…)", "fr": "Services (courrier, restauration…)"},
        status=NEEDS_DATA,
        needs="services such as mail handling or catering and their use",
    ),
)
BY_KEY = {c.key: c for c in COMPONENTS}
MEASURABLE = tuple(c.key for c in COMPONENTS if c.status == READY)


class OfferError(ValueError):
    """A declared offer with a part Maillage does not know."""


def declared(keys: Iterable[str] | None) -> tuple[str, ...]:
    """The operator's declared parts in registry order; nothing declared means every part
    Maillage can measure."""
    keys = list(keys or ())
    if not keys:
        return MEASURABLE
    unknown = sorted(set(keys) - set(BY_KEY))
    if unknown:
        raise OfferError(f"Unknown parts of the offer: {', '.join(unknown)}.")
    return tuple(c.key for c in COMPONENTS if c.key in keys)


def measured(declared_keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(k for k in declared_keys if BY_KEY[k].status == READY)


def used_components(
    totals: Mapping[str, int], *, roamed: bool, declared_keys: Sequence[str]
) -> tuple[str, ...]:
    """The measured declared parts a member used, from their line counts by kind."""
    used = []
    for key in measured(declared_keys):
        component = BY_KEY[key]
        if (component.roaming and roamed) or any(totals.get(k) for k in component.kinds):
            used.append(key)
    return tuple(used)


def share(used: Sequence[str], declared_keys: Sequence[str]) -> float | None:
    """Share of the measured declared parts used (0–1), None when nothing can be measured."""
    parts = measured(declared_keys)
    if not parts:
        return None
    return len(set(used) & set(parts)) / len(parts)
