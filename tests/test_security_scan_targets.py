"""`make security-scan` attacks what the app has: its targets are derived from the url_map and the WTForms
filter forms, so every field of every filter form is a scanned parameter, and the scan's export check
really fails on a formula cell."""
from io import BytesIO

import pytest
from openpyxl import Workbook

from portal.spreadsheets import safe_cell
from scripts.scan_targets import filter_forms, form_fields, scan_targets


@pytest.fixture
def targets(app):
    return scan_targets(app, {"customer_id": 1})


def params_of(targets, endpoint, method="GET"):
    [target] = [t for t in targets if t.endpoint == endpoint and t.method == method]
    return set(target.params)


def test_every_field_of_every_filter_form_is_scanned(targets):
    forms = filter_forms()
    assert len(forms) >= 9
    for form in forms:
        using = [t for t in targets if form.__name__ in t.forms]
        assert using, f"no scanned endpoint uses {form.__module__}.{form.__name__}"
        scanned = set().union(*(set(t.params) for t in using))
        missing = {name for name, unbound in form_fields(form).items()
                   if unbound.field_class.__name__ not in ("HiddenField", "FormField", "FieldList")} - scanned
        assert not missing, f"{form.__name__}: {sorted(missing)} not scanned"


def test_the_lists_the_issue_named_are_covered(targets):
    assert {"tier", "owner", "industry", "archived", "q", "page", "per_page"} <= params_of(targets, "customers.index")
    assert {"author_id", "timeliness"} <= params_of(targets, "followups.index")
    assert {"q", "status", "dispatch_state", "department_id", "assignee_id", "category", "severity", "breached",
            "date_from", "date_to"} <= params_of(targets, "tickets.index")
    assert {"scope", "status", "due", "method", "plan_id"} <= params_of(targets, "revisits.index")
    assert {"kind", "year", "number", "scope", "page"} <= params_of(targets, "reports.drill_down")
    assert {"customer_query"} <= params_of(targets, "tickets.customer_search")
    assert {"name", "credit_code", "contacts-0-phone"} <= params_of(targets, "customers.duplicates_check", "POST")
    exports = {t.endpoint for t in targets if t.is_export}
    assert {"customers.export", "followups.export", "tickets.export", "reports.export"} <= exports


def test_drill_down_is_built_with_a_real_kpi(targets):
    [drill] = [t for t in targets if t.endpoint == "reports.drill_down"]
    assert drill.path.startswith("/reports/kpis/") and drill.path.endswith("/numerator")


def test_export_check_fails_on_a_formula_cell_only():
    from scripts.security_scan import HOSTILE_TEXT, formula_cells

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([safe_cell(HOSTILE_TEXT[0]), safe_cell("+1"), "正常文本"])
    buffer = BytesIO()
    workbook.save(buffer)
    found, hostile = formula_cells(buffer.getvalue(), "application/vnd.openxmlformats")
    assert found == [] and hostile == 1

    sheet.append(['=HYPERLINK("http://x","点我")'])
    buffer = BytesIO()
    workbook.save(buffer)
    found, _ = formula_cells(buffer.getvalue(), "application/vnd.openxmlformats")
    assert len(found) == 1 and found[0].startswith("Sheet!A2")

    found, _ = formula_cells("名称,备注\n正常,@SUM(1)\n".encode(), "text/csv")
    assert found == ["row 2 col 2 '@SUM(1)'"]


def test_live_choices_take_the_first_real_option():
    from scripts.security_scan import live_choices

    page = ('<select aria-invalid="false" id="scope" name="scope"><option value="">全部</option>'
            '<option value="dept:3">销售部</option></select><select name="empty"><option value="">—</option></select>')
    assert live_choices(page) == {"scope": "dept:3"}
