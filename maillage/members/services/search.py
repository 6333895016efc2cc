"""Search services (issue 3)."""

from __future__ import annotations
