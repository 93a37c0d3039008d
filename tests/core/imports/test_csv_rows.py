"""Reading lead CSV files: the header, the column mapping and each row as a lead."""

from __future__ import annotations

import pytest

from leadline.core.errors import ValidationFailed
from leadline.core.imports import csv_rows


def test_known_names_map_to_fields_and_others_to_lead_data() -> None:
    mapping = csv_rows.column_mapping(["Mobile", "customer_id", "Budget"], {})
    assert mapping == {
        "Mobile": "phone1",
        "customer_id": "customerKey",
        "Budget": "leadData.Budget",
    }


def test_an_override_wins_over_the_known_name() -> None:
    assert csv_rows.column_mapping(["phone"], {"phone": "phone2"}) == {"phone": "phone2"}


def test_a_row_becomes_the_bulk_imports_lead_object() -> None:
    mapping = {"phone": "phone1", "status": "statusCode", "note": "leadData.note", "skip": "-"}
    row = {"phone": " +447911123456 ", "status": "3", "note": "hi", "skip": "x"}
    lead = csv_rows.row_to_lead(row, mapping, 7)
    assert lead == {
        "phone1": "+447911123456",
        "statusCode": 3,
        "listId": 7,
        "leadData": {"note": "hi"},
    }


def test_read_table_strips_the_bom_and_skips_blank_lines() -> None:
    table = csv_rows.read_table("\ufeffphone, name\n+447911123456,Ann\n\n,\n+447911123457\n")
    assert table.header == ["phone", "name"]
    assert table.rows == [
        {"phone": "+447911123456", "name": "Ann"},
        {"phone": "+447911123457", "name": None},
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no header row"),
        ("a,a\n1,2\n", "same name"),
        ("phone\x00\n", "not a CSV file"),
    ],
)
def test_read_table_refuses_what_is_not_a_table(text: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        csv_rows.read_table(text, field="upload")
    assert problem in refused.value.message and "upload" in refused.value.errors


def test_leads_need_a_phone_column_and_a_row() -> None:
    table = csv_rows.read_table("name\nAnn\n")
    with pytest.raises(ValidationFailed, match="phone"):
        csv_rows.leads_of(table, {"name": "leadData.name"}, 1)
    with pytest.raises(ValidationFailed, match="no rows"):
        csv_rows.leads_of(csv_rows.read_table("phone\n"), {"phone": "phone1"}, 1)


@pytest.mark.parametrize(
    ("field", "valid"),
    [
        ("phone1", True),
        ("leadData.x", True),
        ("-", True),
        ("leadData.", False),
        ("listId", False),
        ("leadData", False),
        ("nope", False),
    ],
)
def test_valid_field(field: str, valid: bool) -> None:
    assert csv_rows.valid_field(field) is valid


def test_parse_overrides_refuses_an_unknown_field() -> None:
    assert csv_rows.parse_overrides(["Cell=phone1"]) == {"Cell": "phone1"}
    with pytest.raises(ValidationFailed, match="unknown field"):
        csv_rows.parse_overrides(["Cell=mobile"])
