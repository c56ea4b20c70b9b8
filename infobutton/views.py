"""``GET /infobutton/``: reviewed pages for a diagnosis code, as an electronic health record asks for them."""

import math

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.views import APIView

from api.access import AnonymousRateThrottle, PartnerKeyAuthentication, PartnerKeyRateThrottle
from api.sync import last_change
from api.views import ConditionalResponseMixin
from articles.models import Article, Condition
from references.markers import strip_markers

from . import request as infobutton_request
from .matching import entries_for, find_conditions
from .responses import render, render_error


def _summary(record, url):
    """The record's plain summary, then whose reviewed content it is, with the page's address."""
    text = getattr(record, "summary", None) or getattr(record, "dek", "")
    attribution = settings.API_ATTRIBUTION.format(site=settings.SITE_NAME, url=url)
    return f"{strip_markers(text)} {attribution}".strip()


class InfobuttonView(ConditionalResponseMixin, APIView):
    """
    The HL7 URL-based Infobutton request, as MedlinePlus Connect answers it: ``mainSearchCriteria.v.c`` and
    ``.cs`` (an ICD-10-CM or ICD-10 code), ``.dn`` (a display name), ``informationRecipient`` and
    ``knowledgeResponseType`` (Atom ``text/xml``, ``application/json``, or ``text/javascript`` with ``callback``).
    """

    authentication_classes = [PartnerKeyAuthentication]
    throttle_classes = [AnonymousRateThrottle, PartnerKeyRateThrottle]
    permission_classes = []
    schema = None  # not a REST resource; the README documents it

    def get(self, request):
        params = request.query_params
        try:
            asked = infobutton_request.parse(params)
        except infobutton_request.BadRequest as error:
            return self.error(400, str(error))
        match = find_conditions(asked.code, asked.display_name)
        records = entries_for(match)
        # Which pages answer depends on every published condition and article: one withdrawn, added or changed
        # anywhere may change this answer, so its date moves with the latest of them (withdrawals included).
        self.last_modified = last_change(Condition, Article)
        base = request.build_absolute_uri("/")
        feed = {
            "lang": "en",
            "base": base,
            "title": f"{settings.SITE_NAME}: reviewed patient education",
            "subtitle": self.subtitle(asked, match),
            "author": settings.SITE_NAME,
            "updated": (self.last_modified or timezone.now()).isoformat(timespec="seconds"),
            "id": request.build_absolute_uri(),
            "rights": settings.API_LICENCE,
            "categories": list(asked.echoed),
            "entries": [
                {
                    "title": str(record.title if hasattr(record, "title") else record.name),
                    "link": request.build_absolute_uri(record.get_absolute_url()),
                    "updated": record.modified_at.isoformat(timespec="seconds"),
                    "summary": _summary(record, request.build_absolute_uri(record.get_absolute_url())),
                }
                for record in records
            ],
        }
        return render(feed, asked.response_type, asked.callback)

    @staticmethod
    def subtitle(asked, match):
        if not match.conditions:
            return "No reviewed pages match this request."
        how = {
            "code": f"for the code {match.code}",
            "hierarchy": f"for {match.code}, the nearest code above {asked.code} we have pages for",
            "name": "for the display name given",
        }[match.matched_by]
        return f"Reviewed pages {how}, written for patients."

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
