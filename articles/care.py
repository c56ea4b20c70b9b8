"""
The “Get help now” card: warning signs grouped by how fast a reader must act.

Modelled on the NHS website's care cards: “Immediate action required” (call emergency services) comes before
“Urgent advice” (contact the care team today). Every reader page that lists side effects, and the printed
handout, build their card with :func:`care_card`; a condition page builds one from the condition's own warning
signs (bleeding in ITP, say) with :func:`condition_card`. Both give the same groups, so the card says the same
everywhere.
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
    """One side effect on the card, with the signs to look for; no side effect for the signs of the page's own topic."""

    side_effect: SideEffect | None
    signs: list

    @property
    def name(self):
        return self.side_effect.name if self.side_effect else ""


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


def sign_list(text):
    """Warning signs typed one per line (list marks and blank lines ignored) as a list."""
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def condition_card(condition):
    """
    The card of ``condition``'s own warning signs (its ``immediate_signs`` and ``urgent_signs``), as
    :func:`care_card` gives it: most urgent first, empty levels left out, an empty list when it has none.
    """
    signs = {Level.IMMEDIATE: condition.immediate_signs, Level.URGENT: condition.urgent_signs}
    return [
        CareGroup(level=level, heading=Level(level).label, action=ACTIONS[level], warnings=[CareWarning(None, found)])
        for level in CARD_LEVELS
        if (found := sign_list(signs[level]))
    ]
