"""Records the console2 page tests share, made through the core services."""

from __future__ import annotations

import json

from sqlalchemy import select

from leadline.core.submissions import service as submissions
from leadline.db.engine import Database
from leadline.db.models import InboxEvent
from tests.factories import World

MOBILE = "+447911123456"


async def refused_submission(
    db: Database, world: World, *, type_code: str = "mortgage", mobile: str = MOBILE
) -> int:
    """A dialler submission saved as Unknown Type (the account has no such lead type)."""
    body = {
        "email": "jane@example.com",
        "first_name": "Jane",
        "surname": "Inbox",
        "mobile": mobile,
        "type": type_code,
        "data": {"budget": "200000"},
    }
    submission = submissions.LeadSubmission(
        type_code=type_code,
        mobile=mobile,
        email="jane@example.com",
        first_name="Jane",
        surname="Inbox",
        data={"budget": "200000"},
    )
    async with db.transaction() as session:
        result = await submissions.add_lead(
            session,
            submission,
            submissions.Received(account_id=world.account.id, payload=json.dumps(body)),
        )
        assert result.outcome is submissions.AddOutcome.UNKNOWN_TYPE
        event_id = await session.scalar(
            select(InboxEvent.id)
            .where(InboxEvent.account_id == world.account.id)
            .order_by(InboxEvent.id.desc())
        )
    assert event_id is not None
    return int(event_id)
