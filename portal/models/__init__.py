"""All models, imported so Alembic and the app see one metadata. One module per business area."""
from portal.models.audit import AuditEntry
from portal.models.auth import Department, LoginFailure, User
from portal.models.customer_health import CareAction, ChurnWarning, CustomerHealth, CustomerHealthMonth
from portal.models.customers import (
    Contact,
    Customer,
    CustomerCodeSequence,
    CustomerSearch,
    OwnerChange,
    StageChange,
    customer_collaborator,
)
from portal.models.expenses import Expense
from portal.models.followups import FollowUp
from portal.models.marketing import (
    Activity,
    ActivityExpense,
    ActivityMaterial,
    ActivityParticipant,
    Competitor,
    MaterialVersion,
    customer_competitor,
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
from portal.models.sales import (
    AfterSalesHandover,
    Invoice,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderLine,
    OrderNumberSequence,
    Payment,
    PaymentInstalment,
    Product,
    Quote,
    QuoteLine,
    SalesTarget,
)
from portal.models.settings import HolidayOverride, Setting
from portal.models.tickets import Ticket, TicketAttachment, TicketEvent

__all__ = [
    "AfterSalesHandover",
    "Activity",
    "ActivityExpense",
    "ActivityMaterial",
    "ActivityParticipant",
    "Competitor",
    "MaterialVersion",
    "customer_competitor",
    "AuditEntry",
    "CareAction",
    "ChurnWarning",
    "CustomerHealth",
    "CustomerHealthMonth",
    "Contact",
    "Customer",
    "CustomerCodeSequence",
    "CustomerSearch",
    "Department",
    "Expense",
    "FollowUp",
    "HolidayOverride",
    "Invoice",
    "IssuedReview",
    "Opportunity",
    "OpportunityStageChange",
    "Order",
    "OrderLine",
    "OrderNumberSequence",
    "Payment",
    "PaymentInstalment",
    "Product",
    "Quote",
    "QuoteLine",
    "SalesTarget",
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
