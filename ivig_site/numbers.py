"""
Whole numbers that come from outside: the address, a form, an import file, another service's answer.

Python's ``int()`` reads more than anyone means by a number here: Arabic-Indic and other Unicode decimal digits
(``int("٣")`` is 3), underscores (``int("1_000")``), surrounding spaces; and it raises ValueError on 4,300 digits
or more. ``str.isdigit()`` says yes to "²" and "①", which ``int()`` then refuses. So no code reads a number
from outside with them: :func:`whole_number` reads ASCII digits only, within the caller's bounds, and answers
None for anything else, so that every caller decides in one line what a wrong number means for its reader.

It lives in the project package, which imports nothing from the apps, so that every app may use it.
"""

import re

# Forty characters are more than any bound we use needs (10**30 has 31 digits), and far from int()'s limit.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,40}")


def whole_number(value, minimum=None, maximum=None):
    """
    The whole number ``value`` spells in ASCII digits (with an optional leading minus), or None when it spells
    none or the number lies outside ``minimum``…``maximum`` (both included). An ``int`` is taken as it is, and
    checked against the bounds: JSON from another service may give numbers as numbers.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        number = int(value)
    else:
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number
