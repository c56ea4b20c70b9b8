"""
The reader interface in Spanish: under /es/ the words around the content (navigation, headings, labels, footer)
are Spanish, the page says so in ``lang``, the switcher leads to the other language, and English pages read as
before. The words come from locale/es, compiled and committed.
"""

from pathlib import Path
from types import SimpleNamespace

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import override

from review.workflow import start_new_version
from tests.factories import ArticleFactory, ConditionFactory, TranslationFactory
from translations.reading import localize

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


@pytest.fixture
def condition(db):
    return ConditionFactory(
        name="Immune thrombocytopenia", abbreviation="ITP", slug="itp", summary="Low platelets.", icd10_code="D69.3"
    )


@pytest.fixture
def spanish_condition(condition):
    TranslationFactory(
        source=condition,
        text={
            "name": "Trombocitopenia inmunitaria",
            "abbreviation": "PTI",
            "summary": "Plaquetas bajas.",
            "overview": "<p>Sobre la PTI.</p>",
            "treatment": "<p>Cómo se trata.</p>",
        },
    )
    return condition


def head(html):
    return html.split("</head>")[0]


def test_the_spanish_home_page_is_in_spanish_and_says_so(client, db):
    html = client.get("/es/").content.decode()

    assert '<html lang="es">' in html
    assert '<a class="skip-link" href="#main">Saltar al contenido principal</a>' in html
    assert '<nav class="site-nav site-nav--wide" aria-label="Principal">' in html
    assert ">Enfermedades</a>" in html and ">Efectos secundarios</a>" in html
    assert "La inmunoglobulina intravenosa (IGIV), explicada" in html
    assert '<h2 id="disclaimer-heading">Aviso médico</h2>' in html
    assert "Skip to main content" not in html and "Medical disclaimer" not in html


def test_the_english_home_page_reads_as_before(client, db):
    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert "Intravenous immunoglobulin (IVIG), explained" in html
    assert '<h2 id="disclaimer-heading">Medical disclaimer</h2>' in html
    assert "(in English)" not in html  # every record on an English page is in English


def test_the_switcher_links_the_same_page_in_the_other_language_named_in_that_language(client, spanish_condition):
    spanish = client.get("/es/conditions/itp/").content.decode()
    english = client.get("/conditions/itp/").content.decode()

    assert '<nav class="language-switcher" aria-label="Idioma">' in spanish
    assert '<a href="/conditions/itp/" lang="en" hreflang="en">English</a>' in spanish
    assert '<nav class="language-switcher" aria-label="Language">' in english
    assert '<a href="/es/conditions/itp/" lang="es" hreflang="es">Español</a>' in english
    # The page itself is not offered: one link, to the other language.
    assert spanish.count('class="language-switcher"') == 1 and 'hreflang="es">Español</a>' not in spanish


def test_the_switcher_leads_to_the_spanish_home_page_where_a_page_has_no_spanish_version(client, condition):
    english = client.get("/conditions/itp/").content.decode()

    assert '<a href="/es/" lang="es" hreflang="es">Español</a>' in english
    assert 'hreflang="es"' not in head(english)  # no alternate that does not exist


def test_a_translated_page_names_both_versions_and_the_english_as_default(client, spanish_condition):
    page = head(client.get("/es/conditions/itp/").content.decode())

    assert '<link rel="alternate" hreflang="en" href="http://testserver/conditions/itp/">' in page
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/conditions/itp/">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/conditions/itp/">' in page


def test_the_words_around_a_translated_page_are_spanish(client, spanish_condition):
    html = client.get("/es/conditions/itp/").content.decode()

    assert '<nav class="breadcrumbs" aria-label="Ruta de navegación">' in html
    assert '<li><a href="/es/">Inicio</a></li>' in html
    assert "Enfermedad · código CIE-10" in html
    assert '<h2 id="summary-heading" class="summary-title">En resumen</h2>' in html
    assert '<h2 id="overview-heading">Descripción general</h2>' in html
    assert "At a glance" not in html and "Overview" not in html


def test_the_outdated_notice_shows_only_once_the_english_has_changed(
    client, spanish_condition, editor, publish_through_review
):
    notice = "Esta traducción se hizo a partir de una versión anterior de la página en inglés."
    assert notice not in client.get("/es/conditions/itp/").content.decode()

    change = start_new_version(spanish_condition, editor)
    change.overview = "<p>About ITP, with new advice.</p>"
    change.save()
    publish_through_review(change)

    html = client.get("/es/conditions/itp/").content.decode()
    assert '<div class="translation-notice" role="note">' in html
    assert notice in html
    assert '<a href="/conditions/itp/" lang="en" hreflang="en">Immune thrombocytopenia (ITP)</a>' in html
    assert html.index("translation-notice") < html.index("<h1>")  # read before the page itself


def test_the_notice_template_stays_silent_without_an_outdated_translation():
    current = SimpleNamespace(is_outdated=False, source_record="ITP")
    outdated = SimpleNamespace(is_outdated=True, source_record="ITP")
    with override("es"):
        assert render_to_string("includes/_translation_notice.html", {}) == ""
        assert render_to_string("includes/_translation_notice.html", {"translation": current}) == ""
        shown = render_to_string(
            "includes/_translation_notice.html", {"translation": outdated, "english_url": "/conditions/itp/"}
        )
    assert "Lea la página actual en inglés:" in shown
    assert '<a href="/conditions/itp/" lang="en" hreflang="en">ITP</a>' in shown


def test_a_record_shown_in_english_on_a_spanish_page_is_marked_and_labelled(db):
    article = ArticleFactory(title="IVIG at home", dek="Infusions in your own home.")
    english_url = article.get_absolute_url()
    with override("es"):
        localize([article])  # no Spanish translation: shown in English, and linked to its English page
        english = render_to_string("includes/_article_card.html", {"article": article, "LANGUAGE_CODE": "es"})
        del article.get_absolute_url
        article.shown_language = "es"
        spanish = render_to_string("includes/_article_card.html", {"article": article, "LANGUAGE_CODE": "es"})
        del article.shown_language
        unmarked = render_to_string("includes/_article_card.html", {"article": article, "LANGUAGE_CODE": "es"})

    assert f'<a href="{english_url}" lang="en">IVIG at home</a>' in english
    assert '<span class="shown-language">(en inglés)</span>' in english
    assert '<p class="card-dek" lang="en">' in english
    for html in (spanish, unmarked):
        assert "lang=" not in html and "(en inglés)" not in html


def test_the_error_page_speaks_the_readers_language():
    with override("es"):
        html = render_to_string("500.html")

    assert '<html lang="es">' in html
    assert "Algo salió mal en nuestro sitio" in html
    assert '<a href="/es/">Ir a la página de inicio</a>' in html


def test_the_printable_handout_declares_its_language(full_article):
    with override("es"):
        html = render_to_string(
            "handouts/article.html", {"article": full_article, "page_url": "http://testserver/es/articles/x/"}
        )

    assert '<html lang="es">' in html
    assert "Hoja informativa para pacientes" in html


def test_every_interface_string_of_the_reader_templates_has_a_spanish_translation_in_the_compiled_catalogue():
    source = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = {(entry.msgid, entry.msgid_plural): entry for entry in polib.mofile(str(CATALOGUE / "django.mo"))}

    def in_reader_templates(entry):
        return any(
            path.startswith("templates/") and not path.startswith(("templates/admin/", "templates/references/admin/"))
            for path, _line in entry.occurrences
        )

    reader = [entry for entry in source if in_reader_templates(entry)]
    assert len(reader) > 150
    assert [entry.msgid for entry in source if entry.fuzzy] == []
    assert [entry.msgid for entry in reader if not entry.translated()] == []
    # The .mo is compiled from this .po: a fresh machine needs no gettext tools.
    stale = [
        entry.msgid
        for entry in reader
        if (entry.msgid, entry.msgid_plural) not in compiled
        or (compiled[entry.msgid, entry.msgid_plural].msgstr or compiled[entry.msgid, entry.msgid_plural].msgstr_plural)
        != (entry.msgstr or entry.msgstr_plural)
    ]
    assert stale == []
