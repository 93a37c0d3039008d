from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers.timezone import time_zones_for_number

from leadline.core import phones
from leadline.core.errors import InvalidPhone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("07840258823", "GB", "+447840258823"),
        ("+393451234567", "IT", "+393451234567"),
        ("3441234567", "IT", "+393441234567"),
        ("0039 345 123 4567", "GB", "+393451234567"),
        ("+44 (0)20 7946 0123", "GB", "+442079460123"),
        ("(212) 555-0199", "US", "+12125550199"),
        (441234567890, "GB", "+441234567890"),
    ],
)
def test_parse_gives_e164(raw: object, region: str, expected: str) -> None:
    assert phones.parse(raw, region) == expected


@pytest.mark.parametrize("raw", ["", "abc", "123", "+99912345678901234", None, True, 1.5, "0" * 80])
def test_parse_refuses_junk(raw: object) -> None:
    with pytest.raises(InvalidPhone):
        phones.parse(raw, "GB")


def test_tail_is_the_last_nine_digits() -> None:
    assert phones.tail("+393451234567") == "451234567"
    assert phones.tail("0123456789") == "123456789"
    assert phones.tail("12345") == "12345"


def test_timezones_of_a_number() -> None:
    assert "Europe/London" in phones.timezones_of("+447840258823")
    assert "Europe/Rome" in phones.timezones_of("+393451234567")
    assert len(phones.timezones_of("+12125550199")) >= 1


@pytest.mark.parametrize(
    "number",
    ["+447911123456", "+442079460000", "+14155552671", "+393451234567", "+61291234567"],
)
def test_parse_with_zones_agrees_with_libphonenumber(number: str) -> None:
    parsed = phonenumbers.parse(number, "GB")
    assert phonenumbers.is_valid_number(parsed)
    zones = tuple(z for z in time_zones_for_number(parsed) if z != "Etc/Unknown")
    expected = (phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), zones)
    assert phones.parse_with_zones(number, "GB") == expected
    assert phones.parse(number, "GB") == expected[0]
    # What parsing remembered is what a fresh look-up of the E.164 number gives.
    assert phones.timezones_of(expected[0]) == zones


def test_a_long_text_is_refused_and_not_remembered() -> None:
    remembered = phones._parse_with_zones_cached.cache_info().currsize
    with pytest.raises(InvalidPhone):
        phones.parse("0" * 10_000, "GB")
    assert phones._parse_with_zones_cached.cache_info().currsize == remembered
