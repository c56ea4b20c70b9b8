"""
The “Get help now” card: the warning signs of a page's side effects, grouped by how fast a reader must act.

Modelled on the NHS website's care cards: “Immediate action required” (call emergency services) comes before
“Urgent advice” (contact the care team today). Every reader page that lists side effects, and the printed
handout, build their card with :func:`care_card`, so the card says the same everywhere.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import SideEffect

Level = SideEffect.CareLevel

# Most urgent first: what a worried reader must see first.
CARD_LEVELS = [Level.IMMEDIATE, Level.URGENT]

ACTIONS = {
    Level.IMMEDIATE: _("Call 911 or your local emergency number now, or go to the nearest emergency department."),
    Level.URGENT: _("Contact your care team today. If you cannot reach them, get urgent medical care."),
}


@dataclass
class CareWarning:
    """One side effect on the card, with the signs to look for."""

    side_effect: SideEffect
    signs: list

    @property
    def name(self):
        return self.side_effect.name


@dataclass
class CareGroup:
    """One level of the card: its heading, what to do, and the side effects whose signs call for it."""

    level: str
    heading: str
    action: str
    warnings: list = field(default_factory=list)

    @property
    def is_immediate(self):
        return self.level == Level.IMMEDIATE


def care_card(side_effects):
    """
    The card for ``side_effects`` (side effects, or link rows with a ``side_effect``, already fetched) as a list
    of :class:`CareGroup`, most urgent first; each side effect once, in the order given. Routine side effects are
    left out, and so are empty levels: an empty list means the page needs no card.
    """
    by_level = {level: [] for level in CARD_LEVELS}
    seen = set()
    for item in side_effects:
        effect = getattr(item, "side_effect", item)
        if effect.pk in seen or effect.care_level not in by_level:
            continue
        seen.add(effect.pk)
        signs = effect.warning_sign_list or [text for text in [effect.when_to_seek_help.strip()] if text]
        by_level[effect.care_level].append(CareWarning(side_effect=effect, signs=signs))
    return [
        CareGroup(level=level, heading=Level(level).label, action=ACTIONS[level], warnings=warnings)
        for level, warnings in by_level.items()
        if warnings
    ]
