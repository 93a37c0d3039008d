"""Each rule emits its event at its one place, with a small, stable payload."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.costs import service as costs
from leadline.core.imports import service as imports
from leadline.core.leads.service import complete, get_lead
from leadline.core.security import Keyring
from leadline.core.submissions import service as submissions
from leadline.core.vocabulary import Scope
from leadline.core.webhooks import service
from leadline.db.engine import Database
from leadline.db.models import Lead, WebhookDelivery, WebhookEvent
from tests.core.imports.conftest import accept
from tests.core.webhooks.conftest import add_lead
from tests.factories import make_token, make_world

DID = "+12015550100"
CALLER = "+12025550101"


async def _events(db: Database) -> list[WebhookEvent]:
    async with db.read_session() as session:
        return list(await session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


async def test_calls_costs_completion_and_unprocessed_submissions_emit(
    db: Database, keyring: Keyring
) -> None:
    world = await make_world(db, region="US", timezone="UTC")
    credential = (await make_token(db, keyring, world.account.id, Scope.CALL_COSTS)).credential
    async with db.transaction() as session:
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=service.EVENT_TYPES
        )
    lead = await add_lead(db, world, CALLER)
    now = clock.now()
    async with db.transaction() as session:
        call = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            started_at=now,
            from_number=CALLER,
            to_number=DID,
            lead_id=lead.id,
            campaign_id=lead.campaign_id,
        )
        await costs.record(
            session,
            costs.CostPost(
                account_id=world.account.id,
                credential_id=credential.id,
                call_from=CALLER,
                call_to=DID,
                cost=Decimal("0.45"),
                date_billed=now,
                call_date=now,
                notes="",
                ip_address="192.0.2.1",
                fingerprint=costs.fingerprint(DID, CALLER, "0.45", None),
            ),
        )
        await complete(session, await get_lead(session, world.account.id, lead.id), 2)
        await submissions.record(
            session,
            submissions.Received(account_id=world.account.id, payload="{}"),
            kind=submissions.KIND_ADD,
            status="duplicate",
        )
        await submissions.record(
            session,
            submissions.Received(account_id=world.account.id, payload="{}"),
            kind=submissions.KIND_ADD,
            status=submissions.AddOutcome.PROCESSED.value,
        )

    events = await _events(db)
    assert [event.type for event in events] == [
        "lead.created",
        "call.inbound",
        "call.cost",
        "lead.completed",
        "submission.unprocessed",
    ]
    by_type = {event.type: event for event in events}
    assert by_type["call.inbound"].payload["activityId"] == call.id
    assert by_type["call.cost"].payload["leadId"] == lead.id
    assert by_type["call.cost"].payload["cost"] == "0.4500"
    assert by_type["lead.completed"].payload["completedAt"].endswith("Z")
    assert by_type["submission.unprocessed"].payload["status"] == "duplicate"
    assert {event.ordering_key for event in events[:4]} == {f"lead:{lead.id}"}
    async with db.read_session() as session:
        count = len(list(await session.scalars(select(WebhookDelivery))))
    assert count == len(events)


async def test_only_subscribed_types_are_written(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=["lead.completed"]
        )
    lead = await add_lead(db, world)
    assert await _events(db) == []
    async with db.transaction() as session:
        await complete(session, await get_lead(session, world.account.id, lead.id), 2)
    assert [event.type for event in await _events(db)] == ["lead.completed"]


async def test_bulk_imports_emit_lead_created_for_each_new_lead(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=["lead.created"]
        )
    rows: list[dict[str, object]] = [
        {"listId": world.lead_list.id, "phone1": "+447911123101"},
        {"listId": world.lead_list.id},
        {"listId": world.lead_list.id, "phone1": "+447911123102"},
    ]
    await accept(db, world.account.id, rows)
    await imports.process_pending(db, "w")

    async with db.read_session() as session:
        made = list(await session.scalars(select(Lead.id).order_by(Lead.id)))
    events = await _events(db)
    assert len(made) == 2
    assert [event.payload["leadId"] for event in events] == made
    assert {event.type for event in events} == {"lead.created"}
    assert [event.ordering_key for event in events] == [f"lead:{ident}" for ident in made]


async def test_a_subscription_made_after_silence_was_noted_still_gets_the_event(
    db: Database,
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        service.nobody_listens(session, world.account.id)
        assert await service.emit(session, world.account.id, service.LEAD_CREATED, {}) is None
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=["lead.created"]
        )
        assert await service.emit(session, world.account.id, service.LEAD_CREATED, {})
    assert [event.type for event in await _events(db)] == ["lead.created"]


async def test_silence_noted_in_one_transaction_is_forgotten_in_the_next(db: Database) -> None:
    world = await make_world(db)
    async with db.session() as session:
        async with session.begin():
            service.nobody_listens(session, world.account.id)
        async with session.begin():
            await service.subscribe(
                session, world.account.id, url="https://x.test/in", event_types=["lead.created"]
            )
        async with session.begin():
            assert await service.emit(session, world.account.id, service.LEAD_CREATED, {})
