"""
The admin's autocomplete inputs (select2), made to name themselves to assistive technology and to pass the HTML
checker. Every reviewed model's admin gives its autocomplete inputs these manners (:func:`named`), whichever class
drew them; inlines use :class:`NamedAutocompleteSelect` (through ``BatchedAutocompleteSelect``).
"""

import functools

from django import forms
from django.contrib.admin.widgets import AutocompleteMixin, AutocompleteSelect, AutocompleteSelectMultiple


class NoRequiredAttribute:
    """A widget that never renders HTML's ``required`` (see :class:`NamedAutocompleteMixin`)."""

    def use_required_attribute(self, initial):
        return False


class NamedAutocompleteMixin(NoRequiredAttribute):
    """
    - ``js/autocomplete-names.js`` gives each box the name of its field's label (select2 draws boxes with none).
    - No ``required`` attribute on the hidden select: the browser could not point at it, and would silently refuse
      to submit; the form's own check says what is missing instead. (It also let an HTML select start with a
      chosen option, which a required one may not.)
    - A box of several choices has no "clear all" button: each choice has its own, and select2 put that button
      inside its list, where only list items belong.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.allow_multiple_selected:
            attrs["data-allow-clear"] = "false"
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(js=["js/autocomplete-names.js"])


class NamedAutocompleteSelect(NamedAutocompleteMixin, AutocompleteSelect):
    pass


class NamedAutocompleteSelectMultiple(NamedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


@functools.cache
def _with(mixin, widget_class):
    return type(f"{mixin.__name__}{widget_class.__name__}", (mixin, widget_class), {})


def named(formfield):
    """
    ``formfield``, its autocomplete input given the manners of :class:`NamedAutocompleteMixin` if it has one, and
    the admin's add/change links around it, which say whether the input is required, told that it is not.
    """
    outer = getattr(formfield, "widget", None)
    widget = getattr(outer, "widget", outer)
    if isinstance(widget, AutocompleteMixin) and not isinstance(widget, NamedAutocompleteMixin):
        widget.__class__ = _with(NamedAutocompleteMixin, type(widget))
    if isinstance(widget, AutocompleteMixin) and outer is not widget and not isinstance(outer, NoRequiredAttribute):
        outer.__class__ = _with(NoRequiredAttribute, type(outer))
    return formfield
