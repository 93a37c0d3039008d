"""The dialler engine: one ``tick`` recovers calls of dead workers, keeps this worker's
calls alive, handles the telephony backend's events, lets simulated agents wrap up, fills
every running campaign's lines and dials what was recorded.

Every step takes ``now``, so tests drive ticks with their own clock and a seeded
simulated backend, and never sleep. On SQLite one engine runs per database (the
``dialler-engine`` lease row); on PostgreSQL any number of workers share the campaigns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.config import Settings
from leadline.core import clock
from leadline.core.compliance import dnc
from leadline.core.dialling import agents, calls, pacing
from leadline.core.media.storage import LocalMediaStorage, MediaStorage, store_media
from leadline.core.vocabulary import DialStatus
from leadline.db.engine import Database
from leadline.db.locks import lock_key
from leadline.db.models import Campaign, DialAttempt, Lease, WrapCode
from leadline.dialler.hopper import fill_campaign
from leadline.dialler.telephony import UnsupportedMode, check_mode, make_backend
from leadline.dialler.telephony.base import (
    CallEvent,
    CallEventKind,
    OriginateRequest,
    TelephonyBackend,
)
from leadline.logging import get_logger

log = get_logger("leadline.dialler")

ENGINE_LEASE = "dialler-engine"
#: The wrap codes simulated agents pick from unless the campaign names its own.
SIMULATED_WRAP_CODES = ("SALE", "NOT-INTERESTED", "CALL-BACK")


@dataclass
class TickReport:
    held: bool = True
    recovered: int = 0
    started: int = 0
    dialled: int = 0
    cancelled: int = 0
    withdrawn: int = 0
    answered: int = 0
    abandoned: int = 0
    ended: int = 0
    wrapped: int = 0
    started_ids: list[int] = field(default_factory=list)


def simulated_agents(campaign: Campaign) -> dict[str, object] | None:
    """The campaign's simulated-agent settings (``{"wrap_after_seconds": 5}``), if any."""
    raw = (campaign.dialler_options or {}).get("simulated_agents")
    return raw if isinstance(raw, dict) else None


class DiallerEngine:
    def __init__(
        self,
        db: Database,
        *,
        identity: str,
        backend: TelephonyBackend,
        storage: MediaStorage,
        lease_seconds: int = 60,
        max_calls_per_campaign: int | None = None,
    ) -> None:
        self.db = db
        self.identity = identity
        self.backend = backend
        self.storage = storage
        self.lease_seconds = lease_seconds
        self.max_calls_per_campaign = max_calls_per_campaign
        #: Campaigns the backend cannot dial, already reported in the log.
        self._refused: set[int] = set()

    @classmethod
    def from_settings(cls, settings: Settings, db: Database, identity: str) -> DiallerEngine:
        return cls(
            db,
            identity=identity,
            backend=make_backend(settings.telephony_backend, settings=settings),
            storage=LocalMediaStorage(settings.resolved_media_dir),
        )

    # -- the one engine per SQLite database

    async def hold_lease(self, now: datetime) -> bool:
        """On SQLite, hold (or renew) the database's engine lease; True when it is ours.
        PostgreSQL needs none: its workers share the campaigns."""
        if not self.db.is_sqlite:
            return True
        until = now + timedelta(seconds=self.lease_seconds)
        async with self.db.transaction() as session:
            lease = await session.get(Lease, ENGINE_LEASE)
            if lease is None:
                session.add(
                    Lease(
                        name=ENGINE_LEASE, holder=self.identity, expires_at=until, acquired_at=now
                    )
                )
                return True
            if lease.holder != self.identity and lease.expires_at >= now:
                return False
            if lease.holder != self.identity:
                lease.acquired_at = now
                log.info("dialler engine lease taken over", previous=lease.holder)
            lease.holder = self.identity
            lease.expires_at = until
            return True

    async def shutdown(self) -> None:
        """The process stops: hang up the backend's calls (a real backend's phones would
        ring on otherwise) and hand the lease back."""
        close = getattr(self.backend, "close", None)
        if callable(close):
            close()
        await self.release_lease()

    async def release_lease(self) -> None:
        if not self.db.is_sqlite:
            return
        async with self.db.transaction() as session:
            lease = await session.get(Lease, ENGINE_LEASE)
            if lease is not None and lease.holder == self.identity:
                await session.delete(lease)

    # -- the tick

    async def tick(self, now: datetime | None = None) -> TickReport:
        now = now or clock.now()
        report = TickReport()
        if not await self.hold_lease(now):
            report.held = False
            return report
        report.recovered = await self.recover(now)
        await self.renew(now)
        await self.process_events(now, report)
        report.withdrawn = await self.withdraw(now)
        report.wrapped = await self.auto_wrap(now)
        started = await self.plan(now)
        report.started = len(started)
        report.started_ids = started
        await self.dial_pending(now, report)
        return report

    async def recover(self, now: datetime) -> int:
        async with self.db.transaction() as session:
            return await calls.recover_expired(session, now)

    async def renew(self, now: datetime) -> None:
        async with self.db.transaction() as session:
            await calls.renew_leases(
                session, self.identity, now + timedelta(seconds=self.lease_seconds)
            )

    async def plan(self, now: datetime) -> list[int]:
        """Record the calls every running campaign should start now; their ids."""
        async with self.db.read_session() as session:
            campaign_ids = list(
                await session.scalars(
                    select(Campaign.id)
                    .where(
                        Campaign.is_active.is_(True),
                        Campaign.campaign_type == "outbound",
                        Campaign.dialling_mode.in_(("progressive", "predictive")),
                    )
                    .order_by(Campaign.id)
                )
            )
        started: list[int] = []
        for campaign_id in campaign_ids:
            async with self.db.transaction() as session:
                campaign = await session.get(Campaign, campaign_id)
                if campaign is None or not campaign.is_active:
                    continue
                if not self._can_dial(campaign):
                    continue
                fill = await fill_campaign(
                    session,
                    campaign,
                    now=now,
                    worker_id=self.identity,
                    lease_seconds=self.lease_seconds,
                    max_calls=self.max_calls_per_campaign,
                )
                started.extend(attempt.id for attempt in fill.started)
        return started

    async def dial_pending(self, now: datetime, report: TickReport) -> None:
        """Dial the recorded attempts, checking the do-not-call list once more first."""
        to_dial: list[tuple[int, OriginateRequest]] = []
        async with self.db.transaction() as session:
            pending = await calls.pending_attempts(session, self.identity)
            for attempt in pending:
                on_list = await dnc.is_listed(session, attempt.account_id, attempt.phone_number)
                if on_list:
                    await calls.cancel_undialled(session, attempt, at=now, reason="do-not-call")
                    report.cancelled += 1
                    continue
                campaign = (
                    await session.get(Campaign, attempt.campaign_id)
                    if attempt.campaign_id
                    else None
                )
                attempt.lease_expires_at = now + timedelta(seconds=self.lease_seconds)
                to_dial.append(
                    (
                        attempt.id,
                        OriginateRequest(
                            attempt_id=attempt.id,
                            number=attempt.phone_number,
                            caller_id=campaign.caller_id if campaign else None,
                            options=dict(campaign.dialler_options or {}) if campaign else {},
                            agent_id=attempt.agent_id,
                        ),
                    )
                )
        if not to_dial:
            return
        call_ids = {}
        for attempt_id, request in to_dial:
            call_ids[attempt_id] = await self.backend.originate(request, now)
        async with self.db.transaction() as session:
            for attempt_id, call_id in call_ids.items():
                dialled = await session.get(DialAttempt, attempt_id)
                if dialled is not None:
                    dialled.backend_call_id = call_id
        report.dialled += len(call_ids)

    # -- what the network tells us

    async def process_events(self, now: datetime, report: TickReport) -> None:
        events = await self.backend.poll(now)
        if not events:
            return
        async with self.db.transaction() as session:
            for event in events:
                attempt = await session.get(DialAttempt, event.attempt_id)
                if (
                    attempt is None
                    or attempt.state not in calls.LIVE_STATES
                    or attempt.worker_id != self.identity
                ):
                    # Recovered by another worker meanwhile: that call is over for us.
                    await self.backend.hangup(event.call_id, now)
                    self.backend.forget(event.call_id)
                    continue
                if event.kind == CallEventKind.ANSWERED:
                    await self._answered(session, attempt, event, now, report)
                else:
                    await self._ended(session, attempt, event, report)

    async def _answered(
        self,
        session: AsyncSession,
        attempt: DialAttempt,
        event: CallEvent,
        now: datetime,
        report: TickReport,
    ) -> None:
        campaign = await session.get(Campaign, attempt.campaign_id) if attempt.campaign_id else None
        agent_id: int | None = None
        if campaign is not None:
            await lock_key(session, "dialler-campaign", campaign.id)
            floor = await pacing.agent_floor(session, campaign, now)
            if attempt.agent_id is not None and attempt.agent_id in floor.available:
                agent_id = attempt.agent_id  # chosen when the call started
            elif floor.idle:
                agent_id = floor.idle[0]
        if agent_id is not None:
            await self.backend.answer(event.call_id, agent_id, event.at)
            await calls.mark_answered(session, attempt, at=event.at, agent_id=agent_id)
            report.answered += 1
            return
        # Nobody free to take it: an abandoned call, with the campaign's message.
        message = campaign.abandon_message if campaign else None
        await self.backend.hangup(event.call_id, now, message=message)
        attempt.agent_id = None
        await calls.finish_attempt(
            session,
            attempt,
            DialStatus.ABANDONED,
            at=event.at,
            answered_at=event.at,
            extra={"abandonMessage": message},
        )
        self.backend.forget(event.call_id)
        report.abandoned += 1

    async def _ended(
        self, session: AsyncSession, attempt: DialAttempt, event: CallEvent, report: TickReport
    ) -> None:
        status = int(event.dial_status or DialStatus.FAILED)
        if status == DialStatus.CANCELLED:
            # The customer was not reached (no agent on the line, the call was called
            # off): the attempt does not count and the lead is free again.
            await calls.cancel_undialled(
                session, attempt, at=event.at, reason=event.reason or "cancelled"
            )
            self.backend.forget(event.call_id)
            report.ended += 1
            return
        extra: dict[str, object] = {}
        if event.reason:
            extra["reason"] = event.reason
        if status == DialStatus.ANSWERED:
            audio = await self.backend.recording(event.call_id)
            if audio is not None:
                talk = int((event.at - (attempt.answered_at or event.at)).total_seconds())
                media = await store_media(
                    session,
                    self.storage,
                    account_id=attempt.account_id,
                    activity_id=attempt.activity_id,
                    data=audio,
                    duration_seconds=talk,
                )
                extra |= {
                    "recordingStatus": "recorded",
                    "recordingMetadata": {"mediaId": media.id, "duration": talk, "deleted": False},
                }
        await calls.finish_attempt(session, attempt, status, at=event.at, extra=extra)
        self.backend.forget(event.call_id)
        report.ended += 1

    # -- agent-first backends

    @property
    def agent_first(self) -> bool:
        return bool(getattr(self.backend, "agent_first", False))

    def _can_dial(self, campaign: Campaign) -> bool:
        """False for a campaign the backend cannot dial (predictive on an agent-first
        backend): it is skipped, with an error in the log each time, never a crash."""
        try:
            check_mode(self.backend.name if self.agent_first else "", campaign.dialling_mode)
        except UnsupportedMode as refused:
            if campaign.id not in self._refused:
                self._refused.add(campaign.id)
                log.error("campaign not dialled", campaign_id=campaign.id, reason=str(refused))
            return False
        return True

    async def withdraw(self, now: datetime) -> int:
        """With an agent-first backend, call off the calls not answered yet whose
        campaign was paused or whose agent is no longer available: the backend cancels
        them, and the attempt does not count."""
        if not self.agent_first:
            return 0
        withdrawn = 0
        async with self.db.transaction() as session:
            floors: dict[int, set[int]] = {}
            for attempt in await calls.live_attempts(session, self.identity):
                if attempt.state != "dialling" or attempt.backend_call_id is None:
                    continue
                campaign = (
                    await session.get(Campaign, attempt.campaign_id)
                    if attempt.campaign_id
                    else None
                )
                if campaign is None:
                    continue
                reason = None
                if not campaign.is_active:
                    reason = "campaign-paused"
                else:
                    if campaign.id not in floors:
                        floor = await pacing.agent_floor(session, campaign, now)
                        floors[campaign.id] = set(floor.available)
                    if attempt.agent_id is not None and attempt.agent_id not in floors[campaign.id]:
                        reason = "agent-unavailable"
                if reason is None:
                    continue
                await self.backend.hangup(attempt.backend_call_id, now)
                await calls.cancel_undialled(session, attempt, at=now, reason=reason)
                self.backend.forget(attempt.backend_call_id)
                withdrawn += 1
        return withdrawn

    # -- simulated agents

    async def auto_wrap(self, now: datetime) -> int:
        """Agents of campaigns with ``simulated_agents`` wrap up their calls by themselves."""
        wrapped = 0
        async with self.db.transaction() as session:
            campaigns = [
                campaign
                for campaign in await session.scalars(
                    select(Campaign).where(Campaign.is_active.is_(True))
                )
                if simulated_agents(campaign) is not None
            ]
            for campaign in campaigns:
                settings = simulated_agents(campaign) or {}
                after = settings.get("wrap_after_seconds", 5)
                wait = float(after) if isinstance(after, int | float) else 5.0
                codes_setting = settings.get("wrap_codes")
                codes = (
                    [str(code) for code in codes_setting]
                    if isinstance(codes_setting, list) and codes_setting
                    else list(SIMULATED_WRAP_CODES)
                )
                known = set(
                    await session.scalars(
                        select(WrapCode.code).where(WrapCode.account_id == campaign.account_id)
                    )
                )
                codes = [code for code in codes if code in known]
                if not codes:
                    continue
                due = await session.scalars(
                    select(DialAttempt).where(
                        DialAttempt.campaign_id == campaign.id,
                        DialAttempt.dialled_at >= now - timedelta(days=1),
                        DialAttempt.state == "ended",
                        DialAttempt.dial_status_id == int(DialStatus.ANSWERED),
                        DialAttempt.wrapped_at.is_(None),
                        DialAttempt.hangup_at <= now - timedelta(seconds=wait),
                    )
                )
                for attempt in list(due):
                    choice = random.Random(f"wrap:{attempt.id}").choice(codes)
                    call_back = now + timedelta(minutes=10) if choice == "CALL-BACK" else None
                    await agents.wrap_up(
                        session,
                        attempt,
                        None,
                        choice,
                        "Wrapped up by a simulated agent.",
                        call_back,
                        now=now,
                    )
                    wrapped += 1
        return wrapped


_ENGINES: dict[int, DiallerEngine] = {}


def engine_for(settings: Settings, db: Database, identity: str) -> DiallerEngine:
    """The process's engine for ``db`` (it keeps the backend's calls between ticks)."""
    engine = _ENGINES.get(id(db))
    if engine is None or engine.db is not db:
        engine = _ENGINES[id(db)] = DiallerEngine.from_settings(settings, db, identity)
    return engine
