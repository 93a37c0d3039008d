"""Notification addresses: one plain address, or refused."""

from __future__ import annotations

import pytest

from leadline.core.errors import ValidationFailed
from leadline.core.mail.service import check_address


@pytest.mark.parametrize("address", ["desk@agenzia.it", " Desk.Roma+leads@mail.example.com "])
def test_a_plain_address_is_kept_trimmed(address: str) -> None:
    assert check_address(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "desk",
        "desk@agenzia",
        "a@b.it, c@d.it",
        "Desk <desk@agenzia.it>",
        "desk@agenzia.it\r\nBcc: everyone@example.com",
        "x" * 250 + "@b.it",
    ],
)
def test_anything_else_is_refused(address: str) -> None:
    with pytest.raises(ValidationFailed):
        check_address(address)
