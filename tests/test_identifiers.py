"""DOIs (bare, in lower case) and PMIDs are stored whatever spelling was pasted; nonsense is refused in plain words."""

import pytest
from django.core.exceptions import ValidationError

from references.models import Source
from tests.admin_forms import change_through_admin
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

DOI_SPELLINGS = [
    ("https://doi.org/10.1016/J.JACI.2016.09.023", "10.1016/j.jaci.2016.09.023"),
    ("http://dx.doi.org/10.1016/j.jaci.2016.09.023", "10.1016/j.jaci.2016.09.023"),
    ("https://dx.doi.org/10.3389/fimmu.2018.01299", "10.3389/fimmu.2018.01299"),
    ("HTTPS://DOI.ORG/10.3389/fimmu.2018.01299", "10.3389/fimmu.2018.01299"),
    ("https://www.doi.org/10.3389/fimmu.2018.01299", "10.3389/fimmu.2018.01299"),
    ("doi.org/10.3389/fimmu.2018.01299", "10.3389/fimmu.2018.01299"),
    ("doi:10.1016/j.jaci.2016.09.023", "10.1016/j.jaci.2016.09.023"),
    ("DOI: 10.1016/j.jaci.2016.09.023", "10.1016/j.jaci.2016.09.023"),
    ("DOI 10.1007/s10875-017-0362-5", "10.1007/s10875-017-0362-5"),
    ("  10.1016/j.jaci.2016.09.023 \n", "10.1016/j.jaci.2016.09.023"),
    (
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
    ),
]
INVALID_DOIS = ["11.1234/x", "10.12/x", "hello", "10.1234/", "10.1234/with space", "https://example.org/10.1234/x"]
PMID_SPELLINGS = [
    ("28041678", "28041678"),
    ("PMID: 28041678", "28041678"),
    ("pmid:28041678", "28041678"),
    ("PMID 28041678", "28041678"),
    (" 28041678 ", "28041678"),
]
INVALID_PMIDS = ["abc", "0123", "1234567890", "PMC5366476", "28041678a", "PMID: 2804 1678"]


def doi_message(value):
    return f"“{value}” is not a DOI. A DOI starts with “10.”, then a slash, e.g. 10.1016/j.jaci.2016.09.023."


def pmid_message(value):
    return f"“{value}” is not a PubMed ID. A PMID is a number of up to 9 digits, e.g. 28041678."


@pytest.mark.parametrize(("pasted", "bare"), DOI_SPELLINGS)
def test_a_pasted_doi_is_saved_bare(pasted, bare):
    source = SourceFactory(doi=pasted)

    assert Source.objects.get(pk=source.pk).doi == bare


@pytest.mark.parametrize(("pasted", "bare"), DOI_SPELLINGS)
def test_a_pasted_doi_passes_validation_and_is_kept_bare(pasted, bare):
    source = SourceFactory.build(doi=pasted)

    source.full_clean()

    assert source.doi == bare


@pytest.mark.parametrize(("pasted", "bare"), DOI_SPELLINGS[:3])
def test_a_doi_link_pasted_in_the_admin_is_saved_bare(admin_client, pasted, bare):
    source = SourceFactory(doi="", draft=True)

    response = change_through_admin(admin_client, source, doi=pasted)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Source.objects.get(pk=source.pk).doi == bare


@pytest.mark.parametrize("value", INVALID_DOIS)
def test_something_that_is_not_a_doi_is_refused_in_plain_words(value):
    with pytest.raises(ValidationError) as error:
        SourceFactory.build(doi=value).full_clean()

    assert error.value.message_dict == {"doi": [doi_message(value.strip())]}


def test_the_admin_refuses_something_that_is_not_a_doi(admin_client):
    source = SourceFactory(doi="10.3389/fimmu.2018.01299", draft=True)

    response = change_through_admin(admin_client, source, doi="10.12/x")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["doi"] == [doi_message("10.12/x")]
    assert Source.objects.get(pk=source.pk).doi == "10.3389/fimmu.2018.01299"


def test_a_doi_may_be_left_empty():
    source = SourceFactory.build(doi="", pmid="28041678", draft=True)

    source.full_clean()
    source.save()

    assert Source.objects.get(pk=source.pk).doi == ""


@pytest.mark.parametrize(("pasted", "bare"), PMID_SPELLINGS)
def test_a_pasted_pmid_is_saved_as_its_digits(pasted, bare):
    source = SourceFactory(pmid=pasted)

    assert Source.objects.get(pk=source.pk).pmid == bare


@pytest.mark.parametrize(("pasted", "bare"), PMID_SPELLINGS)
def test_a_pasted_pmid_passes_validation_and_is_kept_as_its_digits(pasted, bare):
    source = SourceFactory.build(pmid=pasted)

    source.full_clean()

    assert source.pmid == bare


def test_a_pmid_with_its_label_pasted_in_the_admin_is_saved_as_its_digits(admin_client):
    source = SourceFactory(pmid="", draft=True)

    response = change_through_admin(admin_client, source, pmid="PMID: 28041678")

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Source.objects.get(pk=source.pk).pmid == "28041678"


@pytest.mark.parametrize("value", INVALID_PMIDS)
def test_something_that_is_not_a_pmid_is_refused_in_plain_words(value):
    with pytest.raises(ValidationError) as error:
        SourceFactory.build(pmid=value).full_clean()

    assert error.value.message_dict == {"pmid": [pmid_message(value.removeprefix("PMID: "))]}
