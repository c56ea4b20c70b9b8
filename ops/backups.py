"""
Backups of the whole site: the database and the uploaded files, in one ``.tar.gz`` archive.

- PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot while the site runs), restored with
  ``pg_restore --clean --single-transaction``.
- SQLite: SQLite's online backup API (a consistent copy, even while the site writes), restored the same way.
- Uploads: every file under ``MEDIA_ROOT``. Uploads kept in object storage (``DJANGO_MEDIA_STORAGE=s3``) are
  left to the bucket's own versioning and are not copied.

Each archive holds a ``manifest.json`` with the number of rows of every model, so a restore can prove it
brought back everything the backup held.

A restore then resets everything derived from the database (:func:`reset_derived`), so no reader is served
what the site said before it: the page cache, the stored page parts, the search index, the next scheduled
publication, which uploads are public, and the cached handouts.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from handouts.pdf import CACHE_KEY_PREFIX as HANDOUT_KEY_PREFIX
from pagecache import generation
from pagecache.middleware import KEY_PREFIX as PAGE_KEY_PREFIX
from review.rendering import render_published
from review.workflow import forget_next_due
from search import indexing

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def row_counts():
    """``{"app_label.ModelName": rows}`` for every model the project has, many-to-many tables included."""
    return {
        model._meta.label: model._base_manager.using(connection.alias).count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _media_root():
    return Path(settings.MEDIA_ROOT) if settings.MEDIA_STORAGE == "filesystem" else None


def _pg_args():
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(folder):
    if connection.vendor == "postgresql":
        path = folder / "database.pgdump"
        args, env = _pg_args()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", *args], env=env)
    elif connection.vendor == "sqlite":
        path = folder / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return path.name


def create_backup(destination):
    """Write a backup archive to ``destination`` (a folder: a dated file name is chosen) and return its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    archive = destination / f"ivig-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = {
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "counts": row_counts(),
            "media": settings.MEDIA_STORAGE == "filesystem",
        }
        database_file = _dump_database(work)
        manifest["database_file"] = database_file
        with tarfile.open(archive, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / database_file, arcname=database_file)
            media = _media_root()
            if media is not None and media.exists():
                tar.add(media, arcname="media")
    archive.chmod(0o600)  # it holds staff accounts and password hashes
    return archive


def _restore_database(folder, manifest):
    path = folder / manifest["database_file"]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['database']} database; the site uses {connection.vendor}.")
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_args()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", *args, str(path)],
            env=env,
        )  # fmt: skip
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _restore_media(folder):
    media = _media_root()
    if media is None:
        return
    restored = folder / "media"
    if media.exists():
        shutil.rmtree(media)
    if restored.exists():
        shutil.copytree(restored, media)
    else:
        media.mkdir(parents=True, exist_ok=True)


def restore_backup(archive):
    """
    Replace the database and uploads with those of ``archive`` and reset everything derived from them; return
    ``(expected, found)`` row counts (found as restored, before anything derived was rebuilt).
    """
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        work = Path(work)
        tar.extractall(work, filter="data")  # refuses absolute paths, "..", links out of the folder
        manifest = json.loads((work / MANIFEST).read_text())
        _restore_database(work, manifest)
        if manifest.get("media"):
            _restore_media(work)
    found = row_counts()
    reset_derived()
    return manifest["counts"], found


def reset_derived():
    """
    After the database was replaced behind the ORM's back (no signal was sent), compute again what is derived
    from it, since the backup may come from older code or another citation style: the stored parts of every
    published page, which uploads are public, the search index, and the next scheduled publication. Then start
    a new content generation, so every process rebuilds every reader page, and delete the stored pages and
    handouts where the cache can find them (Redis), so none is left behind.
    """
    ContentType.objects.clear_cache()  # ids this process knew may differ in the restored database
    forget_next_due()
    with transaction.atomic():
        render_published()
    with transaction.atomic():  # searches meanwhile use the restored index, then the rebuilt one
        indexing.rebuild()
    generation.refresh()
    delete_prefix = getattr(cache, "delete_prefix", None)
    if delete_prefix is not None:
        for prefix in (PAGE_KEY_PREFIX, HANDOUT_KEY_PREFIX):
            delete_prefix(prefix)
