"""An HL7 URL-based Infobutton request (Context-Aware Knowledge Retrieval), read and checked."""

import re
from dataclasses import dataclass

from .codes import CODE_SYSTEMS, InvalidCode, normalize_icd10

CODE = "mainSearchCriteria.v.c"
CODE_SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY_NAME = "mainSearchCriteria.v.dn"
RECIPIENT = "informationRecipient"
LANGUAGE = "informationRecipient.languageCode.c"
RESPONSE_TYPE = "knowledgeResponseType"
CALLBACK = "callback"
# The request's parameters a response repeats as categories, in this order.
ECHOED = [CODE, CODE_SYSTEM, DISPLAY_NAME, RECIPIENT, LANGUAGE, RESPONSE_TYPE]

XML, JSON, JSONP = "text/xml", "application/json", "text/javascript"
RESPONSE_TYPES = {XML: XML, "application/atom+xml": XML, JSON: JSON, JSONP: JSONP, "application/javascript": JSONP}
RECIPIENTS = {"PAT": "patient", "PROV": "health care provider"}

# A JavaScript identifier or dotted path of them, ASCII only: nothing else can be run as the callback.
_CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}(\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}", re.ASCII)
_RESERVED = {"break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
             "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new",
             "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while",
             "with", "yield", "let", "static", "enum", "await", "eval", "arguments"}  # fmt: skip
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}", re.ASCII)
# Characters XML 1.0 cannot carry, which no real request contains.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_LENGTH = 200


class BadRequest(ValueError):
    pass


@dataclass
class InfobuttonRequest:
    response_type: str
    code: str = ""
    code_system: str = ""
    display_name: str = ""
    recipient: str = "PAT"
    language: str = "en"
    callback: str = ""
    echoed: tuple = ()


def response_type(params):
    """The format to answer in, errors included; text/xml (Atom) when the request names none we know."""
    return RESPONSE_TYPES.get(params.get(RESPONSE_TYPE, XML).strip().lower(), XML)


def parse(params):
    """Read ``params`` (a QueryDict); raise :class:`BadRequest` with a message for the requester."""
    for name, value in params.items():
        if len(value) > MAX_LENGTH:
            raise BadRequest(f"{name[:60]} is longer than {MAX_LENGTH} characters.")
        if _NOT_XML.search(value) or _NOT_XML.search(name):
            raise BadRequest("The request contains control characters, which no parameter may contain.")
    asked_type = params.get(RESPONSE_TYPE, XML).strip().lower()
    if asked_type not in RESPONSE_TYPES:
        raise BadRequest(f"{RESPONSE_TYPE} must be one of text/xml, application/json or text/javascript.")
    request = InfobuttonRequest(response_type=RESPONSE_TYPES[asked_type])
    request.echoed = tuple((name, params[name]) for name in ECHOED if params.get(name, "").strip())

    code = params.get(CODE, "").strip()
    system = params.get(CODE_SYSTEM, "").strip()
    request.display_name = " ".join(params.get(DISPLAY_NAME, "").split())
    if code:
        if not system:
            raise BadRequest(f"{CODE_SYSTEM} is required with {CODE}: the OID of ICD-10-CM or ICD-10.")
        if system not in CODE_SYSTEMS:
            known = " or ".join(f"{oid} ({name})" for oid, name in CODE_SYSTEMS.items())
            raise BadRequest(f"Unknown code system {system[:60]}; this service knows {known}.")
        try:
            request.code = normalize_icd10(code)
        except InvalidCode as error:
            raise BadRequest(str(error)) from error
        request.code_system = system
    elif system and system not in CODE_SYSTEMS:
        raise BadRequest(f"Unknown code system {system[:60]}.")
    if not request.code and not request.display_name:
        raise BadRequest(f"Give a code ({CODE} with {CODE_SYSTEM}) or a display name ({DISPLAY_NAME}).")

    recipient = params.get(RECIPIENT, "PAT").strip().upper()
    if recipient not in RECIPIENTS:
        raise BadRequest(f"{RECIPIENT} must be PAT (patient) or PROV (health care provider).")
    request.recipient = recipient
    language = params.get(LANGUAGE, "en").strip()
    if not _LANGUAGE.fullmatch(language):
        raise BadRequest(f"{LANGUAGE} must be a language code such as “en”.")
    request.language = language
    if request.response_type == JSONP:
        request.callback = checked_callback(params)
    return request


def checked_callback(params):
    callback = params.get(CALLBACK, "").strip()
    if not _CALLBACK.fullmatch(callback) or any(part in _RESERVED for part in callback.split(".")):
        raise BadRequest("text/javascript needs a callback parameter that is a plain JavaScript name, e.g. “show”.")
    return callback
