"""imports pages (issue 3)."""

from __future__ import annotations

urlpatterns: list = []
