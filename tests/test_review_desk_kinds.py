"""
The reviewer's desk for every reviewed kind, over HTTP as a reviewer: the version under review as readers will
see it (the reader page's own rendering: numbered sources, side effects in their groups, products, approvals,
images), and a three-word change as three words, before the form.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import SideEffect
from review import workflow
from tests.admin_forms import admin_change_url
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    PageFactory,
    ProductApprovalFactory,
    ProductFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceFactory,
    source_with_authors,
)
from tests.test_uploads import image_bytes

pytestmark = pytest.mark.django_db

SENTENCE = "Most people feel tired for a day or two after an infusion."
CHANGED = SENTENCE.replace("a day or two", "up to three days")
WORD_DIFF = "<del>a day or two </del><ins>up to three days </ins>after an infusion."


def cited(record, title="Adverse effects of immunoglobulin therapy"):
    source = SourceFactory(title=title, citation_key="guo-2018")
    CitationFactory(record=record, source=source, position=1)
    return record


def article():
    record = ArticleFactory(
        body=f"<p>{SENTENCE} [cite:guo-2018]</p>",
        products=[ProductApprovalFactory(product__brand_name="Privigen", condition__abbreviation="CIDP").product],
        hero_image=SimpleUploadedFile("drip.png", image_bytes(), content_type="image/png"),
        hero_image_alt="A nurse sets up an infusion pump",
    )
    ArticleSideEffectFactory(article=record, side_effect=SideEffectFactory(name="Headache"))
    return (
        cited(record),
        "body",
        [
            '<sup class="citation"><a href="#source-1"',
            '<li id="source-1">',
            "Adverse effects of immunoglobulin therapy",
            ">Common and usually mild</h3>",
            ">Headache</a>",
            ">Privigen</a>",
            "Approved for: CIDP",
            'alt="A nurse sets up an infusion pump"',
        ],
    )


def condition():
    record = ConditionFactory(name="Chronic inflammatory demyelinating polyneuropathy", overview=f"<p>{SENTENCE}</p>")
    ProductApprovalFactory(product__brand_name="Gamunex-C", condition=record, region="US", year=2008)
    return (
        cited(record),
        "overview",
        [
            ">Chronic inflammatory demyelinating polyneuropathy",
            ">Gamunex-C</a>",
            '<li id="source-1">',
        ],
    )


def product():
    record = ProductFactory(brand_name="Privigen", notes=SENTENCE)
    ProductApprovalFactory(product=record, condition__name="Immune thrombocytopenia", region="EU", year=2008)
    ProductSideEffectFactory(
        product=record,
        side_effect=SideEffectFactory(
            name="Aseptic meningitis", seriousness=SideEffect.Seriousness.SERIOUS, onset=SideEffect.Onset.DELAYED
        ),
        frequency="rare",
    )
    return (
        cited(record),
        "notes",
        [
            "<h1>Privigen</h1>",
            ">Immune thrombocytopenia</a>",
            ">Serious</h3>",
            ">Aseptic meningitis</a>",
            '<li id="source-1">',
        ],
    )


def side_effect():
    record = SideEffectFactory(name="Chills", description=SENTENCE)
    ProductSideEffectFactory(product=ProductFactory(brand_name="Octagam"), side_effect=record)
    return cited(record), "description", ["<h1>Chills</h1>", ">Octagam</a>", '<li id="source-1">']


def source():
    record = source_with_authors(
        "Guo Y", "Tian X", "Wang X", "Xiao Z", title=SENTENCE, publication="Front Immunol", year=2018
    )
    return record, "title", ["Guo Y, Tian X, Wang X, Xiao Z.", "<cite>Front Immunol</cite>"]


def contributor():
    record = ContributorFactory(
        name="Rosa Delgado",
        bio=f"<p>{SENTENCE}</p>",
        photo=SimpleUploadedFile("rosa.png", image_bytes(), content_type="image/png"),
        photo_alt="Rosa Delgado smiling",
    )
    return record, "bio", ["Rosa Delgado", 'alt="Rosa Delgado smiling"']


def page():
    return PageFactory(title="Editorial policy", body=f"<p>{SENTENCE}</p>"), "body", ["<h1>Editorial policy</h1>"]


@pytest.mark.parametrize("make", [article, condition, product, side_effect, source, contributor, page])
def test_the_desk_shows_the_new_version_as_readers_will_and_a_three_word_change_first(client, editor, reviewer, make):
    record, field, reader_bits = make()
    copy = workflow.start_new_version(record, editor)
    setattr(copy, field, getattr(copy, field).replace(SENTENCE, CHANGED))
    copy.save()
    copy = workflow.perform(copy, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(copy)).content.decode()

    form = page.index(f'id="{copy._meta.model_name}_form"')
    reader_url = reverse(f"admin:{copy._meta.app_label}_{copy._meta.model_name}_reader", args=[copy.pk])
    desk = page[page.index('id="reader-view-heading"') : page.index('id="review-diff-heading"')]
    assert f'src="{reader_url}"' in desk
    reader = client.get(reader_url).content.decode()
    for bit in reader_bits:
        assert bit in reader
    assert CHANGED.split(" up")[0] in reader and "up to three days" in reader
    start = page.index('id="review-diff-heading"')
    diff = page[start : page.index("</details>", start)]
    assert page.index("</details>", start) < form  # the diff comes before the form
    assert WORD_DIFF in diff
    assert "diff-removed" not in diff  # nothing else changed, and the sentence is not replaced wholesale
    assert "/preview/" not in diff  # the new version goes live at the published address


def test_a_first_version_shows_its_related_lists_and_structured_data_as_new(client, editor, reviewer):
    record = ProductFactory(draft=True, brand_name="Hizentra")
    ProductApprovalFactory(product=record, condition__abbreviation="PI", region="US", year=2010)
    ProductSideEffectFactory(product=record, side_effect=SideEffectFactory(name="Redness where it goes in"))
    record = workflow.perform(record, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(record)).content.decode()

    diff = page[page.index('id="review-diff-heading"') : page.index('id="product_form"')]
    assert "+ Hizentra for PI (US, 2010)</p>" in diff
    assert "+ Redness where it goes in (common)</p>" in diff
    assert "<h4>Structured data for search engines</h4>" in diff
    assert "+ drug.name: Hizentra</p>" in diff or "name: Hizentra</p>" in diff


def test_a_changed_approval_shows_in_the_structured_data_too(client, editor, reviewer, publish_through_review):
    record = ProductFactory(brand_name="Hizentra")
    condition = ConditionFactory(name="Primary immunodeficiency", abbreviation="PI")
    copy = workflow.start_new_version(record, editor)
    ProductApprovalFactory(product=copy, condition=condition, region="US", year=2010)
    copy = workflow.perform(copy, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(copy)).content.decode()

    diff = page[page.index('id="review-diff-heading"') : page.index('id="product_form"')]
    assert "<h4>Approvals</h4>" in diff and "+ Hizentra for PI (US, 2010)</p>" in diff
    structured = diff[diff.index("<h4>Structured data for search engines</h4>") :]
    assert "Primary immunodeficiency" in structured
