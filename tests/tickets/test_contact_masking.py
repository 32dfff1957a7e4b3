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
