"""
Every URL of the site, the admin's included, asked with hostile values: never a server error.

Two sweeps. The first fills every URL pattern's converters with hostile values and asks each address with a few
hostile queries and a hostile form. The second goes through the site as each role sees it (anonymous, editor,
reviewer, superuser), following its links from the pages without parameters in their address, learns which
query parameters and form fields each page reads by watching the code read them (so the list follows the
code), and gives every one of them numbers that are not numbers and identifiers that are too long.
"""

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.admin.views.main import ERROR_FLAG, TO_FIELD_VAR
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils.datastructures import MultiValueDict

from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ConditionFactory,
    PageFactory,
    ProductFactory,
    SideEffectFactory,
    SourceFactory,
)
from tests.people import member_of, superuser

pytestmark = pytest.mark.django_db

# "²" and "①" pass str.isdigit() and make int() fail; int() reads "٣" and "໓" as 3; int() refuses 4,300 digits;
# identifiers one past a varchar(255), and far past it.
VALUE_CLASSES = {
    "unicode-digits": ["²", "①", "٣", "໓"],
    "huge-numbers": [str(10**30), "-1", "9" * 10_000],
    "overlong": ["x" * 256, "x" * 1000, "x" * 10_000],
}
NEW_VALUES = [value for values in VALUE_CLASSES.values() for value in values]
# Readers' pages are quick to ask: the anonymous reader tries every value. The staff roles share the admin's
# pages, so each tries some of each class, and every value reaches the admin through one of them.
VALUES_BY_ROLE = {
    "anonymous": NEW_VALUES,
    "editor": ["²", str(10**30), "x" * 256],
    "reviewer": ["①", "-1", "x" * 1000],
    "chief": ["٣", "໓", "9" * 10_000, "x" * 10_000],
}

# Values a path converter accepts that still make no sense: huge numbers, markup, traversal, odd Unicode.
HOSTILE_PATH_VALUES = {
    "int": ["0", "99999999999999999999999", "2147483648", str(10**30)],
    "slug": ["x" * 300, "-", "ivig--itp_", "x" * 1000],
    "str": ["<script>alert(1)<", "%ff%fe", "..%2F..%2Fetc", "é" * 50, "ris", "bib", "²", "①", "٣", "x" * 256],
    "path": ["../../etc/passwd", "a/../../b.png", "x.png", "%2e%2e/settings.py"],
}
HOSTILE_QUERIES = [
    "",
    "q=%00%ff%fe&p=-1&o=abc&page=99999999999999999999&status__exact=nope&conditions__id__exact=abc&review=%22",
    "q=" + "a" * 5000 + "&p=abc&all=&o=1.-2.x&e=1&_popup=<x>&_to_field=password&id__exact=abc",
    "term=%27%22%3C&app_label=auth&model_name=user&field_name=password&format=xml&CKEditorFuncNum=alert(1)",
    "page=%C2%B2&p=%E2%91%A0&o=%D9%A3&checked=" + "9" * 5000 + "&reviewed=1" + "0" * 30 + "&page_size=%E0%BB%93",
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
    if "^" in route or "(?P" in route:  # a regex pattern (or one included in a path): one address is enough
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "0", route).replace("^", "").replace("$", "").replace("\\", "")
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


@pytest.fixture(autouse=True)
def _sessions_in_memory(settings):
    """
    Thousands of staff requests, each saving the session (it is extended on every request): here it is kept in
    the test's local-memory cache instead of its table, which is not what these sweeps are about.
    """
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


@pytest.fixture
def content():
    """A little of everything, so that object pages exist for id 1-ish lookups and lists are not empty."""
    article = ArticleFactory(slug="ivig-for-itp", conditions=[ConditionFactory(slug="itp")])
    article.products.add(ProductFactory(slug="privigen"))
    ArticleFactory(draft=True)
    ConditionFactory(draft=True)
    SideEffectFactory(slug="headache")
    PageFactory()
    CitationFactory(article=article, source=SourceFactory())


# Who asks, and with which queries: the superuser reaches every page; the two roles get a shorter round.
QUERIES_BY_ROLE = {
    "anonymous": HOSTILE_QUERIES,
    "chief": HOSTILE_QUERIES,
    "editor": HOSTILE_QUERIES[1:3] + HOSTILE_QUERIES[4:],
    "reviewer": HOSTILE_QUERIES[1:3] + HOSTILE_QUERIES[4:],
}


def person(role):
    """A user with exactly the permissions of ``role`` (None for the anonymous reader)."""
    if role == "anonymous":
        return None
    return superuser() if role == "chief" else member_of({"editor": "Editors", "reviewer": "Reviewers"}[role])


def test_the_sweep_covers_the_site_and_the_admin():
    addresses = every_address()

    assert len(addresses) > 150
    assert "/search/" in addresses
    assert any(address.startswith("/admin/articles/article/") for address in addresses)


# The first sweep of a role is cut into this many parts, every part taking every SHARDS-th address, so the test
# processes share the longest sweeps (they were the slowest tests of the suite, a minute each) instead of one
# process waiting for another's. The second is not: each part would crawl the site again, a third of its time.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("role", QUERIES_BY_ROLE)
def test_no_url_answers_a_server_error_to_hostile_values(role, shard, content):
    user, errors = person(role), []
    client = Client(raise_request_exception=False)
    stay_logged_in(client, user)
    for address in every_address()[shard::SHARDS]:
        for query in QUERIES_BY_ROLE[role]:
            response = client.get(address, QUERY_STRING=query)
            if response.status_code >= 500:
                errors.append(f"{role} GET {address[:80]}?{query[:60]} → {response.status_code}")
        response = client.post(address, HOSTILE_FORM)
        if response.status_code >= 500:
            errors.append(f"{role} POST {address[:80]} → {response.status_code}")
        stay_logged_in(client, user)

    assert errors == [], "\n".join(errors)


def stay_logged_in(client, user):
    """Log ``user`` in again after a request that logged them out (the logout page, a password change)."""
    if user is not None and "_auth_user_id" not in client.session:
        client.force_login(user)


# --- The second sweep: every parameter each page reads, as each role ----------------------------------------

# A link or form in HTML, an address in JSON, a feed or a sitemap.
_LINK = re.compile(r"""(?:href|action)=["']([^"'#]*)|["'>](?:http://testserver)?(/[^"'\s<>\\#]*)["'<]""")
# Parameters the admin reads first and refuses at once (an unknown field to link to, the "error" page of a
# changelist): given a hostile value with the others, they would keep the others from being read at all.
_REFUSED_FIRST = {ERROR_FLAG, TO_FIELD_VAR}
_NEVER_POSTED = ("/delete/", "/logout/")  # a hostile "post=²" would delete the record, or end the login


@pytest.fixture
def parameters_read(monkeypatch):
    """The names of the query parameters and form fields the code reads while it answers, as a list to clear."""
    read = []
    getitem, getlist, contains = MultiValueDict.__getitem__, MultiValueDict.getlist, MultiValueDict.__contains__

    def watching(method):
        def wrapper(self, key, *args):
            if isinstance(self, QueryDict):
                read.append(key)
            return method(self, key, *args)

        return wrapper

    monkeypatch.setattr(MultiValueDict, "__getitem__", watching(getitem))
    monkeypatch.setattr(MultiValueDict, "getlist", watching(getlist))
    monkeypatch.setattr(MultiValueDict, "__contains__", watching(contains))
    return read


def start_addresses():
    """The addresses that need no value of ours: the home page, each list, the admin's index and lists…"""
    return [address for route in walk(get_resolver().url_patterns) if "<" not in route and "(?P" not in route
            for address in fill(route)]  # fmt: skip


def api_query_parameters():
    """The query parameters the API's schema documents, by URL pattern (its filters read them all at once)."""
    from drf_spectacular.generators import SchemaGenerator

    names = defaultdict(set)
    for path, operations in SchemaGenerator().get_schema(request=None, public=True)["paths"].items():
        route = resolve(re.sub(r"\{\w+\}", "x", path)).route
        for operation in operations.values():
            names[route].update(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
    return names


def crawl(client):
    """
    ``{route: (address, names seen in its links)}``: one address for each URL pattern the client can reach by
    following links from :func:`start_addresses`: the first that answers 200, else the first found.
    """
    found, first, tried, names, queue = {}, {}, set(), defaultdict(set), start_addresses()
    while queue:
        link = urlsplit(queue.pop(0))
        try:
            route = resolve(link.path).route
        except Resolver404:
            continue
        names[route].update(name for name, _value in parse_qsl(link.query, keep_blank_values=True))
        if route in found or link.path in tried:
            continue
        tried.add(link.path)
        first.setdefault(route, link.path)
        response = client.get(link.path)
        if response.status_code != 200 or response.streaming:
            continue
        found[route] = link.path
        text = response.content.decode(errors="replace").replace("&amp;", "&")
        for relative, absolute in _LINK.findall(text):
            address = urljoin(link.path, relative) if relative else absolute
            if address.startswith("/") and not address.startswith(("//", "/static/", "/media/")):
                queue.append(address)
    return {route: (address, names[route]) for route, address in (first | found).items()}


def ask(client, method, address, data, role, value, errors):
    response = getattr(client, method)(address, data)
    if response.status_code >= 500:
        named = ", ".join(sorted(data))[:200]
        errors.append(f"{role} {method.upper()} {address} with {named} = {value[:12]}… → {response.status_code}")
    return response


@pytest.fixture
def site(content, settings):
    """The content of the first sweep, and no rate limit to answer 429 before a page reads anything."""
    settings.API_ANONYMOUS_RATE = None
    settings.FEEDBACK_RATE_LIMIT = 1_000_000


@pytest.mark.parametrize("role", VALUES_BY_ROLE)
def test_no_parameter_a_page_reads_answers_a_server_error(role, site, parameters_read):
    user = person(role)
    client = Client(raise_request_exception=False)
    stay_logged_in(client, user)
    pages, api_names, errors = crawl(client), api_query_parameters(), []
    for route, (address, linked_names) in sorted(pages.items()):
        parameters_read.clear()
        probe = client.get(address, {"sweep": "1"})  # a query of its own, so no cached page answers for the view
        query_names = (set(parameters_read) | linked_names | api_names.get(route, set())) - {"sweep"}
        parameters_read.clear()
        form_names = set()
        if not address.endswith(_NEVER_POSTED):
            client.post(address, {})
            form_names = set(parameters_read) - {"csrfmiddlewaretoken"}
        together = {name for name in query_names if not name.startswith("_") and name not in _REFUSED_FIRST}
        for value in VALUES_BY_ROLE[role]:
            if together:
                ask(client, "get", address, dict.fromkeys(together, value), role, value, errors)
            for name in sorted(query_names - together):  # each alone, or it would keep the others from being read
                ask(client, "get", address, {name: value}, role, value, errors)
            if form_names:
                ask(client, "post", address, dict.fromkeys(form_names, value), role, value, errors)
                stay_logged_in(client, user)
        assert probe.status_code < 500, f"{role} GET {address}"

    assert len(pages) > (60 if user else 25)
    assert errors == [], "\n".join(errors)
