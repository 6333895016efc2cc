"""The members' directory: search and browse profiles, each as the viewer may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from maillage.members.selectors_directory import (
    DirectoryQuery,
    did_you_mean,
    directory_search,
    directory_spaces,
)

FILTER_KEYS = ("q", "space", "here", "offers", "coffee", "lunch", "new")


def _flag(params: QueryDict, key: str) -> bool:
    return params.get(key, "") in {"1", "on", "true", "yes"}


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def parse_query(params: QueryDict) -> DirectoryQuery:
    return DirectoryQuery(
        text=params.get("q", ""),
        space_id=_int(params.get("space")),
        here_today=_flag(params, "here"),
        offers=params.get("offers", ""),
        coffee=_flag(params, "coffee"),
        lunch=_flag(params, "lunch"),
        new=_flag(params, "new"),
        page=_int(params.get("page")) or 1,
    )


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    spaces = directory_spaces(request.viewer)
    page = directory_search(request.viewer, parse_query(request.GET), spaces=spaces)
    # Pagination links keep the search and filters, without the page number.
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        if request.GET.get(key):
            kept[key] = request.GET[key]
    template = (
        "members/directory/partials/results.html"
        if request.htmx and not request.htmx.boosted
        else "members/directory/index.html"
    )
    # Nobody found: perhaps two letters were swapped ("desing"); the person chooses.
    mended = did_you_mean(page.query.text) if page.query.is_search and not page.count else ""
    if mended:
        again = QueryDict(mutable=True)
        again.update({key: value for key, value in request.GET.items() if key != "page"})
        again["q"] = mended
        mended = (mended, again.urlencode())
    return render(
        request,
        template,
        {
            "page": page,
            "query": page.query,
            "spaces": spaces,
            "kept": kept.urlencode(),
            "did_you_mean": mended,
        },
    )


urlpatterns = [
    path("directory/", directory, name="directory"),
]
