"""``GET /infobutton/``: reviewed pages for a diagnosis code, as an electronic health record asks for them."""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from rest_framework import exceptions
from rest_framework.views import APIView

from api import terms
from api.access import AnonymousRateThrottle, PartnerKeyAuthentication, PartnerKeyRateThrottle
from api.sync import last_change
from api.views import ConditionalResponseMixin
from articles.models import Article, Condition, Product
from references.markers import strip_markers
from translations.languages import language_name
from translations.reading import localize

from . import request as infobutton_request
from .matching import entries_for, find
from .responses import render, render_error


class UrlKeyAuthentication(PartnerKeyAuthentication):
    """The partner key in the ``Authorization`` header, or in the URL, where HL7 puts a requester's credential."""

    query_parameter = infobutton_request.PARTNER_KEY


def _summary(record, url):
    """The record's plain summary, then whose reviewed content it is, with the page's address."""
    text = getattr(record, "summary", None) or getattr(record, "dek", None) or getattr(record, "notes", "")
    return f"{strip_markers(text)} {terms.attribution(url)}".strip()


class InfobuttonView(ConditionalResponseMixin, APIView):
    """
    The HL7 URL-based Infobutton request, as MedlinePlus Connect answers it: ``mainSearchCriteria.v.c`` and
    ``.cs`` (a code and its code system's OID: ICD-10-CM, ICD-10, ICD-9-CM, SNOMED CT or RxNorm), ``.dn`` (a
    display name), several criteria as ``.c0``, ``.cs0``, ``.dn0``, ``.c1`` …, ``informationRecipient`` and
    ``knowledgeResponseType`` (Atom ``text/xml``, ``application/json``, or ``text/javascript`` with ``callback``).
    A partner key may come in ``holder.assignedEntity.certificateText``.
    """

    authentication_classes = [UrlKeyAuthentication]
    throttle_classes = [AnonymousRateThrottle, PartnerKeyRateThrottle]
    permission_classes = []
    anonymous_budget = "infobutton"
    schema = None  # not a REST resource; the README documents it

    def get(self, request):
        params = request.query_params
        try:
            asked = infobutton_request.parse(params)
        except infobutton_request.BadRequest as error:
            return self.error(400, str(error))
        matches = [find(criterion) for criterion in asked.criteria]
        records = entries_for(matches)
        language = asked.language.replace("_", "-").split("-")[0].lower()
        for model in {type(record) for record in records}:
            localize([record for record in records if type(record) is model], language)
        entries = [self.entry(request, record, language) for record in records]
        # Which pages answer depends on every published condition, product and article: one withdrawn, added or
        # changed anywhere may change this answer, so its date moves with the latest of them (withdrawals included).
        self.last_modified = last_change(Condition, Product, Article)
        # The feed's own words are in its language: the one asked for where a page answers in it, else English.
        feed_language = language if any(entry["lang"] == language for entry in entries) else settings.LANGUAGE_CODE
        with override(feed_language):
            feed = {
                "lang": feed_language,
                "base": request.build_absolute_uri("/"),
                "title": _("%(site)s: reviewed patient education") % {"site": settings.SITE_NAME},
                "subtitle": self.subtitle(matches, language, entries),
                "author": settings.SITE_NAME,
                "updated": (self.last_modified or timezone.now()).isoformat(timespec="seconds"),
                "id": self.feed_id(request),
                "rights": terms.licence(),
                "categories": list(asked.echoed),
                "entries": entries,
            }
        return render(feed, asked.response_type, asked.callback)

    @staticmethod
    def feed_id(request):
        """The request's own address, without the partner key: a feed repeats its id, and a key is a secret."""
        kept = [(name, value) for name, value in request.query_params.lists() if name != infobutton_request.PARTNER_KEY]
        query = urlencode([(name, value) for name, values in kept for value in values])
        return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")

    @staticmethod
    def entry(request, record, language):
        """
        One page, in ``language`` where a reviewed translation is published (``record`` comes localized), else in
        English saying so (``not_available_in``); a translation says whether the English has changed since. Its
        summary, attribution included, is in one language: the page's.
        """
        shown = getattr(record, "shown_language", None) or settings.LANGUAGE_CODE
        with override(shown):
            link = request.build_absolute_uri(record.get_absolute_url())
            summary = _summary(record, link)
        entry = {
            "title": str(getattr(record, "title", None) or getattr(record, "name", None) or record),
            "link": link,
            "lang": shown,
            "updated": record.modified_at.isoformat(timespec="seconds"),
            "summary": summary,
            "last_reviewed": record.last_reviewed_on.isoformat() if record.last_reviewed_on else "",
            "next_review_due": record.next_review_due.isoformat() if record.next_review_due else "",
        }
        if shown != language:
            entry["not_available_in"] = language
        translation = getattr(record, "translation", None)
        if translation is not None and shown == language:
            with override(settings.LANGUAGE_CODE):
                entry["english_link"] = request.build_absolute_uri(record.get_absolute_url())
            entry["translation_outdated"] = "true" if translation.source_version < record.content_version else "false"
            if translation.last_reviewed_on:
                entry["translation_reviewed"] = translation.last_reviewed_on.isoformat()
        return entry

    @staticmethod
    def subtitle(matches, language=settings.LANGUAGE_CODE, entries=()):
        """What the feed answers, in the active language: which criterion found which pages, and what is in English."""
        found = [match for match in matches if match.records]
        if not found:
            return _("No reviewed pages match this request.")
        said = []
        for match in found:
            words = {
                "code": _("for the %(system)s code %(code)s"),
                "hierarchy": _("for %(code)s, the nearest code above %(asked)s we have pages for"),
                "range": _("for %(asked)s, in the range %(code)s"),
                "name": _("for the name “%(name)s”"),
            }[match.matched_by]
            criterion = match.criterion
            said.append(
                words % {"system": criterion.system_name, "code": match.code, "asked": criterion.code,
                         "name": criterion.display_name}
            )  # fmt: skip
        text = _("Reviewed pages %(criteria)s, written for patients.") % {"criteria": "; ".join(said)}
        missing = [entry for entry in entries if entry.get("not_available_in")]
        if missing:
            name = (
                language_name(language)
                if language in dict(settings.LANGUAGES)
                else _("the language “%(code)s”") % {"code": language}
            )
            text += " " + _("%(missing)d of %(total)d are not available in %(language)s and are given in English.") % {
                "missing": len(missing),
                "total": len(entries),
                "language": name,
            }
        return text

    def error(self, status, message):
        params = self.request.query_params
        response_type = infobutton_request.response_type(params)
        callback = ""
        if response_type == infobutton_request.JSONP:
            try:
                callback = infobutton_request.checked_callback(params)
            except infobutton_request.BadRequest:
                callback = ""
        return render_error(status, message, response_type, callback)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.APIException):
            response = self.error(exc.status_code, str(exc.detail))
            wait = getattr(exc, "wait", None)
            if isinstance(exc, exceptions.Throttled) and wait:
                response["Retry-After"] = str(math.ceil(wait))
            if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
                response["WWW-Authenticate"] = PartnerKeyAuthentication.keyword
            return response
        return super().handle_exception(exc)


infobutton = InfobuttonView.as_view()
