"""
Expensive content built once per test process and put back for each test that asks, in a few bulk inserts.

:func:`capture` runs a builder (the demo loader, a big site of factories) inside a transaction it rolls back, and
keeps every row the builder added, as field values, with the uploads it wrote. :func:`put_back` inserts those rows
again with their own ids, so the content is exactly what the builder leaves, at the cost of one insert per table.

Rows the builder only pointed at (content types, permissions, the role groups) are found again by their natural
keys: a transactional test's flush recreates them with new ids.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test import override_settings

from pagecache import generation
from review.workflow import forget_next_due, next_due_timestamp

QUICK_PASSWORDS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Captured:
    rows: list  # [(model, [field values of each added row])]
    media: Path
    # {model it points at: {old pk: natural key}} for rows that were there before the builder ran
    outside: dict = field(default_factory=dict)


def _stored_models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def capture(build, media):
    """Run ``build()`` with uploads going to ``media``, keep what it added, then roll it back."""
    as_migrate_leaves_it()
    models = _stored_models()
    with override_settings(PASSWORD_HASHERS=QUICK_PASSWORDS, MEDIA_ROOT=media), transaction.atomic():
        before = {model: list(model._base_manager.order_by("pk").values()) for model in models}
        build()
        rows = []
        for model in models:
            pk = model._meta.pk.attname
            known = {row[pk] for row in before[model]}
            after = list(model._base_manager.order_by("pk").values())
            unchanged = [row for row in after if row[pk] in known] == before[model]
            assert unchanged, f"The builder changed rows that were there before it: {model._meta.label}"
            added = [row for row in after if row[pk] not in known]
            if added:
                rows.append((model, added))
        outside = _natural_keys_pointed_at(rows, before)
        transaction.set_rollback(True)
    _keep_ids_clear(rows)
    cache.clear()
    return Captured(rows, media, outside)


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _natural_keys_pointed_at(rows, before):
    outside = {}
    for model, values in rows:
        for fk in _foreign_keys(model):
            target = fk.related_model
            existing = {row[target._meta.pk.attname] for row in before.get(target, [])}
            pointed = {row[fk.attname] for row in values} & existing
            if pointed and hasattr(target, "natural_key"):
                keys = outside.setdefault(target, {})
                for record in target._base_manager.filter(pk__in=pointed - keys.keys()):
                    keys[record.pk] = record.natural_key()
    return outside


def _keep_ids_clear(rows):
    """
    SQLite rolls its id counters back with the rows: move them past the captured ids, so rows a test makes before
    putting these back never take one of them. (PostgreSQL's sequences are not rolled back.)
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model, values in rows:
            if not model._meta.pk.get_internal_type().endswith("AutoField"):
                continue
            table, highest = model._meta.db_table, max(row[model._meta.pk.attname] for row in values)
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest])


def as_migrate_leaves_it():
    """
    Content types, permissions and the role groups, as ``migrate`` leaves them. A transactional test with
    ``serialized_rollback`` empties every table when it ends and leaves them to the next such test to refill.
    """
    ContentType.objects.clear_cache()  # a flush may have given them new ids
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


def _ids_now(captured):
    return {
        target: {old: target._default_manager.get_by_natural_key(*key).pk for old, key in keys.items()}
        for target, keys in captured.outside.items()
    }


def put_back(captured, media_root):
    """Insert the captured rows and copy their uploads into ``media_root``."""
    ContentType.objects.clear_cache()
    try:
        now = _ids_now(captured)
    except ObjectDoesNotExist:
        as_migrate_leaves_it()
        now = _ids_now(captured)
    with transaction.atomic():  # foreign keys are checked once every table is in
        _insert(captured, now)
    shutil.copytree(captured.media, media_root, dirs_exist_ok=True)
    # What the shared cache knows of a running site, read again as the writer would: the next scheduled version
    # and the next future publication may have arrived with the rows.
    forget_next_due()
    next_due_timestamp()
    generation.refresh()


def _insert(captured, now):
    for model, values in captured.rows:
        remap = [(fk.attname, now[fk.related_model]) for fk in _foreign_keys(model) if fk.related_model in now]
        objects = []
        for row in values:
            row = dict(row)
            for attname, ids in remap:
                row[attname] = ids.get(row[attname], row[attname])
            objects.append(model(**row))
        model._base_manager.bulk_create(objects)
    with connection.cursor() as cursor:  # PostgreSQL: ids made after this follow the captured ones
        for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in captured.rows]):
            cursor.execute(statement)
