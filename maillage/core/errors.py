"""Domain errors: a message a person understands. Views turn them into form errors or 4xx."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; `message` is shown to the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
