"""Every URL pattern of the site, the admin's included, asked with hostile values: never a server error."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import ArticleFactory, CitationFactory, ConditionFactory, PageFactory, SourceFactory
from tests.people import member_of, superuser

pytestmark = pytest.mark.django_db

# Values a path converter accepts that still make no sense: huge numbers, markup, traversal, odd Unicode.
HOSTILE_PATH_VALUES = {
    "int": ["0", "99999999999999999999999", "2147483648"],
    "slug": ["x" * 300, "-", "ivig--itp_"],
    "str": ["<script>alert(1)<", "%ff%fe", "..%2F..%2Fetc", "é" * 50, "ris", "bib"],
    "path": ["../../etc/passwd", "a/../../b.png", "x.png", "%2e%2e/settings.py"],
}
HOSTILE_QUERIES = [
    "",
    "q=%00%ff%fe&p=-1&o=abc&page=99999999999999999999&status__exact=nope&conditions__id__exact=abc&review=%22",
    "q=" + "a" * 5000 + "&p=abc&all=&o=1.-2.x&e=1&_popup=<x>&_to_field=password&id__exact=abc",
    "term=%27%22%3C&app_label=auth&model_name=user&field_name=password&format=xml&CKEditorFuncNum=alert(1)",
]
HOSTILE_FORM = {
    "title": "<script>alert(1)</script>",
    "slug": "x" * 500,
    "conditions": ["abc", "-1"],
    "products": "99999999999999999999",
    "author": "abc",
    "published_at_0": "2025-02-30",
    "published_at_1": "25:61",
    "year": "-99999999999999",
    "comment": "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace") * 10,
    "helpful": "maybe",
    "format": "xml",
    "text": "TY  - JOUR\nER  - ",
    "action": "delete_selected",
    "_selected_action": ["abc", "-1"],
    "index": "abc",
    "post": "yes",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def fill(route):
    """Every address ``route`` can take with the hostile values of its converters (one value at a time)."""
    if route.startswith("^") or "(?P" in route:  # a regex pattern: one hostile address is enough
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "0", route).strip("^$").replace("\\", "")
        return ["/" + route]
    names = _CONVERTER.findall(route)
    if not names:
        return ["/" + route]
    addresses = []
    for converter, _name in names:
        for value in HOSTILE_PATH_VALUES.get(converter or "str", ["x"]):
            address = _CONVERTER.sub(lambda m, c=converter, v=value: v if (m.group(1) or "str") == c else "1", route)
            addresses.append("/" + address)
    return addresses


def every_address():
    return sorted({address for route in walk(get_resolver().url_patterns) for address in fill(route)})


@pytest.fixture
def content():
    """A little of everything, so that object pages exist for id 1-ish lookups and lists are not empty."""
    article = ArticleFactory(slug="ivig-for-itp")
    ArticleFactory(draft=True)
    ConditionFactory(slug="itp")
    PageFactory()
    CitationFactory(article=article, source=SourceFactory())


def people():
    """Who asks, and with which queries: the superuser reaches every page; the two roles get a shorter round."""
    return [
        ("anonymous", None, HOSTILE_QUERIES),
        ("chief", superuser(), HOSTILE_QUERIES),
        ("editor", member_of("Editors"), HOSTILE_QUERIES[1:3]),
        ("reviewer", member_of("Reviewers"), HOSTILE_QUERIES[1:3]),
    ]


def test_the_sweep_covers_the_site_and_the_admin():
    addresses = every_address()

    assert len(addresses) > 150
    assert "/search/" in addresses
    assert any(address.startswith("/admin/articles/article/") for address in addresses)


def test_no_url_answers_a_server_error_to_hostile_values(content):
    errors = []
    for role, user, queries in people():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for address in every_address():
            for query in queries:
                response = client.get(address, QUERY_STRING=query)
                if response.status_code >= 500:
                    errors.append(f"{role} GET {address}?{query[:60]} → {response.status_code}")
            response = client.post(address, HOSTILE_FORM)
            if response.status_code >= 500:
                errors.append(f"{role} POST {address} → {response.status_code}")

    assert errors == [], "\n".join(errors)
