"""Every table, imported in one place so the metadata and the migrations see them all."""

from leadline.db.models.accounts import (
    Account,
    ApiCredential,
    AuditLog,
    AuthFailure,
    CampaignMember,
    User,
)
from leadline.db.models.activities import Activity, CallCost, DialAttempt, Media
from leadline.db.models.campaigns import Campaign, DialStatus, LeadList, LeadStatusCode, WrapCode
from leadline.db.models.contacts import Company, Contact, ContactEmail, Phone
from leadline.db.models.imports import BulkImport, BulkImportBatch, BulkImportError, BulkImportRow
from leadline.db.models.leads import Lead, LeadPhone, LeadSubtypeList, LeadType
from leadline.db.models.mail import MailMessage
from leadline.db.models.ops import DncEntry, IdempotencyRecord, InboxEvent, Lease
from leadline.db.models.portal import Agency, Listing, PortalHook
from leadline.db.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription

__all__ = [
    "Account",
    "Activity",
    "Agency",
    "ApiCredential",
    "AuditLog",
    "AuthFailure",
    "BulkImport",
    "BulkImportBatch",
    "BulkImportError",
    "BulkImportRow",
    "CallCost",
    "Campaign",
    "CampaignMember",
    "Company",
    "Contact",
    "ContactEmail",
    "DialAttempt",
    "DialStatus",
    "DncEntry",
    "IdempotencyRecord",
    "InboxEvent",
    "Lead",
    "LeadList",
    "LeadPhone",
    "LeadStatusCode",
    "LeadSubtypeList",
    "LeadType",
    "Lease",
    "Listing",
    "MailMessage",
    "Media",
    "Phone",
    "PortalHook",
    "User",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "WrapCode",
]
