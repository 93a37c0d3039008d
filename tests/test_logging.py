from __future__ import annotations

from leadline.logging import MASK, mask_secrets, mask_text


def test_secrets_in_query_strings_are_masked() -> None:
    masked = mask_text("key=abc.def&phone=123&api_key=zzz&apikey=q&password=p")
    assert "abc.def" not in masked and "zzz" not in masked and "=p" not in masked
    assert "phone=123" in masked


def test_secret_fields_and_headers_are_masked() -> None:
    event = mask_secrets(
        None,
        "info",
        {
            "event": "x",
            "authorization": "Bearer t0k",
            "tld-api-key": "k",
            "body": '{"password": "hunter2", "name": "ok"}',
        },
    )
    assert event["authorization"] == MASK
    assert event["tld-api-key"] == MASK
    assert "hunter2" not in event["body"] and '"name": "ok"' in event["body"]
