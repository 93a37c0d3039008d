"""Phone numbers: E.164 in, E.164 out, parsed by libphonenumber.

One module for every interface, so "the same number" means the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from leadline.core.errors import InvalidPhone, ValidationFailed

TAIL_LENGTH = 9
_NON_DIGITS = re.compile(r"\D+")


def digits_of(raw: str) -> str:
    return _NON_DIGITS.sub("", raw)


def _read(raw: object, region: str | None) -> phonenumbers.PhoneNumber:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise InvalidPhone(raw, "not a phone number")
    text = str(raw).strip()
    if not text:
        raise InvalidPhone(raw, "empty")
    if len(text) > 64:
        raise InvalidPhone(raw[:64] if isinstance(raw, str) else raw, "too long")
    # "00" international prefix, common in Europe, written as "+".
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        return phonenumbers.parse(text, (region or "").upper() or None)
    except NumberParseException as exc:
        raise InvalidPhone(raw, str(exc.args[0]) if exc.args else "unreadable") from None


def parse(raw: object, region: str | None) -> str:
    """``raw`` as E.164, read as a national number of ``region`` when it has no prefix.

    Raises :class:`InvalidPhone` for anything libphonenumber does not hold valid. The
    number's zones are found on the way and remembered for :func:`timezones_of`, which
    scheduling asks next (the number's type, the costly part, is found once).
    """
    return parse_with_zones(raw, region)[0]


def parse_with_zones(raw: object, region: str | None) -> tuple[str, tuple[str, ...]]:
    """:func:`parse` and :func:`timezones_of` of the result (the bulk import's hot path).

    The number is read once and its type found once: a number is valid exactly when
    libphonenumber gives it a type (``is_valid_number`` is that same type test), and the
    type is what the zones depend on. Answers are remembered per (text, region), as a
    list of leads often repeats a number.
    """
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise InvalidPhone(raw, "not a phone number")
    if isinstance(raw, str) and len(raw) > _LONGEST_KEPT:
        _read(raw, region)  # refuses it, without keeping a long text in the cache
    answer = _parse_with_zones_cached(raw, region)
    if isinstance(answer, str):
        raise InvalidPhone(raw, answer)
    return answer


#: Longer texts are never remembered: ``_read`` refuses anything over 64 characters once
#: stripped, and a cache must not keep what a client chose to send.
_LONGEST_KEPT = 128
#: The zones of numbers parsed lately, by E.164, for :func:`timezones_of`.
_RECENT_ZONES: dict[str, tuple[str, ...]] = {}
_RECENT_ZONES_SIZE = 65_536


@lru_cache(maxsize=65_536)
def _parse_with_zones_cached(
    raw: str | int, region: str | None
) -> tuple[str, tuple[str, ...]] | str:
    """:func:`parse_with_zones`, or the reason the number was refused."""
    try:
        number = _read(raw, region)
    except InvalidPhone as exc:
        return exc.reason
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return InvalidPhone(raw).reason
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    zones = _zones_of(number, kind)
    if len(_RECENT_ZONES) >= _RECENT_ZONES_SIZE:
        _RECENT_ZONES.clear()
    _RECENT_ZONES[e164] = zones
    return e164, zones


def try_parse(raw: object, region: str | None) -> str | None:
    try:
        return parse(raw, region)
    except InvalidPhone:
        return None


def tail(number: str) -> str:
    """The last nine digits: the indexed key of tolerant matching."""
    return digits_of(number)[-TAIL_LENGTH:]


def region_of(number: str) -> str | None:
    """The ISO region of an E.164 number, when libphonenumber knows one."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except NumberParseException:
        return None


@lru_cache(maxsize=512)
def _country_zones(country_code: int) -> tuple[str, ...]:
    from phonenumbers import timezone as phone_timezone

    return tuple(
        phone_timezone._country_level_time_zones_for_number(
            phonenumbers.PhoneNumber(country_code=country_code)
        )
    )


def _zones_of(number: phonenumbers.PhoneNumber, kind: int | None = None) -> tuple[str, ...]:
    """``phonenumbers.timezone.time_zones_for_number``, with its country-level answer (a
    slow lookup that depends on the country code alone) remembered per country. ``kind``:
    the number's type when the caller already has it."""
    from phonenumbers import timezone as phone_timezone

    if kind is None:
        kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        zones: tuple[str, ...] = ()
    elif not phonenumbers.is_number_type_geographical(kind, number.country_code or 0):
        zones = _country_zones(number.country_code or 0)
    else:
        zones = tuple(phone_timezone.time_zones_for_geographical_number(number))
    return tuple(zone for zone in zones if zone != "Etc/Unknown")


def timezones_of(number: str) -> tuple[str, ...]:
    """The IANA zones libphonenumber gives for an E.164 number (empty when unknown)."""
    known = _RECENT_ZONES.get(number)
    if known is not None:
        return known
    try:
        return _zones_of(phonenumbers.parse(number, None))
    except NumberParseException:
        return ()


def national_format(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return number
    return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)


def international_format(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return number
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


MIN_CALLER_ID_DIGITS = 5
MAX_CALLER_ID_DIGITS = 15


def caller_id(raw: str, region: str | None) -> tuple[str, bool]:
    """A caller id as it can be stored: ``(E.164, True)`` when libphonenumber accepts it for
    ``region``, else ``(its digits, False)`` when it has 5 to 15 digits (caller ids are
    messy, and a CRM must still keep them). Raises :class:`InvalidPhone` otherwise."""
    number = try_parse(raw, region)
    if number is not None:
        return number, True
    digits = digits_of(raw)
    if not MIN_CALLER_ID_DIGITS <= len(digits) <= MAX_CALLER_ID_DIGITS:
        raise InvalidPhone(raw, "not 5 to 15 digits")
    return digits, False


def trailing_key(raw: str) -> str:
    """The trailing digits tolerant matching compares: the last ten, or the last nine of a
    number shorter than ten digits (all of them when it has fewer)."""
    digits = digits_of(raw)
    return digits[-10:] if len(digits) >= 10 else digits[-TAIL_LENGTH:]


def restore_plus(raw: str | None) -> str:
    """A phone from a URL: an unencoded ``+`` in a query string arrives as a space, so a
    leading space before a digit is read back as ``+``."""
    value = raw or ""
    stripped = value.lstrip(" ")
    if stripped != value and stripped[:1].isdigit():
        return "+" + stripped.strip()
    return value.strip()


PHONE_FIELDS = ("phone1", "phone2", "phone3")


def parse_phone_fields(sent: Mapping[str, object], region: str | None) -> dict[int, str | None]:
    """A lead's phones as a form or a request sent them (``phone1``..``phone3``): each one
    given, as E.164, or None to remove it; :class:`ValidationFailed` names every bad one."""
    result: dict[int, str | None] = {}
    errors: dict[str, list[str]] = {}
    for index, name in enumerate(PHONE_FIELDS, start=1):
        if name not in sent:
            continue
        raw = sent[name]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            result[index] = None
            continue
        try:
            result[index] = parse(raw, region)
        except InvalidPhone as exc:
            errors[name] = [exc.reason]
    if errors:
        raise ValidationFailed(errors)
    return result
