"""Rich text is cleaned on the server, whatever the editor, a script or a fixture sends."""

import re
from html.parser import HTMLParser

import pytest

from articles.models import Article
from richtext.fields import ALLOWED_TAGS, sanitize_html
from tests.admin_forms import change_through_admin
from tests.factories import ArticleFactory, ConditionFactory

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "srcset", "data", "xlink:href"}

XSS_PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", id="script-src-uppercase"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="href-javascript"),
    pytest.param('<a href="JaVaScRiPt:alert(1)">x</a>', id="href-javascript-mixed-case"),
    pytest.param('<a href="jav&#x61;script:alert(1)">x</a>', id="href-javascript-hex-entity"),
    pytest.param(
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        id="href-javascript-decimal-entities",
    ),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="href-javascript-named-entity"),
    pytest.param('<a href=" \x01java\tscript:alert(1)">x</a>', id="href-javascript-whitespace-and-controls"),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="href-vbscript"),
    pytest.param('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', id="href-data-html"),
    pytest.param('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">', id="img-src-data"),
    pytest.param('<img src="javascript:alert(1)" alt="x">', id="img-src-javascript"),
    pytest.param('<iframe src="https://evil.example/"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="https://evil.example/x.swf"></object>', id="object"),
    pytest.param('<embed src="https://evil.example/x.swf">', id="embed"),
    pytest.param('<p style="color: red">x</p>', id="style-attribute"),
    pytest.param('<p style="width: expression(alert(1))">x</p>', id="style-expression"),
    pytest.param("<style>body { background: url(javascript:alert(1)) }</style>", id="style-block"),
    pytest.param(
        '<form action="https://evil.example/"><input name="password" type="password"></form>', id="form-input"
    ),
    pytest.param('<form><button formaction="javascript:alert(1)">Go</button></form>', id="formaction"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<base href="https://evil.example/">', id="base-href"),
    pytest.param("<math><mtext><script>alert(1)</script></mtext></math>", id="math-nested-script"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-nested-script"),
    pytest.param("<p>Unclosed<script>alert(1)", id="unclosed-script"),
    pytest.param("<p>Text<img src=x onerror=alert(1) <b>bold</b>", id="malformed-unclosed-img"),
    pytest.param("<<img src=x onerror=alert(1)>>", id="malformed-double-brackets"),
    pytest.param("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param('<!--<img src="--><img src=x onerror=alert(1)//">', id="comment-breakout"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', id="noscript-mxss"),
    pytest.param("<template><script>alert(1)</script></template>", id="template"),
    pytest.param('<p onclick="alert(1)">x</p>', id="p-onclick"),
    pytest.param('<a href="/conditions/itp/" onmouseover="alert(1)">x</a>', id="a-onmouseover"),
    pytest.param('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', id="table-background"),
    pytest.param("<details open ontoggle=alert(1)>x</details>", id="details-ontoggle"),
]


class _DangerFinder(HTMLParser):
    """Lists what a browser could run in ``html``: unknown tags, handlers, styles, script URLs, comments."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.dangers.append(f"<{tag}>")
        # html.parser has already decoded character references in attribute values.
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.dangers.append(f"{tag}[{name}]")
            elif name in URL_ATTRIBUTES and _scheme_of(value or "").startswith(DANGEROUS_SCHEMES):
                self.dangers.append(f"{tag}[{name}={value!r}]")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self.dangers.append("<!-- comment -->")


def _scheme_of(url):
    # Browsers ignore ASCII whitespace and control characters in a URL's scheme.
    return re.sub(r"[\x00-\x20]", "", url).lower()


def dangers_in(html):
    finder = _DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.dangers


def links_in(html):
    """The attributes of every <a> in ``html``, as dicts."""
    links = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                links.append(dict(attrs))

    Collector().feed(html)
    return links


def stored_body(body):
    article = ArticleFactory(body=body)
    return Article.objects.get(pk=article.pk).body


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_dangerous_html_is_removed_from_a_saved_article_body(payload):
    assert dangers_in(stored_body(payload)) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_every_xss_payload_is_caught_by_the_danger_check(payload):
    # Guards the test above: a payload the check could not see would prove nothing.
    assert dangers_in(payload) != []


@pytest.mark.django_db
def test_a_script_posted_in_the_admin_article_form_is_not_stored(admin_client):
    article = ArticleFactory(draft=True)

    response = change_through_admin(admin_client, article, body="<p>Safe words.</p><script>alert('admin')</script>")

    assert response.status_code == 302, response.context and response.context["errors"]

    article.refresh_from_db()
    assert article.body == "<p>Safe words.</p>"


@pytest.mark.django_db
def test_a_script_posted_in_the_admin_condition_form_is_not_stored(admin_client):
    condition = ConditionFactory(draft=True)

    response = change_through_admin(
        admin_client, condition, overview='<p onclick="alert(1)">ITP</p><script>alert(1)</script>'
    )

    assert response.status_code == 302, response.context and response.context["errors"]

    condition.refresh_from_db()
    assert condition.overview == "<p>ITP</p>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<h2>Before the infusion</h2><h3>At home</h3><h4>Medicines</h4>", id="headings"),
        pytest.param("<ul><li>Headache</li><li>Chills</li></ul><ol><li>First</li><li>Second</li></ol>", id="lists"),
        pytest.param(
            '<table><caption>Doses</caption><thead><tr><th scope="col">Dose</th><th scope="col">For</th></tr>'
            '</thead><tbody><tr><td>2 g/kg</td><td>ITP</td></tr><tr><td colspan="2">Spread over 2–5 days'
            "</td></tr></tbody></table>",
            id="table",
        ),
        pytest.param("<blockquote><p>It got easier after the second infusion.</p></blockquote>", id="blockquote"),
        pytest.param("<p>IgG<sup>1</sup> and H<sub>2</sub>O, <strong>bold</strong>, <em>italic</em></p>", id="inline"),
        pytest.param('<p><a href="/conditions/itp/" title="About ITP">Read about ITP</a></p>', id="link"),
        pytest.param(
            '<p><img src="/media/uploads/2025/01/nurse.png" alt="A nurse checks the drip" width="640" height="480">'
            "</p>",
            id="image-with-alt",
        ),
        pytest.param("<p>Line one<br>line two</p><hr>", id="breaks"),
    ],
)
def test_allowed_content_is_stored_unchanged(html):
    assert stored_body(html) == html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "href",
    [
        "https://www.fda.gov/vaccines-blood-biologics",
        "http://example.org/page",
        "HTTPS://EXAMPLE.ORG/",
        "//cdn.example.org/guide.pdf",
        " //example.org/leading-space",
        "/\\example.org/backslash",
        "https:\\\\example.org\\backslash",
    ],
)
def test_links_to_other_sites_get_noopener_noreferrer(href):
    [link] = links_in(stored_body(f'<p><a href="{href}">Elsewhere</a></p>'))
    assert link["rel"] == "noopener noreferrer"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "href", ["/conditions/itp/", "#side-effects", "../itp/", "mailto:editors@example.org", "tel:+15551234567"]
)
def test_links_within_the_site_or_to_mail_get_no_rel(href):
    [link] = links_in(stored_body(f'<p><a href="{href}">Here</a></p>'))
    assert link == {"href": href}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/conditions/itp/", {"href": "/conditions/itp/"}),
        ("https://example.org/", {"href": "https://example.org/", "rel": "noopener noreferrer"}),
    ],
)
def test_editor_supplied_rel_and_target_are_not_kept(href, expected):
    [link] = links_in(stored_body(f'<a href="{href}" rel="opener" target="_blank">Here</a>'))
    assert link == expected


@pytest.mark.django_db
def test_a_greater_than_sign_in_an_attribute_does_not_break_the_link():
    body = stored_body('<p><a title="dose > 1 g/kg" href="https://example.org/dosing">Dosing</a> table</p>')

    [link] = links_in(body)
    assert link == {"title": "dose > 1 g/kg", "href": "https://example.org/dosing", "rel": "noopener noreferrer"}
    assert body.endswith(">Dosing</a> table</p>")


@pytest.mark.parametrize(
    "html",
    [
        '<h2>Dosing</h2><p><a title="a > b" href="https://example.org/?a=1&amp;b=2">Link</a></p>',
        '<p><a href="https://example.org/" rel="nofollow" target="_blank">Out</a><a href="#x">In</a></p>',
        "<table><tr><td>No tbody</td></tr></table>",
        "<p>Unclosed <strong>bold",
        "Text &amp; more &lt;not a tag&gt;",
        *(param.values[0] for param in XSS_PAYLOADS),
    ],
)
def test_sanitizing_sanitized_html_changes_nothing(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once
