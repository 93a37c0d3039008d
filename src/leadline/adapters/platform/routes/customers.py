"""Erasing one person (GDPR) by phone number and/or e-mail (``core.erasure``). Account
tokens and admins only; the recordings' files go once the erasure is committed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request

from leadline.adapters.platform import wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, media_storage
from leadline.core.erasure import service as erasure
from leadline.core.media import service as media_service
from leadline.http.deps import services

router = APIRouter(tags=["customers"], responses=ERROR_RESPONSES)

_Text = Query(max_length=254, pattern=r"^[^\x00]*$")


@router.delete("/customers", response_model=wire.Erasure, summary="Erase a customer (GDPR)")
async def erase_customer(
    request: Request,
    caller: CallerDep,
    phoneNumber: Annotated[str | None, _Text] = None,
    emailAddress: Annotated[str | None, _Text] = None,
    addToDnc: bool = False,
) -> wire.Erasure:
    caller.viewer.require_everything()
    async with services(request).db.transaction() as session:
        result = await erasure.erase_customer(
            session,
            caller.account_id,
            phone=phoneNumber,
            email=emailAddress,
            add_to_dnc=addToDnc,
            actor_user_id=caller.viewer.user_id,
            actor_credential_id=caller.credential_id,
        )
    await media_service.remove_files(media_storage(request), result.storage_keys)
    return wire.Erasure(
        callData=wire.ErasedCalls(
            activitiesErased=result.activities_erased,
            recordingsDeleted=result.recordings_deleted,
        ),
        emailData=wire.ErasedEmails(contactsErased=result.contacts_erased),
        leadData=wire.ErasedLeads(leadsDeleted=result.leads_deleted),
    )
