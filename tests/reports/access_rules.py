from tests.access import EVERYONE, Rule

MANAGERS = frozenset({"supervisor", "admin"})


def sales_department(world):
    return {"scope": f"d{world.departments['sales'].id}"}


def own_staff(world):
    return {"user_id": world.spare_user.id}


def service_staff(world):
    return {"user_id": world.users["service"].id}


def issued(world):
    def build():
        from portal.extensions import db
        from portal.models.reports import IssuedReview

        review = IssuedReview(period_kind="quarter", period_start=__import__("datetime").date(2026, 7, 1),
                              period_end=__import__("datetime").date(2026, 10, 1), scope_kind="department",
                              scope_id=world.departments["service"].id, scope_label="客服部",
                              department_id=world.departments["service"].id,
                              figures={"period": "2026年第3季度", "total": {}, "departments": {}, "employees": {}},
                              html="<p>x</p>", pdf=b"%PDF-1.7 test", issued_by_id=world.users["admin"].id)
        db.session.add(review)
        db.session.commit()
        return review.id

    return {"review_id": world.once("issued_review", build)}


def customer_in_pool(world):
    def build():
        from portal.extensions import db
        from portal.models.customers import Customer

        customer = Customer(code="KH20269999", name="矩阵测试客户", owner_id=world.users["sales"].id)
        db.session.add(customer)
        db.session.commit()
        return customer.id

    return {"customer_id": world.once("pdf_customer", build)}


RULES = [
    Rule("reports.index", "GET", MANAGERS),
    Rule("reports.drill_down", "GET", MANAGERS, url_values=lambda w: {"code": "retention", "part": "numerator"}),
    Rule("reports.export", "GET", MANAGERS),
    Rule("reports.review_pdf", "POST", MANAGERS, data=sales_department),
    Rule("reports.pdf_job", "GET", MANAGERS, url_values=lambda w: {"job_id": "0" * 32}, expect={"supervisor": 404, "admin": 404}),
    Rule("reports.pdf_job_file", "GET", MANAGERS, url_values=lambda w: {"job_id": "0" * 32},
         expect={"supervisor": 404, "admin": 404}),
    # The supervisor of 销售部 may print their own staff's sheet, not a 客服部 employee's.
    Rule("reports.assessment_sheet", "GET", MANAGERS, url_values=own_staff),
    Rule("customer_pdf.customer_pdf", "GET", EVERYONE, url_values=customer_in_pool,
         expect={"tech": 404, "marketing": 200, "service": 200, "sales": 200, "supervisor": 200, "admin": 200}),
    Rule("reports.issue", "POST", MANAGERS, data=sales_department),
    Rule("reports.recount", "POST", MANAGERS, data=sales_department),
    Rule("reports.issued_index", "GET", MANAGERS),
    Rule("reports.issued_detail", "GET", MANAGERS, url_values=issued, expect={"supervisor": 404}),
    Rule("reports.issued_pdf", "GET", MANAGERS, url_values=issued, expect={"supervisor": 404}),
]


def issued_with_service_employee(world):
    """The 客服部 issued review, assessing the service user (so the 销售部 supervisor gets 404)."""
    values = issued(world)

    def build():
        from portal.extensions import db
        from portal.models.reports import IssuedReview

        review = db.session.get(IssuedReview, values["review_id"])
        review.figures = {**review.figures, "employees": {f"u{world.users['service'].id}": {"label": "客服"}}}
        db.session.commit()
        return True

    world.once("issued_review_employees", build)
    return {**values, "user_id": world.users["service"].id}


RULES += [
    Rule("reports.outcome_edit", "GET", MANAGERS, url_values=issued_with_service_employee, expect={"supervisor": 404}),
    Rule("reports.outcome_edit", "POST", MANAGERS, url_values=issued_with_service_employee, expect={"supervisor": 404}),
    Rule("reports.outcomes_confirm", "POST", MANAGERS, url_values=issued, expect={"supervisor": 404}),
]
