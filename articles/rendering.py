"""
What reader pages compute from a record's content: the table of contents and heading anchors of a rich-text
body, reading time, and side effects grouped the way patients look for them. ``articles.publishing`` calls
these once, when a record is published, and stores the result (see ``review.rendering``).

Nothing here touches the database; it works on sanitized rich text (see ``richtext.fields``) and on rows
that were already fetched. In-text citation markers (``[cite:…]``, see ``references.markers``) are left in
the HTML for ``references.markers.render_citations`` and kept out of headings' ids, the table of contents and
word counts.
"""

import math
import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from references.markers import MARKER
from richtext.fields import plain_text

from .models import SideEffect

WORDS_PER_MINUTE = 200

# Ids the article template gives its own sections; body headings never take them.
PAGE_IDS = frozenset(
    {
        "main",
        "toc",
        "toc-heading",
        "side-effects-heading",
        "products-heading",
        "sources-heading",
        "disclosures-heading",
        "feedback",
        "feedback-heading",
        "related-heading",
        "recent-heading",
        "disclaimer-heading",
    }
)

# The sanitizer keeps no attributes on headings, so every h2 in a stored body is exactly "<h2>…</h2>".
_H2 = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)


@dataclass(frozen=True)
class Heading:
    id: str
    text: str


@dataclass(frozen=True)
class Outline:
    """A rich-text body with an anchor id on every h2, and the table of contents those ids make."""

    html: str
    headings: list[Heading]

    @classmethod
    def from_html(cls, html, reserved=PAGE_IDS):
        """
        Give every ``<h2>`` of sanitized ``html`` a stable id made from its text, unique on the page.

        The ids depend only on the heading texts, in order, so links to a section keep working across
        edits elsewhere in the article. ``html`` must come from a field sanitized on save.
        """
        taken = set(reserved)
        headings = []

        def anchor(match):
            text = " ".join(unescape(strip_tags(MARKER.sub("", match.group(1)))).split())
            base = slugify(text) or "section"
            heading_id, number = base, 1
            while heading_id in taken:
                number += 1
                heading_id = f"{base}-{number}"
            taken.add(heading_id)
            headings.append(Heading(heading_id, text))
            return f'<h2 id="{heading_id}">{match.group(1)}</h2>'

        return cls(html=mark_safe(_H2.sub(anchor, html or "")), headings=headings)


def reading_minutes(*texts):
    """Minutes an unhurried reader needs for rich-text ``texts``, at least one."""
    words = sum(len(plain_text(MARKER.sub("", text or "")).split()) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def group_side_effects(links):
    """
    Side-effect links (rows with ``side_effect`` and ``frequency``, already fetched) as
    ``[(seriousness, [(onset, [link, ...]), ...]), ...]``: serious before mild, during the infusion before
    delayed, each group in the order given. Empty groups are left out.
    """
    groups = {
        seriousness: {onset: [] for onset in SideEffect.Onset} for seriousness in reversed(SideEffect.Seriousness)
    }
    for link in links:
        effect = link.side_effect
        groups[SideEffect.Seriousness(effect.seriousness)][SideEffect.Onset(effect.onset)].append(link)
    return [
        (seriousness, [(onset, items) for onset, items in by_onset.items() if items])
        for seriousness, by_onset in groups.items()
        if any(by_onset.values())
    ]
