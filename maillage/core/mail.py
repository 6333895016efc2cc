"""Who can be e-mailed: not a deleted account (its address is a placeholder under the
reserved ".invalid" domain, RFC 2606), nor any other ".invalid" address."""

from __future__ import annotations


def deliverable(address: str | None) -> bool:
    return bool(address) and not address.rstrip(".").lower().endswith(".invalid")
