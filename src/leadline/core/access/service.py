"""What a credential may see.

An account credential (no user) sees the whole account. A user's credential acts as that
user: an admin sees the whole account; anyone else sees only the campaigns they are a
member of, and in them the leads nobody else is assigned to plus their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.errors import AuthenticationFailed, NotFound, PermissionDenied
from leadline.db.models import ApiCredential, CampaignMember, Lead, User

R = TypeVar("R")


@dataclass(frozen=True)
class Viewer:
    account_id: int
    credential_id: int
    user_id: int | None = None
    #: None: every campaign of the account; else only these.
    campaign_ids: frozenset[int] | None = None

    @property
    def sees_everything(self) -> bool:
        return self.campaign_ids is None

    def sees_campaign(self, campaign_id: int | None) -> bool:
        if self.campaign_ids is None:
            return True
        return campaign_id is not None and campaign_id in self.campaign_ids

    def require_everything(self) -> None:
        """Administration is for account credentials and admins only."""
        if not self.sees_everything:
            raise PermissionDenied("this needs an account token or an admin's token")

    def require_acting_as(self, user_id: int | None) -> None:
        """An agent's token acts only for that agent; account tokens and admins for any."""
        if not self.sees_everything and (user_id is None or user_id != self.user_id):
            raise PermissionDenied("an agent's token acts only for that agent")

    def campaign_filter(self, column: Any) -> Any:
        """A WHERE clause limiting ``column`` (a campaign id) to the visible campaigns."""
        if self.campaign_ids is None:
            return true()
        return column.in_(sorted(self.campaign_ids))

    def lead_filter(self) -> Any:
        if self.campaign_ids is None:
            return true()
        return (Lead.campaign_id.in_(sorted(self.campaign_ids))) & or_(
            Lead.assigned_agent_id.is_(None), Lead.assigned_agent_id == self.user_id
        )

    def sees_lead(self, lead: Lead) -> bool:
        return self.sees_campaign(lead.campaign_id) and (
            self.campaign_ids is None or lead.assigned_agent_id in (None, self.user_id)
        )

    def require(self, row: R | None, kind: str, ident: object, visible: Callable[[R], bool]) -> R:
        """``row`` when it exists in this account and ``visible`` says the viewer sees it;
        else NotFound (another account's ids look the same as missing ones)."""
        if row is None or getattr(row, "account_id", None) != self.account_id or not visible(row):
            raise NotFound(kind, ident)
        return row


async def viewer_for(session: AsyncSession, credential: ApiCredential) -> Viewer:
    if credential.user_id is None:
        return Viewer(account_id=credential.account_id, credential_id=credential.id)
    user = await session.get(User, credential.user_id)
    if user is None or not user.active or user.account_id != credential.account_id:
        raise AuthenticationFailed()
    return await viewer_of_user(session, user, credential_id=credential.id)


async def viewer_of_user(session: AsyncSession, user: User, *, credential_id: int = 0) -> Viewer:
    """What ``user`` sees (an admin: the whole account; anyone else: their campaigns).
    The console signs people in without a credential, hence ``credential_id`` 0."""
    if user.role == "admin":
        return Viewer(user.account_id, credential_id, user_id=user.id)
    member_of = await session.scalars(
        select(CampaignMember.campaign_id).where(CampaignMember.user_id == user.id)
    )
    return Viewer(
        user.account_id, credential_id, user_id=user.id, campaign_ids=frozenset(member_of)
    )
