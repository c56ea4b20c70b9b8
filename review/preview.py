"""
The reader view of the reviewer's desk and the editors' live preview, for every reviewed model's admin.

The desk shows a record as readers will see it in a frame of its own (``<id>/reader/``): the reader page's
content with the site's own stylesheet, so the admin's styles and the reader's never mix and the page's ids
cannot clash with the form's. A GET shows the saved version. A POST of the change form shows the form as it
would be saved: the form and its inline rows are validated as a save validates them, written inside a
transaction that is always rolled back (a :func:`rehearsal`), and the reader view is rendered from those rows
before the rollback. Nothing is kept: no row, no version in the history, no workflow event, no message, no
cache bump, no uploaded file (a file chosen in the form is ignored until the editor saves).
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.forms.formsets import all_valid
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

logger = logging.getLogger(__name__)

_rehearsing = ContextVar("review_rehearsing", default=False)

# Errors a preview leaves for the save to judge: a preview never sends the file an editor has chosen, so an image's
# description may look as if it described no image.
LEFT_TO_THE_SAVE = {"description_without_image"}


@contextmanager
def rehearsal():
    """
    While writes are made only to be rolled back (a live preview): listeners that act outside the database
    (the reader pages' cache, say) must let them pass, since the transaction will leave nothing to act on.
    """
    token = _rehearsing.set(True)
    try:
        yield
    finally:
        _rehearsing.reset(token)


def rehearsing():
    """Whether the current writes are part of a :func:`rehearsal` and will be rolled back."""
    return _rehearsing.get()


class _CollectedMessages(list):
    """Stands in for the request's message storage: what a save would tell the editor, kept for the preview."""

    level = 0

    def add(self, level, message, extra_tags=""):
        self.append(str(message))


@contextmanager
def collected_messages(request):
    """The messages added to ``request`` inside the block, as a list, instead of the editor's next page."""
    saved = getattr(request, "_messages", None)
    collected = request._messages = _CollectedMessages()
    try:
        yield collected
    finally:
        if saved is None:
            del request._messages
        else:
            request._messages = saved


def frame(request, record, reader_view="", *, notes=(), errors=(), status=200):
    """The frame document: the reader view alone, with the site's stylesheet; or what stops a preview."""
    response = TemplateResponse(
        request,
        "admin/review/reader_frame.html",
        {"record": record, "reader_view": reader_view, "notes": notes, "errors": errors},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@xframe_options_sameorigin
def reader_frame(model_admin, request, object_id):
    """
    ``<id>/reader/``: GET shows the saved version as readers will see it, to staff who may view the record.
    POST shows the change form as it would be saved (see the module's docstring), to staff who may change
    the record; a record that cannot be edited now (in review, published) shows its saved version whatever
    is posted, as its change form does.
    """
    obj = model_admin.get_object(request, str(object_id))
    if obj is None:
        raise Http404(_("There is no such record."))
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        if model_admin.has_change_permission(request, obj):
            return rehearse(model_admin, request, obj)
    model_admin.fetch_content(obj)
    return frame(request, obj, model_admin.reader_view(request, obj))


def rehearse(model_admin, request, obj):
    """The frame for the posted change form of ``obj``, validated and rendered as a save would, then undone."""
    from .admin import error_summary  # the admin imports this module

    notes, errors, html = [], [], ""
    try:
        with transaction.atomic(), rehearsal():
            try:
                form = model_admin.get_form(request, obj, change=True)(request.POST, None, instance=obj)
                formsets, _inlines = model_admin._create_formsets(request, form.instance, change=True)
                valid = is_valid_for_preview(form)
                new = model_admin.save_form(request, form, change=True) if valid else form.instance
                if valid and all_valid(formsets):
                    new.save()
                    with collected_messages(request) as notes:
                        model_admin.save_related(request, form, formsets, change=True)
                    fresh = model_admin.get_object(request, str(obj.pk))
                    model_admin.fetch_content(fresh)
                    html = model_admin.reader_view(request, fresh)
                else:
                    errors = [
                        f"{label}: {message}" if label else str(message)
                        for _anchor, label, message in error_summary(form, formsets)
                    ] or [_("The form has errors; they are shown next to the fields when you save.")]
            finally:
                transaction.set_rollback(True)
    except ValidationError as error:  # the guard's refusal, or a model's own check
        errors = list(error.messages)
    except DatabaseError:
        logger.warning("The live preview of %s failed in the database.", obj._meta.label, exc_info=True)
        errors = [_("The preview could not be made just now. Your text is untouched; it tries again as you type.")]
    if errors:
        return frame(request, obj, errors=errors, status=400)
    return frame(request, obj, html, notes=notes)


def is_valid_for_preview(form):
    """Whether ``form`` is valid but for the errors in :data:`LEFT_TO_THE_SAVE`, which are dropped."""
    if form.is_valid():
        return True
    for name, errors in form.errors.as_data().items():
        kept = [error for error in errors if error.code not in LEFT_TO_THE_SAVE]
        if kept:
            form.errors[name] = form.error_class(kept)
        else:
            del form.errors[name]
    return not form.errors
