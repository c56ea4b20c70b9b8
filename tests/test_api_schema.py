"""
schemathesis against the OpenAPI schema the API publishes: every documented operation, generated valid and
hostile parameters, no 5xx, and every answer (400s and 404s included) as the schema describes it.
Runs in-process through the WSGI application: no server, no network.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from ivig_site.wsgi import application
from tests import factories


def generated_schema():
    """The schema ``/api/v1/schema/`` serves, made by drf-spectacular (no request or database needed)."""
    from drf_spectacular.generators import SchemaGenerator

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application  # calls go to the Django application in-process
    # A NUL byte is refused by ops.middleware before the API sees it (in plain text); tests/test_api.py checks it.
    # Keys are optional and tests/test_api.py drives them; here every request is anonymous.
    loaded.config.generation.update(allow_x00=False, with_security_parameters=False)
    return loaded


schema = generated_schema()


@pytest.fixture
def live_site(full_article, settings):
    """Published content to find, a draft not to, and no rate limit in the way."""
    settings.API_ANONYMOUS_RATE = "1000000/hour"
    factories.ConditionFactory(draft=True, slug="draft-condition", icd10_code="G70.0")
    # As Django's test client does: the test's transaction (and connection) must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_every_documented_operation_keeps_its_promises(case, live_site):
    case.call_and_validate(
        excluded_checks=[
            # A random slug or cursor that fits the schema still names nothing we published (404, 400).
            checks.positive_data_acceptance,
            # Stateful checks for APIs that create and delete; ours only reads.
            checks.use_after_free,
            checks.ensure_resource_availability,
            # Anonymous clients are served by design (with a tighter limit); a key is optional.
            checks.ignored_auth,
        ]
    )
