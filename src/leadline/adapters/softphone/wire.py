"""TelefUM's wire format: request parameters in, ``<response>`` XML out, Russian texts by
default (English when the user or account speaks English)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from enum import StrEnum

from starlette.responses import Response

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
MEDIA_TYPE = "text/xml; charset=utf-8"
# Characters XML 1.0 cannot carry at all, even escaped: dropped from every text.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Message(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    NO_PHONE = "no_phone"
    BAD_PHONE = "bad_phone"
    BAD_TYPECONT = "bad_typecont"
    NO_ID = "no_id"
    NOT_FOUND = "not_found"
    NO_SUBJECT = "no_subject"
    BAD_TYPEREQ = "bad_typereq"
    CONTACT_ADDED = "contact_added"
    LEAD_ADDED = "lead_added"
    COMPANY_ADDED = "company_added"
    EVENT_ADDED = "event_added"
    TOO_LARGE = "too_large"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"


TEXTS: Mapping[str, Mapping[Message, str]] = {
    "ru": {
        Message.BAD_CREDENTIALS: "Неправильный логин или пароль",
        Message.NO_PHONE: "Не указан номер телефона",
        Message.BAD_PHONE: "Неверный номер телефона",
        Message.BAD_TYPECONT: "Неизвестный тип контакта",
        Message.NO_ID: "Не указано id-контакта",
        Message.NOT_FOUND: "Контакт не найден",
        Message.NO_SUBJECT: "Не указана тема события",
        Message.BAD_TYPEREQ: "Неизвестный тип запроса",
        Message.CONTACT_ADDED: "Контакт добавлен",
        Message.LEAD_ADDED: "Лид добавлен",
        Message.COMPANY_ADDED: "Компания добавлена",
        Message.EVENT_ADDED: "Событие добавлено",
        Message.TOO_LARGE: "Слишком большой запрос",
        Message.SERVER_ERROR: "Внутренняя ошибка сервера",
        Message.UNAVAILABLE: "Сервис временно недоступен",
        Message.RATE_LIMITED: "Слишком много запросов",
        Message.BAD_REQUEST: "Неверный запрос",
    },
    "en": {
        Message.BAD_CREDENTIALS: "Wrong login or password",
        Message.NO_PHONE: "No phone number given",
        Message.BAD_PHONE: "Invalid phone number",
        Message.BAD_TYPECONT: "Unknown contact type",
        Message.NO_ID: "No contact id given",
        Message.NOT_FOUND: "Contact not found",
        Message.NO_SUBJECT: "No event subject given",
        Message.BAD_TYPEREQ: "Unknown request type",
        Message.CONTACT_ADDED: "Contact added",
        Message.LEAD_ADDED: "Lead added",
        Message.COMPANY_ADDED: "Company added",
        Message.EVENT_ADDED: "Event added",
        Message.TOO_LARGE: "Request too large",
        Message.SERVER_ERROR: "Internal server error",
        Message.UNAVAILABLE: "Service temporarily unavailable",
        Message.RATE_LIMITED: "Too many requests",
        Message.BAD_REQUEST: "Bad request",
    },
}
DEFAULT_LANGUAGE = "ru"


def text_of(message: Message, language: str | None) -> str:
    return TEXTS.get((language or "").lower()[:2], TEXTS[DEFAULT_LANGUAGE])[message]


def _child(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = _NOT_XML.sub("", str(value))


def _xml(root: ET.Element) -> Response:
    body = XML_DECLARATION + ET.tostring(root, encoding="unicode")
    # Always 200: the softphone reads <result>, not the status line.
    return Response(body.encode("utf-8"), status_code=200, media_type=MEDIA_TYPE)


def error(message: Message, language: str | None = None) -> Response:
    root = ET.Element("response")
    _child(root, "result", "error")
    _child(root, "description", text_of(message, language))
    return _xml(root)


def added(
    record_id: int, typecont: str, message: Message, language: str | None, *, id_tag: str = "id"
) -> Response:
    root = ET.Element("response")
    _child(root, "result", "ok")
    _child(root, id_tag, record_id)
    if id_tag == "id":
        _child(root, "typecont", typecont)
    _child(root, "description", text_of(message, language))
    return _xml(root)


def found(items: Iterable[Mapping[str, object]], total: int) -> Response:
    root = ET.Element("response")
    for item in items:
        element = ET.SubElement(root, "item")
        for tag in ("id", "typecont", "name", "company", "description"):
            _child(element, tag, item[tag])
    _child(root, "total", total)
    return _xml(root)
