"""An HL7 URL-based Infobutton request (Context-Aware Knowledge Retrieval), read and checked."""

import re
from dataclasses import dataclass, field

from articles.models import InvalidCode
from articles.models.codes import normalize

from .codes import CODE_SYSTEMS, known_systems

CODE = "mainSearchCriteria.v.c"
CODE_SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY_NAME = "mainSearchCriteria.v.dn"
RECIPIENT = "informationRecipient"
LANGUAGE = "informationRecipient.languageCode.c"
RESPONSE_TYPE = "knowledgeResponseType"
CALLBACK = "callback"
# HL7's place for the requester's credential: a partner key, as the API takes it in the Authorization header.
PARTNER_KEY = "holder.assignedEntity.certificateText"
# The request's parameters a response repeats as categories after the search criteria, in this order.
ECHOED = [RECIPIENT, LANGUAGE, RESPONSE_TYPE]

XML, JSON, JSONP = "text/xml", "application/json", "text/javascript"
RESPONSE_TYPES = {XML: XML, "application/atom+xml": XML, JSON: JSON, JSONP: JSONP, "application/javascript": JSONP}
RECIPIENTS = {"PAT": "patient", "PROV": "health care provider"}

# A search criterion's parameter: "mainSearchCriteria.v.c", or numbered for several, "mainSearchCriteria.v.c1".
_CRITERION = re.compile(r"mainSearchCriteria\.v\.(c|cs|dn)([0-9]*)", re.ASCII)
MAX_CRITERIA = 10

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
class Criterion:
    """One ``mainSearchCriteria``: a code in a code system we know, a display name, or both."""

    suffix: str = ""
    code: str = ""
    system: str = ""  # ours (articles.models.CodeSystem); empty without a usable code
    oid: str = ""
    display_name: str = ""

    @property
    def system_name(self):
        return CODE_SYSTEMS[self.oid][0] if self.oid in CODE_SYSTEMS else ""


@dataclass
class InfobuttonRequest:
    response_type: str
    criteria: list = field(default_factory=list)
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
        if _NOT_XML.search(value) or _NOT_XML.search(name):
            raise BadRequest("The request contains control characters, which no parameter may contain.")
        if len(value) > MAX_LENGTH:
            raise BadRequest(f"{name[:60]} is longer than {MAX_LENGTH} characters.")
    asked_type = params.get(RESPONSE_TYPE, XML).strip().lower()
    if asked_type not in RESPONSE_TYPES:
        raise BadRequest(f"{RESPONSE_TYPE} must be one of text/xml, application/json or text/javascript.")
    request = InfobuttonRequest(response_type=RESPONSE_TYPES[asked_type])

    suffixes = _criterion_suffixes(params)
    request.criteria = [criterion for suffix in suffixes if (criterion := _criterion(params, suffix))]
    if not request.criteria:
        raise BadRequest(f"Give a code ({CODE} with {CODE_SYSTEM}) or a display name ({DISPLAY_NAME}).")
    # Repeated as categories: the criteria, then ECHOED; never the partner key.
    criteria_params = [f"{name}{suffix}" for suffix in suffixes for name in (CODE, CODE_SYSTEM, DISPLAY_NAME)]
    request.echoed = tuple((name, params[name]) for name in [*criteria_params, *ECHOED] if params.get(name, "").strip())

    recipient = params.get(RECIPIENT, "PAT").strip().upper()
    if recipient not in RECIPIENTS:
        raise BadRequest(f"{RECIPIENT} must be PAT (patient) or PROV (health care provider).")
    request.recipient = recipient
    language = (params.get(LANGUAGE) or params.get("languageCode") or "en").strip()
    if not _LANGUAGE.fullmatch(language):
        raise BadRequest(f"{LANGUAGE} must be a language code such as “en”.")
    request.language = language
    if request.response_type == JSONP:
        request.callback = checked_callback(params)
    return request


def _criterion_suffixes(params):
    """``["", "0", "1", …]``: the criteria a request gives, unnumbered first, then in their numbers' order."""
    found = set()
    for name in params:
        match = _CRITERION.fullmatch(name)
        if not match:
            continue
        number = match.group(2)
        if (len(number) > 1 and number.startswith("0")) or len(number) > 3:
            raise BadRequest(f"{name[:60]}: several criteria are numbered 0, 1, 2 …, without leading zeros.")
        found.add(number)
    if len(found) > MAX_CRITERIA:
        raise BadRequest(f"Too many search criteria: at most {MAX_CRITERIA} in one request, this one has {len(found)}.")
    return sorted(found, key=lambda number: -1 if number == "" else int(number))


def _criterion(params, suffix):
    code_name, system_name = f"{CODE}{suffix}", f"{CODE_SYSTEM}{suffix}"
    code = params.get(code_name, "").strip()
    oid = params.get(system_name, "").strip()
    display_name = " ".join(params.get(f"{DISPLAY_NAME}{suffix}", "").split())
    criterion = Criterion(suffix=suffix, oid=oid, display_name=display_name)
    if code:
        if not oid:
            raise BadRequest(f"{system_name} is required with {code_name}: the OID of its code system.")
        if oid in CODE_SYSTEMS:
            system = CODE_SYSTEMS[oid][1]
            try:
                criterion.code = normalize(system, code)
            except InvalidCode as error:
                raise BadRequest(f"{code_name}: {error}") from error
            criterion.system = system
        elif not criterion.display_name:
            # A code in a system we do not hold is answered by its display name; without one there is nothing.
            raise BadRequest(f"Unknown code system {oid[:60]} in {system_name}; this service knows {known_systems()}.")
    elif oid and oid not in CODE_SYSTEMS and not criterion.display_name:
        raise BadRequest(f"Unknown code system {oid[:60]} in {system_name}; this service knows {known_systems()}.")
    if not criterion.code and not criterion.display_name:
        return None
    return criterion


def checked_callback(params):
    callback = params.get(CALLBACK, "").strip()
    if not _CALLBACK.fullmatch(callback) or any(part in _RESERVED for part in callback.split(".")):
        raise BadRequest("text/javascript needs a callback parameter that is a plain JavaScript name, e.g. “show”.")
    return callback
