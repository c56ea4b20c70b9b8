import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _redis_database_of_this_worker():
    """
    Test processes side by side (pytest-xdist: gw0, gw1…) each get a Redis database of their own, next to the one
    REDIS_TEST_URL names, since the Redis tests empty theirs: database 5 for the first, 6 for the second…
    """
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    base, _, number = url.rpartition("/")
    if worker.isdigit() and number.isdigit():
        os.environ["REDIS_TEST_URL"] = f"{base}/{int(number) + int(worker)}"


_redis_database_of_this_worker()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """
    Fixtures lay content down as a reviewer would leave it (published records with their sources, records in any
    state), the way the demo content is loaded: inside ``review.guard.seeding``. What a test itself then does,
    through the admin, the services or the workflow, obeys review.
    """
    from review.guard import seeding

    if fixturedef.argname == "_django_db_helper":
        _empty_for_serialized_rollback(request)
    with seeding():
        return (yield)


def _empty_for_serialized_rollback(request):
    """
    Before a test with ``serialized_rollback`` refills the tables from what ``migrate`` left: empty them. Another
    transactional test's flush runs the post_migrate handlers again (review.roles makes the role groups anew, with
    new ids), and the refill would then meet "Editors" twice, by name, whichever tests ran before.
    """
    from django.core.management import call_command
    from django.db import connection

    marker = request.node.get_closest_marker("django_db")
    serialized = marker is not None and marker.kwargs.get("serialized_rollback")
    if not serialized or not hasattr(connection, "_test_serialized_contents"):
        return  # not such a test, or the first test of the run on a database just migrated: nothing to empty
    with request.getfixturevalue("django_db_blocker").unblock():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Cheap password hashing, and uploads written to a throwaway folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _each_request_leaves_the_default_language():
    """
    A served request leaves the language it activated (/es/… activates Spanish) in the thread, which a server
    does not notice (every request activates its own) but a test does, in the code it runs after a request.
    """
    from django.conf import settings
    from django.core.signals import request_finished
    from django.utils import translation

    def reset(**kwargs):
        translation.activate(settings.LANGUAGE_CODE)

    request_finished.connect(reset, dispatch_uid="tests-default-language")
    yield
    request_finished.disconnect(dispatch_uid="tests-default-language")


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """A local-memory cache, empty at the start of each test, so throttling counts from zero."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # As on a running site, the shared cache knows when the next scheduled version is due (nothing yet), so
    # query counts measure the page, not a cold start. Scheduling through the workflow resets it.
    from review.workflow import next_due_timestamp

    cache.set("review:next-due", float("inf"), timeout=None)
    assert next_due_timestamp() == float("inf")


@pytest.fixture(autouse=True)
def _content_types_known(request):
    """
    Like a running process, know the content types (citations and review records point through them)
    before the first page; and forget ids a transactional test's flush may have changed. The permissions and
    role groups are there as ``migrate`` leaves them, whatever test ran before.
    """
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        from django.apps import apps
        from django.contrib.auth.models import Group

        from tests.shared_rows import as_migrate_leaves_it

        if not Group.objects.exists():  # a serialized-rollback test ran just before and emptied every table
            as_migrate_leaves_it()
        ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def editor(django_user_model):
    """A staff member in the Editors group: exactly the permissions a medical editor has."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def reviewer(django_user_model):
    """A staff member in the Reviewers group, linked to a published fact-checker profile readers are shown."""
    from django.contrib.auth.models import Group

    from tests.factories import FactCheckerFactory

    user = django_user_model.objects.create_user("reviewer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    FactCheckerFactory(name="Rita Reviewer", user=user)
    return user


@pytest.fixture
def publish_through_review(editor, reviewer):
    """``publish(record)``: the editor submits it, the reviewer fact-checks and publishes it, as in the admin."""
    from review.workflow import perform

    def publish(record, **options):
        record = perform(record, "submit", editor)
        record = perform(record, "fact_check", reviewer, "Checked against the sources.")
        return perform(record, "publish", reviewer, **options)

    return publish


OUTCOMES = ("passed", "failed", "skipped", "error", "xfailed", "xpassed")


def pytest_sessionfinish(session, exitstatus):
    """
    In CI nothing may be skipped for lack of a service: a skip there is a failure. Nor may a run end with tests it
    collected and never ran (a test process lost on the way once ended a run "green" at 99%).
    """
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not IN_CI or reporter is None or exitstatus != 0 or session.config.option.collectonly:
        return
    if hasattr(session.config, "workerinput"):
        return  # a test process of xdist runs only its share: the main process counts for the run
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; failing the run.", red=True)
        session.exitstatus = 1
    # Counted report by report, not by node id: schemathesis makes one test per API operation under a single id. In a
    # run that passed each test reports exactly once (setup and teardown reports that passed are kept apart).
    ran = sum(len(reporter.stats.get(outcome, [])) for outcome in OUTCOMES)
    if ran < session.testscollected:
        reporter.write_line(
            f"CI=true: {session.testscollected} test(s) collected but only {ran} reported; failing the run.",
            red=True,
        )
        session.exitstatus = 1


@pytest.fixture
def full_article(db):
    """A published article about one condition with everything an article page shows: the reader's-eye test bed."""
    from articles.models import SideEffect
    from tests import factories

    condition = factories.ConditionFactory(
        name="Immune thrombocytopenia", abbreviation="ITP", slug="itp", icd10_code="D69.3"
    )
    article = factories.ArticleFactory(
        title="IVIG for immune thrombocytopenia",
        slug="ivig-for-itp",
        dek="How IVIG raises platelet counts.",
        body=(
            "<h2>What is IVIG?</h2><p>Pooled antibodies from many donors.</p>"
            "<h2>How it is given</h2><p>Through a drip.</p><h3>At home</h3><p>Sometimes.</p>"
            "<h2>Side effects</h2><p>Mostly mild.</p>"
        ),
        author__name="Rosa Delgado",
        author__slug="rosa-delgado",
        fact_checker__name="Tomasz Wren",
        fact_checker__slug="tomasz-wren",
        conditions=[condition],
    )
    product = factories.ProductApprovalFactory(
        product__brand_name="Privigen", product__slug="privigen", condition=condition, region="US", year=2008
    ).product
    article.products.add(product)
    headache = factories.SideEffectFactory(name="Headache", slug="headache", what_helps="Drink plenty of water.")
    meningitis = factories.SideEffectFactory(
        name="Aseptic meningitis",
        slug="aseptic-meningitis",
        seriousness=SideEffect.Seriousness.SERIOUS,
        onset=SideEffect.Onset.DELAYED,
        when_to_seek_help="Call your care team about a severe headache with a stiff neck.",
    )
    factories.ArticleSideEffectFactory(article=article, side_effect=headache)
    factories.ArticleSideEffectFactory(article=article, side_effect=meningitis, frequency="rare")
    factories.ProductSideEffectFactory(product=product, side_effect=headache)
    factories.ProductSideEffectFactory(product=product, side_effect=meningitis, frequency="rare")
    source = factories.SourceFactory(title="Adverse effects of immunoglobulin therapy", doi="10.3389/fimmu.2018.01299")
    source.pmid = "29951056"
    source.save()
    factories.SourceAuthorFactory(source=source, family_name="Guo", given_names="Y")
    factories.CitationFactory(article=article, source=source, position=1)
    return article


# --- The demo content, shared ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once per test process (``tests.shared_rows``)."""
    from articles.demo_content import load_demo_content
    from tests.shared_rows import capture

    with django_db_blocker.unblock():
        return capture(lambda: load_demo_content(verbosity=0), tmp_path_factory.mktemp("demo-media"))


def put_back_demo(demo_rows, media_root):
    """The demo content, as a fresh ``load_demo_content`` leaves it."""
    from tests.shared_rows import put_back

    put_back(demo_rows, media_root)


@pytest.fixture
def demo_site(db, _demo_rows, settings):
    """The demo content, as ``load_demo_content`` leaves it, in a few bulk inserts instead of a full load."""
    put_back_demo(_demo_rows, settings.MEDIA_ROOT)
