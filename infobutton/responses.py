"""
The answer to an Infobutton request as MedlinePlus Connect gives it: an Atom feed (RFC 4287), or the
same feed as JSON (``{"feed": {...}}``, values under ``_value``) or JSONP. XML is built with ElementTree,
which escapes every value; JSON with :mod:`json`; a JSONP callback is a checked identifier.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

from .request import JSON, JSONP

ATOM = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Atom has no element for review dates; an entry carries them as extension elements in a namespace of ours.
REVIEW = "urn:ivig-patient-guide:review"
ET.register_namespace("", ATOM)
ET.register_namespace("review", REVIEW)

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text):
    return _NOT_XML.sub("", str(text))


# An entry's review dates (ISO dates) and what it says of its language, and the names they have in Atom and JSON.
REVIEW_DATES = {
    "last_reviewed": "lastReviewed",
    "next_review_due": "nextReviewDue",
    "not_available_in": "notAvailableIn",
    "translation_outdated": "translationOutdated",
    "translation_reviewed": "translationReviewed",
}


def _atom(feed):
    root = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML_NS}}}lang": feed["lang"], f"{{{XML_NS}}}base": feed["base"]})

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {key: _clean(value) for key, value in attributes.items()})
        if text is not None:
            element.text = _clean(text)
        return element

    add(root, "title", feed["title"], type="text")
    add(root, "subtitle", feed["subtitle"], type="text")
    author = add(root, "author")
    add(author, "name", feed["author"])
    add(author, "uri", feed["base"])
    add(root, "updated", feed["updated"])
    add(root, "id", feed["id"])
    add(root, "link", href=feed["id"], rel="self")
    add(root, "rights", feed["rights"], type="text")
    for scheme, term in feed["categories"]:
        add(root, "category", scheme=scheme, term=term)
    for entry in feed["entries"]:
        item = add(root, "entry")
        item.set(f"{{{XML_NS}}}lang", entry.get("lang", feed["lang"]))
        add(item, "title", entry["title"], type="text")
        add(item, "link", href=entry["link"], rel="alternate", type="text/html", title=entry["title"])
        if entry.get("english_link"):
            add(item, "link", href=entry["english_link"], rel="alternate", type="text/html", hreflang="en")
        add(item, "id", entry["link"])
        add(item, "updated", entry["updated"])
        add(item, "summary", entry["summary"], type="text")
        for key, tag in REVIEW_DATES.items():
            if entry.get(key):
                ET.SubElement(item, f"{{{REVIEW}}}{tag}").text = entry[key]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _json_feed(feed):
    def value(text, **attributes):
        return {"_value": text, **attributes}

    return {
        "feed": {
            "lang": feed["lang"],
            "base": feed["base"],
            "title": value(feed["title"], type="text"),
            "subtitle": value(feed["subtitle"], type="text"),
            "author": {"name": value(feed["author"]), "uri": value(feed["base"])},
            "updated": value(feed["updated"]),
            "id": value(feed["id"]),
            "link": [{"href": feed["id"], "rel": "self"}],
            "rights": value(feed["rights"], type="text"),
            "category": [{"scheme": scheme, "term": term} for scheme, term in feed["categories"]],
            "entry": [
                {
                    "lang": entry.get("lang", feed["lang"]),
                    "title": value(entry["title"], type="text"),
                    "link": [
                        {"href": entry["link"], "rel": "alternate", "type": "text/html", "title": entry["title"]},
                        *(
                            [{"href": entry["english_link"], "rel": "alternate", "type": "text/html", "hreflang": "en"}]
                            if entry.get("english_link")
                            else []
                        ),
                    ],
                    "id": value(entry["link"]),
                    "updated": value(entry["updated"]),
                    "summary": value(entry["summary"], type="text"),
                    **{tag: value(entry[key]) for key, tag in REVIEW_DATES.items() if entry.get(key)},
                }
                for entry in feed["entries"]
            ],
        }
    }


def _error_xml(status, message):
    root = ET.Element("error")
    ET.SubElement(root, "status").text = str(status)
    ET.SubElement(root, "message").text = _clean(message)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


_HTML_SIGNIFICANT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _json(data):
    """JSON with ``<``, ``>`` and ``&`` escaped too, so no value can close a script element around it."""
    return json.dumps(data).translate(_HTML_SIGNIFICANT)


def _javascript(callback, data):
    # "/**/" keeps a response from ever starting with bytes a plugin would read as another file type.
    return f"/**/{callback}({_json(data)});"


def render(feed, response_type, callback=""):
    if response_type == JSON:
        return HttpResponse(_json(_json_feed(feed)), content_type="application/json")
    if response_type == JSONP:
        return HttpResponse(_javascript(callback, _json_feed(feed)), content_type="text/javascript; charset=utf-8")
    return HttpResponse(_atom(feed), content_type="text/xml; charset=utf-8")


def render_error(status, message, response_type, callback=""):
    data = {"error": {"status": status, "message": message}}
    if response_type == JSONP and callback:
        return HttpResponse(_javascript(callback, data), status=status, content_type="text/javascript; charset=utf-8")
    if response_type in (JSON, JSONP):
        return HttpResponse(_json(data), status=status, content_type="application/json")
    return HttpResponse(_error_xml(status, message), status=status, content_type="text/xml; charset=utf-8")
