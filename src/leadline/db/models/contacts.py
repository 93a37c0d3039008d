"""The people and companies behind the leads, and their phones and e-mails."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin, TimestampsMixin
from leadline.db.types import IdType, UTCDateTime


class Company(IdMixin, TimestampsMixin, Base):
    __tablename__ = "companies"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Contact(IdMixin, TimestampsMixin, Base):
    __tablename__ = "contacts"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="SET NULL")
    )
    # The company's name as the caller or supplier gave it, when no company record exists.
    company_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# The console's prefix search on a person's name, whatever its case.
Index("ix_contacts_account_name_lower", Contact.account_id, func.lower(Contact.name))
# Partial: a contact made by an import or an API call has neither yet, and an index entry
# for each such contact was paid for on every insert and never read.
Index(
    "ix_contacts_company_id",
    Contact.company_id,
    sqlite_where=text("company_id IS NOT NULL"),
    postgresql_where=text("company_id IS NOT NULL"),
)
Index(
    "ix_contacts_last_activity_at",
    Contact.last_activity_at,
    sqlite_where=text("last_activity_at IS NOT NULL"),
    postgresql_where=text("last_activity_at IS NOT NULL"),
)


class ContactEmail(IdMixin, Base):
    __tablename__ = "contact_emails"
    __table_args__ = (
        Index("uq_contact_emails_contact_address", "contact_id", "address_lower", unique=True),
        Index("ix_contact_emails_lookup", "account_id", "address_lower"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254))
    address_lower: Mapped[str] = mapped_column(String(254))


class Phone(IdMixin, Base):
    """A phone of a contact or of a company.

    ``number`` is E.164 when ``verified``; an unverified caller id keeps its bare digits.
    ``tail`` holds the last nine digits, indexed, for the softphone's tolerant matching.
    """

    __tablename__ = "phones"
    __table_args__ = (
        CheckConstraint("(contact_id IS NULL) <> (company_id IS NULL)", name="one_owner"),
        Index("ix_phones_tail", "account_id", "tail"),
        Index("ix_phones_number", "account_id", "number"),
        Index("uq_phones_contact_number", "contact_id", "number", unique=True),
        Index(
            "uq_phones_company_number",
            "company_id",
            "number",
            unique=True,
            sqlite_where=text("company_id IS NOT NULL"),
            postgresql_where=text("company_id IS NOT NULL"),
        ),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE")
    )
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="CASCADE")
    )
    number: Mapped[str] = mapped_column(String(20))
    tail: Mapped[str] = mapped_column(String(9))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    label: Mapped[str | None] = mapped_column(String(32))
