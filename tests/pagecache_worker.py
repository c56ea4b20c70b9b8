"""
A separate Django process for tests/test_pagecache_redis.py: ``python -m tests.pagecache_worker ROLE``.

``setup`` migrates the database named by DATABASE_URL and publishes an article with a fact-checker and an editor;
``reader`` answers each URL read from standard input with one JSON line (status, whether the page came from the
cache, its title); ``writer`` publishes a new title for the article through the review workflow; ``backup FOLDER``
backs the site up into FOLDER and prints the archive's path; ``restore ARCHIVE`` restores it.
"""

import json
import os
import re
import sys

import django


def setup():
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from tests.factories import ArticleFactory, FactCheckerFactory

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = User.objects.create_user("reviewer", password="pw", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    FactCheckerFactory(name="Rita Reviewer", user=reviewer)
    ArticleFactory(title="Shared cache, first title", slug="shared-cache")


def reader():
    from django.test import Client

    client = Client()
    for line in sys.stdin:
        response = client.get(line.strip())
        title = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
        answer = {
            "status": response.status_code,
            "cache": response.get("X-Page-Cache"),
            "title": title.group(1).strip() if title else None,
            "pid": os.getpid(),
        }
        print(json.dumps(answer), flush=True)


def writer():
    from django.contrib.auth.models import User

    from articles.models import Article
    from review import workflow

    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    copy = workflow.start_new_version(Article.objects.get(slug="shared-cache"), editor)
    copy.title = "Shared cache, second title"
    copy.save()
    copy = workflow.perform(copy, "submit", editor)
    copy = workflow.perform(copy, "fact_check", reviewer, "Checked.")
    workflow.perform(copy, "publish", reviewer)
    print(os.getpid(), flush=True)


def backup(folder):
    from ops.backups import create_backup

    print(create_backup(folder), flush=True)


def restore(archive):
    from django.core.management import call_command

    call_command("restore_site", archive, yes=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivig_site.settings")
    django.setup()
    roles = {"setup": setup, "reader": reader, "writer": writer, "backup": backup, "restore": restore}
    roles[sys.argv[1]](*sys.argv[2:])
