"""Markdown written by members (a profile's "about me"), rendered to HTML that is safe to show.

Two locks, so that neither alone has to be perfect: Python-Markdown is told to treat raw HTML
as text (a `<script>` typed by a member shows as the characters `<script>`), then nh3 keeps
only a small set of tags and attributes, drops unsafe URL schemes and marks links
rel="nofollow noopener noreferrer".
"""

from __future__ import annotations

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE_CHARS = 10_000


class _NoRawHtml(_markdown.Extension):
    """Python-Markdown passes raw HTML through; remove the two places that do it."""

    def extendMarkdown(self, md: _markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")


def _demote_headings(html: str) -> str:
    # A member's "# Title" must not compete with the page's own h1/h2.
    for level, to in (("1", "3"), ("2", "3"), ("5", "4"), ("6", "4")):
        html = html.replace(f"<h{level}>", f"<h{to}>").replace(f"</h{level}>", f"</h{to}>")
    return html


def render_markdown(source: str) -> SafeString:
    """Members' Markdown as sanitized HTML (an empty string for empty input)."""
    if not source or not source.strip():
        return mark_safe("")
    html = _markdown.markdown(
        source[:MAX_SOURCE_CHARS], extensions=[_NoRawHtml(), "sane_lists"], output_format="html"
    )
    clean = nh3.clean(
        _demote_headings(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 (sanitized just above by nh3)
