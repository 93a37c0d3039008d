"""The softphone's demo: the seed's two callers, both on ``0123456789`` (a caller id that
libphonenumber rejects in GB, kept as unverified digits), so the seed's example requests
work verbatim against the demo account; and an API key for the softphone user."""

from __future__ import annotations

from sqlalchemy import select

from leadline.core.contacts import service as contacts
from leadline.core.credentials import service as credential_service
from leadline.core.demo.base import SOFTPHONE_LOGIN
from leadline.core.demo.builder import DemoContext
from leadline.core.phones import caller_id
from leadline.core.vocabulary import Scope
from leadline.db.models import ApiCredential, Company, Contact

SEED_NUMBER = "0123456789"
#: (contact, company, description) as in the seed's ``find`` answer.
SEED_CALLERS = (
    ("Василий Петрович", "ООО Резюме", "Компания по трудоустройству"),
    ("Иван Павлович", "ООО Невидимка", "Компания по охране"),
)
KEY_PUBLIC_ID = "demo-softphone"


async def _company(context: DemoContext, name: str) -> Company:
    found = await context.session.scalar(
        select(Company).where(Company.account_id == context.account_id, Company.name == name)
    )
    if found is None:
        found = await contacts.create_company(
            context.session, account_id=context.account_id, name=name, source="demo"
        )
    return found


async def seed_callers(context: DemoContext) -> None:
    session = context.session
    assert context.account is not None
    user = context.users[SOFTPHONE_LOGIN]
    number, verified = caller_id(SEED_NUMBER, context.account.phone_region)
    ids: list[int] = []
    for name, company_name, description in SEED_CALLERS:
        company = await _company(context, company_name)
        contact = await session.scalar(
            select(Contact).where(
                Contact.account_id == context.account_id,
                Contact.name == name,
                Contact.company_id == company.id,
            )
        )
        if contact is None:
            contact = await contacts.create_contact(
                session,
                account_id=context.account_id,
                number=number,
                name=name,
                source="demo",
                created_by_user_id=user.id,
                verified=verified,
            )
            contact.company_id = company.id
            contact.notes = description
        ids.append(contact.id)
    secret = context.secret("credential:softphone")
    credential = await session.scalar(
        select(ApiCredential).where(ApiCredential.public_id == KEY_PUBLIC_ID)
    )
    if credential is None:
        await credential_service.create_credential(
            session,
            context.keyring,
            account_id=context.account_id,
            user_id=user.id,
            scopes=[Scope.SOFTPHONE],
            name="Demo softphone",
            public_id=KEY_PUBLIC_ID,
            secret=secret,
        )
    else:
        credential.secret_hash = context.keyring.hash(secret)
        credential.revoked_at = None
    context.output.update(softphone_contact_ids=ids, softphone_api_key=secret)
