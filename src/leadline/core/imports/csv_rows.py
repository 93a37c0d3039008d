"""Leads from a CSV file: which column is which lead field, and each row as the bulk
import's lead object. The CLI's ``leadline import`` and the console's upload share it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from leadline.core.errors import ValidationFailed
from leadline.core.leads.fields import FIELDS

#: Header names understood without a mapping, compared without case, spaces, "_" or "-".
ALIASES = {
    **{field.lower(): field for field in FIELDS},
    "phone": "phone1",
    "mobile": "phone1",
    "telephone": "phone1",
    "tel": "phone1",
    "phonenumber": "phone1",
    "number": "phone1",
    "key": "customerKey",
    "customerid": "customerKey",
    "externalid": "customerKey",
    "tz": "timezone",
    "nextattempt": "nextAttemptTimestamp",
    "nextattemptat": "nextAttemptTimestamp",
    "status": "statusCode",
    "agent": "agentId",
    "list": "listId",
}
INTEGER_FIELDS = {"listId", "statusCode", "agentId"}
#: The lead fields a column may fill (the list is chosen for the whole file; lead data is
#: filled one name at a time, ``leadData.<name>``).
COLUMN_FIELDS = tuple(sorted(FIELDS - {"listId", "leadData"}))
#: The field that skips a column.
IGNORE = "-"
#: The field every import needs a column for.
PHONE_FIELD = "phone1"
DATA_PREFIX = "leadData."


def _folded(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def valid_field(field: str) -> bool:
    """A field a column may be mapped to: a lead field, ``leadData.<name>`` or skip."""
    if field.startswith(DATA_PREFIX):
        return len(field) > len(DATA_PREFIX)
    return field == IGNORE or field in COLUMN_FIELDS


def column_mapping(header: list[str], overrides: Mapping[str, str]) -> dict[str, str]:
    """Column → field: the overrides first, then known names; any other column goes into
    ``leadData`` under its own name (field ``leadData.<column>``)."""
    mapping: dict[str, str] = {}
    for column in header:
        if column in overrides:
            mapping[column] = overrides[column]
        elif _folded(column) in ALIASES:
            mapping[column] = ALIASES[_folded(column)]
        else:
            mapping[column] = f"{DATA_PREFIX}{column}"
    return mapping


def row_to_lead(
    row: Mapping[str, str | None], mapping: Mapping[str, str], list_id: int
) -> dict[str, object]:
    lead: dict[str, object] = {}
    data: dict[str, object] = {}
    for column, field in mapping.items():
        value = (row.get(column) or "").strip()
        if field == IGNORE or not value:
            continue
        if field.startswith(DATA_PREFIX):
            data[field.removeprefix(DATA_PREFIX)] = value
        elif field in INTEGER_FIELDS and value.lstrip("-").isdigit():
            lead[field] = int(value)
        else:
            lead[field] = value
    lead["listId"] = list_id
    if data:
        lead["leadData"] = data
    return lead


def parse_overrides(items: list[str], option: str = "--map") -> dict[str, str]:
    """``column=field`` items as a mapping; an unknown field is refused."""
    result = {}
    for item in items:
        column, sep, field = item.partition("=")
        if not sep or not column:
            raise ValidationFailed.single(option, f"{item!r} is not column=field")
        if not valid_field(field):
            raise ValidationFailed.single(option, f"unknown field {field!r}")
        result[column] = field
    return result


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read whole: its header and its rows (column → text)."""

    header: list[str]
    rows: list[dict[str, str | None]]


def read_table(text: str, field: str = "file") -> CsvTable:
    """The header and rows of CSV text; refused (on ``field``) when it is not one."""
    if "\x00" in text:
        raise ValidationFailed.single(field, "This is not a CSV file (it holds binary data).")
    try:
        records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as exc:
        raise ValidationFailed.single(field, f"This is not a readable CSV file ({exc}).") from None
    header = [name.strip() for name in records[0]] if records else []
    if not any(header):
        raise ValidationFailed.single(field, "The file has no header row.")
    if len(set(header)) != len(header):
        raise ValidationFailed.single(field, "Two columns of the header have the same name.")
    rows: list[dict[str, str | None]] = [
        {
            name: (values[index] if index < len(values) else None)
            for index, name in enumerate(header)
        }
        for values in records[1:]
        if any(value.strip() for value in values)
    ]
    return CsvTable(header, rows)


def leads_of(
    table: CsvTable, mapping: Mapping[str, str], list_id: int, field: str = "file"
) -> list[dict[str, object]]:
    """Every row as a lead object; refused when no column gives the phone or no row is
    there to import."""
    if PHONE_FIELD not in mapping.values():
        raise ValidationFailed.single(
            field, "No column holds the phone number: name one phone (or map it to phone1)."
        )
    leads = [row_to_lead(row, mapping, list_id) for row in table.rows]
    if not leads:
        raise ValidationFailed.single(field, "The file has a header but no rows.")
    return leads
