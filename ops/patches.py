"""Fixes to Django itself, applied once at startup and kept here so they are easy to drop after an upgrade."""

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters, ModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import ModelMultipleChoiceField


def _holds(field, value):
    """Whether ``value`` is something ``field`` can hold (and so can be looked up without a database error)."""
    if "\x00" in str(value):
        return False
    try:
        python_value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    internal_type = field.get_internal_type()
    if isinstance(python_value, int) and internal_type in connection.ops.integer_field_ranges:
        # SQLite raises OverflowError for integers beyond 64 bits instead of finding nothing.
        low, high = connection.ops.integer_field_range(internal_type)
        if (low is not None and python_value < low) or (high is not None and python_value > high):
            return False
    return True


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
        return original(self, name, [item for item in value if _holds(target, item)], attr)

    optgroups.tolerates_invalid_values = True
    AutocompleteMixin.optgroups = optgroups


def tolerate_invalid_action_selection():
    """
    A changelist action posted with a selected id that is not an id (``_selected_action=abc``) makes the admin
    filter by it and raise ValueError. Drop such ids first; with none left, the admin says that items must
    be selected, as it does for an empty selection.
    """
    original = ModelAdmin.response_action
    if getattr(original, "tolerates_invalid_values", False):
        return

    def response_action(self, request, queryset):
        name = helpers.ACTION_CHECKBOX_NAME
        selected = request.POST.getlist(name)
        valid = [value for value in selected if _holds(self.model._meta.pk, value)]
        if valid != selected:
            data = request.POST.copy()
            data.setlist(name, valid)
            request.POST = data
        return original(self, request, queryset)

    response_action.tolerates_invalid_values = True
    ModelAdmin.response_action = response_action


def refuse_out_of_range_choices():
    """
    A model multiple-choice field posted with an id beyond the database's integer range
    (``products=99999999999999999999``) raises OverflowError on SQLite while it looks the id up. Refuse such
    ids with the field's own "not a valid value" message first.
    """
    original = ModelMultipleChoiceField._check_values
    if getattr(original, "tolerates_invalid_values", False):
        return

    def _check_values(self, value):
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for pk in value:
            if not isinstance(pk, str | int) or _holds(key, pk):
                continue
            raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return original(self, value)

    _check_values.tolerates_invalid_values = True
    ModelMultipleChoiceField._check_values = _check_values


def refuse_dates_beyond_the_calendar():
    """
    A changelist's date drill-down builds a date from ``published_at__year`` and friends and catches only the
    ValueError of a wrong one: a year such as 10**30 raises OverflowError, and the year 9999 (whose next year
    does not exist) a ValueError outside the check, both server errors. Treat them as the wrong filter they are:
    the admin then shows the list with its "invalid filter" message, as for any other.
    """
    original = ChangeList.get_filters
    if getattr(original, "tolerates_invalid_values", False):
        return

    def get_filters(self, request):
        try:
            return original(self, request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    get_filters.tolerates_invalid_values = True
    ChangeList.get_filters = get_filters
