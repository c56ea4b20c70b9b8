"""
schemathesis against the OpenAPI schema the API publishes: every documented operation, generated valid and
hostile parameters (and keys), no 5xx, and every answer (400s, 404s and 304s included) as the schema describes it,
with every check schemathesis has. Where a check could not apply, the schema says why: path parameters and cursors
have patterns that match exactly what the API accepts, `page_size` its bounds, and the partner key is optional.
Runs in-process through the WSGI application: no server, no network.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from api.views import ICD10_PATH_PATTERN
from ivig_site.wsgi import application
from review import workflow
from tests import factories


def generated_schema():
    """The schema ``/api/v1/schema/`` serves, made by drf-spectacular (no request or database needed)."""
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application  # calls go to the Django application in-process
    # A NUL byte is refused by ops.middleware before the API sees it (in plain text); tests/test_api.py checks it.
    loaded.config.generation.update(allow_x00=False)
    return loaded


schema = generated_schema()


@pytest.fixture
def live_site(full_article, settings, reviewer):
    """Published content to find, a draft not to, withdrawn records to be told of, and no rate limit in the way."""
    settings.API_ANONYMOUS_RATE = "1000000/hour"
    factories.ConditionFactory(draft=True, slug="draft-condition", icd10_code="G70.0")
    workflow.perform(factories.ConditionFactory(slug="withdrawn"), "unpublish", reviewer, "Superseded by a guideline.")
    factories.SideEffectFactory(slug="deleted").delete()
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
    # schemathesis asks for gzip as a browser would, but its in-process transport does not unpack what it gets;
    # the answers are read plain here (tests/test_reader_compression.py checks the compressed ones).
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


def test_the_schema_documents_validators_limits_patterns_and_the_optional_key():
    document = SchemaGenerator().get_schema(request=None, public=True)
    articles = document["paths"]["/api/v1/articles/"]["get"]
    assert {"PartnerKey": []} in articles["security"] and {} in articles["security"]
    assert {"200", "304", "400", "401", "429"} <= set(articles["responses"])
    assert {"ETag", "Last-Modified", "Cache-Control"} <= set(articles["responses"]["200"]["headers"])
    assert "Retry-After" in articles["responses"]["429"]["headers"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in articles["parameters"]}
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 200)
    assert {"If-None-Match", "If-Modified-Since", "modified_since", "cursor"} <= set(parameters)
    code = document["paths"]["/api/v1/conditions/icd10/{code}/"]["get"]["parameters"]
    assert next(p for p in code if p["name"] == "code")["schema"]["pattern"] == ICD10_PATH_PATTERN
    withdrawals = document["paths"]["/api/v1/withdrawals/"]["get"]
    assert {"since", "kind"} <= {parameter["name"] for parameter in withdrawals["parameters"]}
    assert "withdrawn" in document["components"]["schemas"]["ArticlePage"]["required"]
