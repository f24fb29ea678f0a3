"""Markdown to safe HTML: CommonMark with tables, then sanitized with nh3 (no raw HTML survives)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "blockquote", "code", "pre", "hr", "br",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}  # no style: the CSP refuses inline styles anyway

REPORTING_CONTACTS_MARK = "<p>[[reporting-contacts]]</p>"


def render(markdown: str) -> str:
    """Render Markdown to sanitized HTML. Headings of level 1 become level 2 (the page has the h1)."""
    html = _md.render(markdown).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
