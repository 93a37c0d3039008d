"""The console's cost views: current costs of matched calls per lead, source, campaign,
agency and listing over days of the account's zone, and the costs matched to no call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from leadline.core.costs import reporting
from leadline.core.costs.reporting import CostDimension, CostReport
from leadline.db.engine import Database
from tests.core.costs.priced import ZONE, priced_world


async def _report(
    db: Database, account_id: int, by: CostDimension, first: date, last: date
) -> CostReport:
    start, end = reporting.billed_window(first, last, ZONE)
    async with db.read_session() as session:
        return await reporting.cost_report(
            session, account_id, by, billed_from=start, billed_before=end
        )


def _rows(report: CostReport) -> list[tuple[object, int, int, Decimal, Decimal | None]]:
    return [(g.label, g.calls, g.leads, g.cost, g.cost_per_lead) for g in report.groups]


DAY = date(2026, 1, 15)


async def test_per_source_with_exact_totals(db: Database) -> None:
    priced = await priced_world(db)
    report = await _report(db, priced.world.account.id, CostDimension.SOURCE, DAY, DAY)
    assert _rows(report) == [
        ("idealista", 1, 1, Decimal("1.0001"), Decimal("1.00")),
        ("immobiliare.it", 2, 1, Decimal("0.6234"), Decimal("0.62")),
        ("web", 1, 0, Decimal("0.3000"), None),
        ("edge", 1, 1, Decimal("0.0700"), Decimal("0.07")),
    ]
    assert (report.calls, report.leads, report.cost) == (5, 3, Decimal("1.9935"))
    assert report.cost_per_lead == Decimal("0.66")
    assert report.unattributed_calls == 1 and report.unattributed_cost == Decimal("2.5000")
    assert [cost.notes for cost in report.unattributed] == ["no such call"]


async def test_per_campaign_agency_and_listing(db: Database) -> None:
    priced = await priced_world(db)
    account_id = priced.world.account.id
    campaign = await _report(db, account_id, CostDimension.CAMPAIGN, DAY, DAY)
    assert _rows(campaign) == [
        ("Outbound", 4, 3, Decimal("1.6935"), Decimal("0.56")),
        ("(no campaign)", 1, 0, Decimal("0.3000"), None),
    ]
    agency = await _report(db, account_id, CostDimension.AGENCY, DAY, DAY)
    assert _rows(agency) == [
        ("Immobili", 1, 1, Decimal("1.0001"), Decimal("1.00")),
        ("Casa Srl", 2, 1, Decimal("0.6234"), Decimal("0.62")),
        ("(no agency)", 2, 1, Decimal("0.3700"), Decimal("0.37")),
    ]
    listing = await _report(db, account_id, CostDimension.LISTING, DAY, DAY)
    # A listing without a title is named by its external id.
    assert [(g.key, g.label) for g in listing.groups] == [
        (priced.listings[1], "L-2"),
        (priced.listings[0], "Via Roma 1"),
        (None, "(no listing)"),
    ]


async def test_per_lead_names_the_person(db: Database) -> None:
    priced = await priced_world(db)
    report = await _report(db, priced.world.account.id, CostDimension.LEAD, DAY, DAY)
    assert [(g.key, g.label, g.cost) for g in report.groups] == [
        (priced.lead_ids[1], "Bruno", Decimal("1.0001")),
        (priced.lead_ids[0], "Anna", Decimal("0.6234")),
        (None, "(no lead)", Decimal("0.3000")),
        (priced.lead_ids[2], "Carla", Decimal("0.0700")),
    ]


async def test_days_are_the_accounts_days(db: Database) -> None:
    priced = await priced_world(db)
    account_id = priced.world.account.id
    day_16 = await _report(
        db, account_id, CostDimension.SOURCE, date(2026, 1, 16), date(2026, 1, 16)
    )
    assert _rows(day_16) == [("edge", 1, 1, Decimal("0.0900"), Decimal("0.09"))]
    day_14 = await _report(
        db, account_id, CostDimension.SOURCE, date(2026, 1, 14), date(2026, 1, 14)
    )
    assert day_14.groups == [] and day_14.unattributed == []
    both = await _report(db, account_id, CostDimension.SOURCE, DAY, date(2026, 1, 16))
    assert both.cost == Decimal("2.0835")


async def test_another_accounts_costs_stay_out(db: Database) -> None:
    await priced_world(db, name="Rival")
    mine = await priced_world(db, name="Mine")
    report = await _report(db, mine.world.account.id, CostDimension.SOURCE, DAY, DAY)
    assert report.cost == Decimal("1.9935") and report.unattributed_cost == Decimal("2.5000")
