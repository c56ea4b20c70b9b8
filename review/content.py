"""
What a reviewed model's ``reviewed_content`` declaration means, read once and used everywhere:

- :func:`copy_content` makes a working copy say what its original says, and publishes it back;
- :func:`snapshot` is the plain data a fact-check pins and the reviewer's diff compares;
- :func:`labels` names each part for the diff;
- :func:`version_options` is what django-reversion stores for the version history;
- :func:`live_dependents` lists the published records that show a record (its review's reach);
- :func:`fetch_content` loads the declared relations once, so everything above reads them without a query per row.

A declared name is one of three kinds: a field of the row (text, choice, date, image, foreign key),
a many-to-many relation (kept as the set of related rows), or a one-to-many list of child rows
(reverse foreign key or generic relation: citations, approvals, authors), copied row by row.
"""

import copy
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

FIELD, MANY, CHILDREN = "field", "many", "children"


@dataclass(frozen=True)
class Part:
    name: str
    kind: str
    field: object

    @property
    def label(self):
        if self.kind == CHILDREN:
            return str(self.child_model._meta.verbose_name_plural).capitalize()
        return str(self.field.verbose_name).capitalize()

    @property
    def child_model(self):
        return self.field.related_model

    @property
    def parent_links(self):
        """The child's fields that point at its parent: one foreign key, or a generic relation's two."""
        if isinstance(self.field, GenericRelation):
            return {self.field.object_id_field_name, self.field.content_type_field_name}
        return {self.field.field.name}

    @property
    def is_rich_text(self):
        return getattr(self.field, "is_rich_text", False)


def parts(model):
    """The declared reviewed content of ``model``, as :class:`Part`s, in declaration order."""
    cache = model.__dict__.get("_review_parts")
    if cache is not None:
        return cache
    found = []
    for name in model.reviewed_content:
        field = model._meta.get_field(name)
        if field.many_to_many and not field.auto_created:
            kind = MANY
        elif field.one_to_many or isinstance(field, GenericRelation):
            kind = CHILDREN
        else:
            kind = FIELD
        found.append(Part(name, kind, field))
    model._review_parts = found
    return found


def reviewed_models():
    """Every model readers see only after review, in app order."""
    from .models import Reviewed

    return [model for model in apps.get_models() if issubclass(model, Reviewed)]


def child_models(model):
    return [part.child_model for part in parts(model) if part.kind == CHILDREN]


def labels(model):
    return {part.name: part.label for part in parts(model)}


def _child_values(child, part):
    skip = part.parent_links | {child._meta.pk.name}
    return {
        field.attname: getattr(child, field.attname) for field in child._meta.concrete_fields if field.name not in skip
    }


def copy_content(source, target, changes=None):
    """Make ``target`` say what ``source`` says, in every declared part, then ``changes``. Saves ``target``."""
    for part in parts(type(source)):
        if part.kind == FIELD:
            setattr(target, part.field.attname, getattr(source, part.field.attname))
    for name, value in (changes or {}).items():
        setattr(target, name, value)
    target.save()
    for part in parts(type(source)):
        if part.kind == MANY:
            getattr(target, part.name).set(getattr(source, part.name).all())
        elif part.kind == CHILDREN:
            getattr(target, part.name).all().delete()
            children = [part.child_model(**_child_values(child, part)) for child in getattr(source, part.name).all()]
            for child in children:
                _link_child(child, part, target)
            part.child_model.objects.bulk_create(children)


def _link_child(child, part, parent):
    if isinstance(part.field, GenericRelation):
        setattr(child, part.field.content_type_field_name, _content_type(parent))
        setattr(child, part.field.object_id_field_name, parent.pk)
    else:
        setattr(child, part.field.field.attname, parent.pk)


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def _child_links(part):
    """The foreign keys of ``part``'s child rows other than the link to the parent: what a row shows."""
    return [
        field.name
        for field in part.child_model._meta.concrete_fields
        if field.is_relation and field.name not in part.parent_links
    ]


def content_prefetches(model, querysets=None):
    """
    Prefetch lookups for every declared relation of ``model``: its many-to-many relations, and its child rows
    with the records they point at (a citation's source, an approval's condition). ``querysets`` gives a part
    its own queryset instead, e.g. citations with their sources' authors for formatted references.
    """
    querysets = querysets or {}
    lookups = []
    for part in parts(model):
        if part.kind == FIELD:
            continue
        queryset = querysets.get(part.name)
        if queryset is None and part.kind == CHILDREN:
            queryset = part.child_model._default_manager.select_related(*_child_links(part))
        lookups.append(models.Prefetch(part.name, queryset=queryset))
    return lookups


def fetch_content(obj, querysets=None):
    """
    Load ``obj``'s declared relations in a fixed number of queries, whatever their length, so the snapshot,
    the dependency check and the reader preview share one fetch. Relations already loaded are kept. Returns ``obj``.
    """
    models.prefetch_related_objects([obj], *content_prefetches(type(obj), querysets))
    return obj


def _plain(obj, field):
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.FileField):
        return value.name
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):  # a JSON object of texts (a translation's): compared key by key
        return value
    return value if isinstance(value, str | int | float) else str(value)


def snapshot(obj, values=None):
    """
    The declared content of ``obj`` as plain JSON data: what a fact-check records and a diff compares.
    ``values`` (e.g. a form's cleaned data) replaces what ``obj`` holds for the parts it names.
    """
    values = values or {}
    if values:
        obj = copy.copy(obj)
        for part in parts(type(obj)):
            if part.kind == FIELD and part.name in values:
                setattr(obj, part.name, values[part.name])
    data = {}
    for part in parts(type(obj)):
        if part.kind == FIELD:
            data[part.name] = _plain(obj, part.field)
        elif part.name in values:
            data[part.name] = sorted(str(item) for item in values[part.name] or [])
        elif part.kind == MANY:
            data[part.name] = sorted(str(item) for item in getattr(obj, part.name).all())
        else:
            data[part.name] = [str(child) for child in getattr(obj, part.name).all()]
    return data


def version_options(model):
    """
    ``(fields, follow)`` for django-reversion: the declared content, so restoring brings back only that, plus
    the timestamps a recovered row needs (workflow state is left out: restoring never publishes anything).
    """
    fields = [part.name for part in parts(model) if part.kind != CHILDREN] + ["created_at", "modified_at"]
    follow = [part.name for part in parts(model) if part.kind == CHILDREN]
    return fields, follow


def live_dependents(obj):
    """
    The published records whose pages show ``obj`` through their reviewed content, e.g. the articles
    citing a source or the products listing a side effect. ``[(model, [record, ...]), ...]``.
    """
    found = []
    for model in reviewed_models():
        lookups = []
        for part in parts(model):
            if part.kind in (FIELD, MANY) and part.field.is_relation and part.field.related_model is type(obj):
                lookups.append(part.name)
            elif part.kind == CHILDREN:
                for field in part.child_model._meta.concrete_fields:
                    if field.is_relation and field.related_model is type(obj) and field.name not in part.parent_links:
                        lookups.append(f"{part.name}__{field.name}")
        if not lookups:
            continue
        condition = models.Q()
        for lookup in lookups:
            condition |= models.Q(**{lookup: obj})
        records = model.objects.published().filter(condition).distinct()
        records = list(records.exclude(pk=obj.pk) if model is type(obj) else records)
        if records:
            found.append((model, records))
    return found


def dependencies(obj):
    """The reviewed records ``obj``'s content shows (its author, sources, side effects…), for the publish check."""
    from .models import Reviewed

    found = []
    for part in parts(type(obj)):
        if part.kind == FIELD and part.field.is_relation and issubclass(part.field.related_model, Reviewed):
            related = getattr(obj, part.name)
            found.extend([related] if related is not None else [])
        elif part.kind == MANY and issubclass(part.field.related_model, Reviewed):
            found.extend(getattr(obj, part.name).all())
        elif part.kind == CHILDREN:
            shown = [
                name
                for name in _child_links(part)
                if issubclass(part.child_model._meta.get_field(name).related_model, Reviewed)
            ]
            for child in getattr(obj, part.name).all():
                for name in shown:
                    related = getattr(child, name)
                    found.extend([related] if related is not None else [])
    unique = {(type(item), item.pk): item for item in found}
    return list(unique.values())
