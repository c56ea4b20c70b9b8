"""Times shown to staff, always with the site's time zone: "3 March 2027, 09:00 (Europe/London)"."""

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def staff_time(moment):
    """``moment`` in the site's time zone, saying which zone that is; empty for no time."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{dateformat.format(local, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"
