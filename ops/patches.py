"""Fixes to Django itself, applied once at startup and kept here so they are easy to drop after an upgrade."""

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError


def tolerate_invalid_autocomplete_values():
    """
    The admin's autocomplete widgets look up the selected values in the database when a form is shown
    again, whatever was posted or put in the address: ``?conditions=abc`` on an add page, or a posted
    ``conditions=abc``, raises ValueError (a server error) instead of showing the form with
    "Select a valid choice". Keep only the values the target field can hold; the form's own
    validation still reports the rest.
    """
    original = AutocompleteMixin.optgroups
    if getattr(original, "tolerates_invalid_values", False):
        return

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            if "\x00" not in str(item):
                valid.append(item)
        return original(self, name, valid, attr)

    optgroups.tolerates_invalid_values = True
    AutocompleteMixin.optgroups = optgroups
