"""Runs the demo steps in order; each interface contributes a step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.security import Keyring
from leadline.db.models import Account, Campaign, User


@dataclass
class DemoContext:
    session: AsyncSession
    keyring: Keyring
    account: Account | None = None
    created: bool = False
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    #: What ``leadline demo --json`` prints; its keys are a contract scripts rely on.
    output: dict[str, object] = field(default_factory=dict)

    def secret(self, name: str) -> str:
        return self.keyring.derive(f"demo:{name}")

    @property
    def account_id(self) -> int:
        assert self.account is not None
        return self.account.id


DemoStep = Callable[[DemoContext], Awaitable[None]]


async def build_demo(session: AsyncSession, keyring: Keyring) -> dict[str, object]:
    from leadline.core.demo.steps import STEPS

    context = DemoContext(session=session, keyring=keyring)
    for step in STEPS:
        await step(context)
        await session.flush()
    return context.output
