"""Caller ids as the softphone sends them: kept when messy, '+' restored, trailing keys."""

from __future__ import annotations

import pytest

from leadline.core.errors import InvalidPhone
from leadline.core.phones import caller_id, restore_plus, trailing_key


def test_a_valid_number_is_e164_and_verified() -> None:
    assert caller_id("07911 123456", "GB") == ("+447911123456", True)


@pytest.mark.parametrize(
    "raw,digits", [("0123456789", "0123456789"), ("12-345", "12345"), ("9" * 15, "9" * 15)]
)
def test_a_rejected_number_of_5_to_15_digits_is_kept_unverified(raw: str, digits: str) -> None:
    assert caller_id(raw, "GB") == (digits, False)


@pytest.mark.parametrize("raw", ["1234", "9" * 16, "", "no digits"])
def test_too_few_or_too_many_digits_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        caller_id(raw, "GB")


@pytest.mark.parametrize(
    "raw,expected",
    [
        (" 79012222222", "+79012222222"),
        ("  7 901 222", "+7 901 222"),
        ("+79012222222", "+79012222222"),
        ("0123456789", "0123456789"),
        (" ", ""),
        (None, ""),
    ],
)
def test_a_plus_sent_unencoded_is_restored(raw: str | None, expected: str) -> None:
    assert restore_plus(raw) == expected


def test_trailing_key_is_ten_digits_or_nine_for_shorter_numbers() -> None:
    assert trailing_key("+44 7911 123456") == "7911123456"
    assert trailing_key("123456789") == "123456789"
    assert trailing_key("01234") == "01234"
