"""All models, imported so Alembic and the app see one metadata. One module per business area."""
from portal.models.audit import AuditEntry
from portal.models.auth import Department, LoginFailure, User
from portal.models.customers import (
    Contact,
    Customer,
    CustomerCodeSequence,
    CustomerSearch,
    OwnerChange,
    StageChange,
    customer_collaborator,
)
from portal.models.followups import Deal, FollowUp
from portal.models.knowledge import (
    Announcement,
    AnnouncementRead,
    Article,
    ArticleRevision,
    Defect,
    Document,
    DocumentVersion,
    KnowledgeSearch,
    TicketKnowledge,
    document_reader,
)
from portal.models.revisits import (
    Questionnaire,
    QuestionnaireVersion,
    RevisitPlan,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
    revisit_plan_assignee,
)
from portal.models.reports import IssuedReview
from portal.models.settings import HolidayOverride, Setting
from portal.models.tickets import Ticket, TicketAttachment, TicketEvent

__all__ = [
    "Announcement",
    "AnnouncementRead",
    "Article",
    "ArticleRevision",
    "Defect",
    "Document",
    "DocumentVersion",
    "KnowledgeSearch",
    "TicketKnowledge",
    "document_reader",
    "AuditEntry",
    "Contact",
    "Customer",
    "CustomerCodeSequence",
    "CustomerSearch",
    "Deal",
    "Department",
    "FollowUp",
    "HolidayOverride",
    "IssuedReview",
    "LoginFailure",
    "OwnerChange",
    "Questionnaire",
    "QuestionnaireVersion",
    "RevisitPlan",
    "RevisitRecord",
    "RevisitTask",
    "SpotCheck",
    "revisit_plan_assignee",
    "Setting",
    "StageChange",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "User",
    "customer_collaborator",
]
