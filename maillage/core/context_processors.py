from __future__ import annotations

import functools

from django.conf import settings

from maillage.core.navigation import nav_html


def viewer(request) -> dict:
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        return {}
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else None

    @functools.cache  # computed once per request, however often the templates read it
    def nav():
        return nav_html(viewer, url_name)

    return {"viewer": viewer, "nav": nav, "debug_banner": settings.DEBUG}
