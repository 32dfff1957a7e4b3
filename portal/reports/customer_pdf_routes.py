"""The customer-file PDF 客户档案, for every role that may see the customer (scoped like the detail page)."""
from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock, pdf
from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.audit import record_sensitive_read
from portal.auth.permissions import can_see_contact_details, guard_area
from portal.extensions import db
from portal.models.customers import Customer, StageChange
from portal.reports.services import pdf_response

bp = Blueprint("customer_pdf", __name__, url_prefix="/reports/customers")
guard_area(bp, "customers")


@bp.get("/<int:customer_id>.pdf")
def customer_pdf(customer_id: int):
    """One customer's file as PDF; out of the user's scope → 404, contacts masked as on the page."""
    query = visible_customers(current_user).options(selectinload(Customer.contacts), selectinload(Customer.owner))
    customer = get_visible_or_404(query, customer_id, Customer)
    history = db.session.scalars(
        select(StageChange).where(StageChange.customer_id == customer.id).order_by(StageChange.changed_at)
    ).all()
    document = pdf.render_pdf("pdf/customer.html", customer=customer, history=history,
                              show_contacts=can_see_contact_details(current_user, customer),
                              generated_at=clock.now(), printed_by=current_user)
    record_sensitive_read("Customer", customer.id, "打印客户档案PDF")
    return pdf_response(document, _("客户档案_%(code)s.pdf", code=customer.code))
