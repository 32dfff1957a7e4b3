"""SECURITY.md #34: every export of every area neutralises user text Excel would run as a formula.

Hostile strings go into every user-text field the exports carry (names, departments, people, contacts,
follow-up and ticket text, import rows); every export route is downloaded and every cell checked.
"""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook

from portal.customers import excel
from portal.extensions import db
from portal.followups import services as followup_services
from portal.models.customers import Contact
from portal.models.marketing import Activity
from portal.sales.services import LineInput, record_order
from portal.spreadsheets import FORMULA_PREFIXES
from portal.tickets.services import create_ticket

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1+1", "=1+1"]

# Every export route the portal has; a new one must be added here (the test below fails otherwise).
EXPORTS = {
    "customers.export": "/customers/export",
    "customers.import_template": "/customers/import/template",
    "customers.import_rejected": None,  # needs an upload token: built in the test
    "followups.export": "/followups/export.xlsx",
    "tickets.export": "/tickets/export.xlsx",
    "reports.export": "/reports/export.xlsx",
    "sales.product_sheet_xlsx": "/sales/product-sheet.xlsx?year=2026&half=2",
    "marketing.export": "/marketing/export",
}


def is_export(rule) -> bool:
    return rule.rule.endswith((".xlsx", ".csv", "/export")) or "template" in rule.rule


def test_every_export_route_is_covered(app):
    found = {rule.endpoint for rule in app.url_map.iter_rules() if is_export(rule)}
    assert found <= set(EXPORTS), f"export routes not covered by the hostile-string test: {found - set(EXPORTS)}"


def unsafe_cells(data: bytes) -> list[tuple[str, str, object]]:
    book = load_workbook(BytesIO(data))
    bad = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)):
                    bad.append((sheet.title, cell.coordinate, cell.value))
    return bad


def texts(data: bytes) -> set[str]:
    book = load_workbook(BytesIO(data))
    return {str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None}


def hostile_upload() -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for header, _ in excel.IMPORT_COLUMNS])
    for text in HOSTILE:  # rejected: a hostile source channel is not one of the allowed ones
        values = {name: text for _, name in excel.IMPORT_COLUMNS}
        sheet.append([values[name] for _, name in excel.IMPORT_COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_hostile_text_never_becomes_a_formula_in_any_export(app, frozen_now, login_as, make_user, make_department,
                                                              new_customer):
    department = make_department(HOSTILE[0])
    people = [make_user("sales", department=department, display_name=text) for text in HOSTILE]
    service = make_user("service", department=department, display_name="+86 客服")
    for index, (person, text) in enumerate(zip(people, HOSTILE)):
        customer = new_customer(person, name=text, industry=text, address=text, tags=text)
        customer.contacts.append(Contact(name=text, phone=text, email=text, position=text, is_primary=True))
        db.session.flush()
        followup_services.record_followup(customer, person, {
            "contacted_at": datetime(2026, 11, 20, 10, index), "method": "电话", "participants": text,
            "content": text, "result": text, "next_action": text, "next_action_on": None})
        ticket = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般", description=text,
                               by=service, received_at=datetime(2026, 11, 20, 9, 0), channel="电话",
                               complainant=text, contact=text)
        ticket.root_cause, ticket.solution = text, text
        record_order(customer, person, date(2026, 11, 10), [LineInput(None, text, Decimal("1"), Decimal("100"))], person)
        db.session.add(Activity(theme=text, kind="客户沙龙", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 10),
                                region=text, owner_id=person.id, budget=Decimal("1000")))
    db.session.commit()

    admin = login_as(make_user("admin"))
    upload = admin.post("/customers/import", data={"file": (hostile_upload(), "客户.xlsx"), "on_match": "skip"},
                        content_type="multipart/form-data")
    html = upload.get_data(as_text=True)
    marker = 'name="token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    token = html[start:html.index('"', start)]
    urls = dict(EXPORTS, **{"customers.import_rejected": f"/customers/import/{token}/rejected.xlsx"})

    for endpoint, url in urls.items():
        response = admin.get(url)
        assert response.status_code == 200, (endpoint, response.status_code)
        assert unsafe_cells(response.data) == [], endpoint
        if endpoint != "customers.import_template":  # the template holds no user text
            # The hostile text is there, quoted: the export really carried it.
            assert any(text.startswith("'") and text[1:] in HOSTILE for text in texts(response.data)), endpoint
