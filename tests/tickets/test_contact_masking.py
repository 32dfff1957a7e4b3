"""Tech support sees a customer's phone only when a ticket of that customer is assigned to them."""
from portal.extensions import db
from portal.models.customers import Contact


def test_tech_sees_phone_only_on_own_tickets_customers(make_user, make_department, make_customer, make_ticket, login_as):
    tech_department = make_department("技术部")
    assignee = make_user("tech", department=tech_department)
    colleague = make_user("tech", department=tech_department)
    customer = make_customer()
    db.session.add(Contact(customer_id=customer.id, name="周经理", phone="13812345678", phone_digits="13812345678", is_primary=True))
    ticket = make_ticket(customer, make_user("service"))
    ticket.dispatch(tech_department, assignee, None)
    db.session.commit()
    assigned_page = login_as(assignee).get(f"/customers/{customer.id}").get_data(as_text=True)
    department_page = login_as(colleague).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "138 1234 5678" in assigned_page
    assert "138****5678" in department_page and "12345678" not in department_page.replace("138****5678", "")


def pdf_text(data: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_one_rule_for_the_complainants_phone_on_every_surface(make_user, make_department, make_customer, make_ticket,
                                                              login_as, hx, tmp_path):
    """The assignee sees the phone in full; the rest of the department (a ticket dispatched only to the
    department, or to a colleague) sees it masked — on the ticket page, its fragment, the ledger and its
    print view, the customer page, print view and PDF."""
    from portal.tickets.services import create_ticket

    tech_department = make_department("技术部")
    assignee = make_user("tech", department=tech_department)
    colleague = make_user("tech", department=tech_department)
    service = make_user("service")
    customer = make_customer()
    db.session.add(Contact(customer_id=customer.id, name="周经理", phone="13812345678", phone_digits="13812345678",
                           is_primary=True))
    department_only = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般", by=service,
                                    description="设备无法开机", complainant="周经理", contact="13812345678")
    department_only.dispatch(tech_department, None, service)
    assigned = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般", by=service,
                             description="屏幕闪烁", complainant="周经理", contact="13812345678")
    assigned.dispatch(tech_department, assignee, service)
    db.session.commit()
    full, masked = "138 1234 5678", "138****5678"

    def surfaces(client):
        pages = {
            "ticket page": client.get(f"/tickets/{department_only.id}").get_data(as_text=True),
            "ticket fragment": client.get(f"/tickets/{department_only.id}", headers=hx).get_data(as_text=True),
            "assigned ticket": client.get(f"/tickets/{assigned.id}").get_data(as_text=True),
            "ledger": client.get("/tickets/").get_data(as_text=True),
            "ledger print": client.get("/tickets/print").get_data(as_text=True),
            "customer page": client.get(f"/customers/{customer.id}").get_data(as_text=True),
            "customer print": client.get(f"/customers/{customer.id}/print").get_data(as_text=True),
        }
        pdf = client.get(f"/reports/customers/{customer.id}.pdf")
        assert pdf.status_code == 200
        pages["customer pdf"] = pdf_text(pdf.data, tmp_path)
        return pages

    for name, text in surfaces(login_as(colleague)).items():
        assert "13812345678" not in text and full not in text and "1234 5678" not in text, name
        if name in ("ticket page", "ticket fragment", "assigned ticket", "customer page", "customer print",
                    "customer pdf"):
            assert masked in text, name
    seen_by_assignee = surfaces(login_as(assignee))
    for name in ("ticket page", "ticket fragment", "assigned ticket", "customer page", "customer print",
                 "customer pdf"):
        assert full in seen_by_assignee[name], name
    for name, text in surfaces(login_as(service)).items():  # service staff see contacts in full everywhere
        assert masked not in text, name


def test_ticket_contact_is_masked_in_the_audit_log(make_user, make_customer, make_ticket):
    from sqlalchemy import select

    from portal.models.audit import AuditEntry
    from portal.tickets.services import create_ticket

    service = make_user("service")
    create_ticket(customer=make_customer(), kind="投诉", category="产品", severity="一般", by=service,
                  description="设备无法开机", complainant="周经理", contact="13812345678")
    db.session.commit()
    logged = " ".join(str(entry.changes) for entry in db.session.scalars(select(AuditEntry)))
    assert "13812345678" not in logged
