"""
No path around review. Every admin action and every view of every reviewed model's admin is asked, by each real
role, to change records it may not edit (live, scheduled, in review, fact-checked, archived): each either leaves
them as they were or changes them through the workflow, with the workflow's own event (an archived record, which
no reader sees, may also be deleted). The actions and views are
read from the admin site itself, so one added later is exercised too; one this file does not know how to exercise
fails the test until it is taught. Every management command of the project is run over the same records.
"""

import datetime
import io
import threading
from collections import defaultdict
from http.server import HTTPServer

import pytest
import reversion
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, get_commands
from django.db import transaction
from django.db.models import Max, prefetch_related_objects
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.utils import timezone
from reversion.models import Version

from references.models import Citation, Source
from review import workflow
from review.content import FIELD, content_prefetches, parts, reviewed_models, snapshot
from review.guard import DELETABLE_STATUSES, seeding
from review.models import RenderedPage, ReviewEvent, Status
from tests import factories
from tests.people import member_of, superuser
from tests.test_references_library import CrossrefStub

pytestmark = pytest.mark.django_db

FACTORIES = {
    "article": factories.ArticleFactory,
    "condition": factories.ConditionFactory,
    "product": factories.ProductFactory,
    "sideeffect": factories.SideEffectFactory,
    "source": factories.SourceFactory,
    "contributor": factories.ContributorFactory,
    "page": factories.PageFactory,
    "translation": factories.TranslationFactory,
}
# States in which a record's content may not change outside the workflow ("scheduled": a new version waiting).
LOCKED_STATES = [Status.PUBLISHED, Status.SCHEDULED, Status.IN_REVIEW, Status.FACT_CHECKED, Status.ARCHIVED]
# What the workflow records when it changes a record (review.workflow), and nothing else does.
WORKFLOW_EVENTS = {*workflow.TRANSITIONS, "publish_new_version", "start_new_version", "discard_new_version"}
CROSSREF_DOI = "10.3389/fimmu.2018.01299"


def reviewed_admins():
    return [(model, admin.site._registry[model]) for model in reviewed_models() if model in admin.site._registry]


@pytest.fixture
def crossref(settings):
    """Crossref with something to fill, so "Fill from DOI" has a change to make."""
    server = HTTPServer(("127.0.0.1", 0), CrossrefStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}/works/"
    yield
    server.shutdown()
    server.server_close()


@seeding()
def locked_records(model_name, editor):
    """One record of the kind in each locked state, cited and with a saved version, as an editor would find them."""
    make = FACTORIES[model_name]
    records = {}
    for state in LOCKED_STATES:
        extra = {"doi": CROSSREF_DOI, "publication": ""} if model_name == "source" and state == Status.PUBLISHED else {}
        if state == Status.SCHEDULED:
            copy = workflow.start_new_version(make(**extra), editor)
            copy.status, copy.published_at = Status.SCHEDULED, timezone.now() + datetime.timedelta(days=3)
            copy.save()
            record = copy
        elif state == Status.PUBLISHED:
            record = make(**extra)
        else:
            record = make(status=state, published_at=None, **extra)
        with reversion.create_revision():
            reversion.add_to_revision(record)
        records[state] = record
    for record in records.values():
        if isinstance(record, Source):  # cited by a live page
            factories.CitationFactory(article=factories.ArticleFactory(), source=record, position=1)
        elif type(record) in Citation.citing_models():
            factories.CitationFactory(record=record, source=factories.SourceFactory(), position=1)
    return records


def states_of(records):
    """
    What a reader or a reviewer would notice of each of ``records`` (a dict): its state, content and stored page;
    None if gone. Read together, a query per relation and per model rather than per record: the checks after each
    request were most of this file's time.
    """
    states = dict.fromkeys(records)
    by_model = defaultdict(dict)
    for key, record in records.items():
        by_model[type(record)][key] = record
    for model, these in by_model.items():
        found = model._base_manager.in_bulk([record.pk for record in these.values()])
        prefetch_related_objects(list(found.values()), *content_prefetches(model))
        stored = defaultdict(list)
        pages = RenderedPage.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=found)
        for object_id, page in pages.order_by("pk").values_list("object_id", "parts"):
            stored[object_id].append(page)
        for key, record in these.items():
            current = found.get(record.pk)
            states[key] = current and (current.status, snapshot(current), stored[current.pk])
    return states


def changed_by_workflow(record, since):
    """Whether the workflow recorded a step on ``record`` (or, for a new version, on its original) after ``since``."""
    records = [record] + ([record.draft_of] if record.draft_of_id else [])
    return any(
        ReviewEvent.objects.for_object(r).filter(pk__gt=since, action__in=WORKFLOW_EVENTS).exists() for r in records
    )


def attempt(client, method, url, data, records, before, what):
    """
    Make the request, and say how it changed any record outside the workflow (``before``: their states, as
    ``states_of`` reads them); then forget everything it did, so ``before`` holds for the next attempt.
    """
    problems = []
    with transaction.atomic():
        since = ReviewEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, f"{what}: {response.status_code}"
        for key, after in states_of(records).items():
            record = records[key]
            deleted_unseen = after is None and before[key][0] in DELETABLE_STATUSES  # e.g. an archived record
            if after != before[key] and not deleted_unseen and not changed_by_workflow(record, since):
                problems.append(f"{what} changed the {key} record outside the workflow")
        transaction.set_rollback(True)
    return problems


def exercise(name, model, record, version, editor):
    """``[(method, args, data), ...]`` that ask the admin view ``name`` to act on ``record``; None: not known here."""
    declared_text = next(p.name for p in parts(model) if p.kind == FIELD and p.field.get_internal_type() == "CharField")
    by_name = {
        "changelist": [("post", [], {})],
        "add": [("post", [], {declared_text: "Added through a back door"})],
        "change": [("post", [record.pk], {declared_text: "Changed through a back door", "edit_version": "x"})],
        "delete": [("post", [record.pk], {"post": "yes"})],
        "history": [("post", [record.pk], {})],
        "compare_versions": [("post", [record.pk], {})],
        "transition": [
            ("post", [record.pk, name], {"comment": "Because.", "publish_at": ""}) for name in workflow.TRANSITIONS
        ],
        "new_version": [("post", [record.pk], {})],
        "discard_version": [("post", [record.pk], {})],
        "reader": [
            ("get", [record.pk], {}),
            ("post", [record.pk], {declared_text: "Previewed through a back door", "edit_version": "x"}),
        ],
        "revision": [("post", [record.pk, version.pk], {declared_text: "Restored through a back door"})],
        "recoverlist": [("post", [], {})],
        "recover": [("post", [version.pk], {declared_text: "Recovered through a back door"})],
        "fill_from_doi": [("post", [record.pk], {})],
        "author_autocomplete": [
            (method, [], {"app_label": "articles", "model_name": "article", "field_name": "author", "term": "a"})
            for method in ("get", "post")
        ],
        "staff_account": [("post", [record.pk], {"user": editor.pk, "reason": "Checking the back doors."})],
        "export": [
            ("post", [ContentType.objects.get_for_model(model).pk, record.pk, fmt], {}) for fmt in ("ris", "bib")
        ],
        "import": lambda: [("post", [], {"text": ris_of(record), "import": "1", "update": ["1"], "selected": ["1"]})],
        "translation_file": [("get", [], {})],
        "upload_translation": lambda: [("post", [], {"file": po_file_of(record)})],
        "machine_draft": [("post", [], {})],
    }
    calls = by_name.get(name)
    return calls() if callable(calls) else calls  # files are made only for the view that reads them


def po_file_of(record):
    """A translator's file that asks to change ``record`` (a translation), or the page it translates."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from translations.exchange import export_po

    source = getattr(record, "source_record", None) or factories.ConditionFactory()
    text = export_po(source, "es").replace('msgstr ""', 'msgstr "Cambiado por una puerta trasera"')
    return SimpleUploadedFile("back-door.po", text.encode(), content_type="text/x-gettext-translation")


def ris_of(record):
    title = getattr(record, "title", "") or "A work"
    doi = getattr(record, "doi", "") or CROSSREF_DOI
    return (
        f"TY  - JOUR\nTI  - {title}\nAU  - Guo, Y\nT2  - Changed through an import\nPY  - 2018\nDO  - {doi}\nER  - \n"
    )


ROLES = {
    "editor": lambda: member_of("Editors", "ed"),
    "reviewer": lambda: member_of("Reviewers", "rev"),
    "superuser": lambda: superuser("sue"),
}
MODELS = sorted(FACTORIES)


@pytest.mark.parametrize("model_name", MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_action_and_view_leaves_locked_records_alone_or_goes_through_the_workflow(
    client, crossref, role, model_name
):
    user = ROLES[role]()
    editor = user if role == "editor" else member_of("Editors", "other-editor")
    model = next(m for m in reviewed_models() if m._meta.model_name == model_name)
    model_admin = admin.site._registry[model]
    records = locked_records(model_name, editor)
    before = states_of(records)
    client.force_login(user)
    problems, asked = [], set()

    request = RequestFactory().get("/")
    request.user = user
    changelist = reverse(f"admin:{model._meta.app_label}_{model_name}_changelist")
    for action in model_admin.get_actions(request):
        data = {"action": action, "_selected_action": [r.pk for r in records.values()], "post": "yes"}
        data["survivor"] = records[Status.PUBLISHED].pk  # a merge keeps the live one
        problems += attempt(client, "post", changelist, data, records, before, f"action {action}")
        asked.add(f"action {action}")

    prefix = f"{model._meta.app_label}_{model_name}_"
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not (pattern.name or "").startswith(prefix):
            continue
        view = pattern.name.removeprefix(prefix)
        for state, record in records.items():
            version = Version.objects.get_for_object(record).first()
            calls = exercise(view, model, record, version, editor)
            assert calls is not None, f"The admin view {pattern.name} is new: teach exercise() how to ask it."
            for method, args, data in calls:
                url = reverse(f"admin:{pattern.name}", args=args)
                what = f"{method.upper()} {url} ({state})"
                problems += attempt(client, method, url, data, records, before, what)
            asked.add(view)

    assert problems == []
    assert {"change", "delete", "transition", "revision", "recover"} <= asked


# --- Management commands ---------------------------------------------------------------------------------------

# How each of the project's commands is run here, or why it is not. A command not listed fails the test until it is
# classified.
COMMANDS = {
    "load_demo_content": ([], {}),
    "render_published": ([], {}),
    "rebuild_search_index": ([], {}),
    "list_overdue_reviews": ([], {}),
    "create_dev_admin": ([], {}),
    "deliver_webhooks": ([], {}),
    "backup_site": "Reads the database into an archive and writes no row (tests/test_backup.py); SQLite's online "
    "backup cannot copy a database from inside the test's open transaction.",
    "export_translation": "Writes a PO file and changes no row (tests/test_translation_files.py).",
    "import_translation": "Saves through translations.workflow.save_translation, which edits through "
    "review.workflow.version_to_edit: a draft, or a new version of a published translation "
    "(tests/test_translation_files.py proves it).",
    "restore_site": "Replaces the whole database with a backup, review history included: every record returns to a "
    "state a reviewer left it in. tests/test_backup.py proves the round trip.",
}


def project_commands():
    """The management commands of the project's own apps (not Django's or a library's)."""
    ours = {config.name for config in apps.get_app_configs() if config.path.startswith(str(settings.BASE_DIR))}
    ours -= {
        config.name for config in apps.get_app_configs() if ".venv" in config.path or "site-packages" in config.path
    }
    return sorted(name for name, app in get_commands().items() if app in ours)


def test_every_management_command_leaves_locked_records_alone(settings):
    settings.DEBUG = True  # create_dev_admin and the demo logins are for local development only
    editor = member_of("Editors", "ed")
    records = {
        f"{model_name} {state}": record
        for model_name in MODELS
        for state, record in locked_records(model_name, editor).items()
    }
    call_command("render_published", stdout=io.StringIO())  # live pages stored as a deploy leaves them
    before = states_of(records)
    since = ReviewEvent.objects.aggregate(last=Max("pk"))["last"] or 0

    unknown = [name for name in project_commands() if name not in COMMANDS]
    assert unknown == [], f"Classify these commands in COMMANDS: {unknown}"
    for name in project_commands():
        if isinstance(COMMANDS[name], str):  # not run here, for the reason given
            continue
        args, options = COMMANDS[name]
        call_command(name, *args, stdout=io.StringIO(), stderr=io.StringIO(), **options)

    after = states_of(records)
    changed = [
        key for key, record in records.items() if after[key] != before[key] and not changed_by_workflow(record, since)
    ]
    assert changed == []
