"""The review's .xlsx never carries a name as a live formula (found by `make security-scan`'s export check)."""
from io import BytesIO

from openpyxl import load_workbook

from portal.extensions import db
from scripts.security_scan import formula_cells

Q3 = {"kind": "quarter", "year": "2026", "number": "3"}


def test_review_export_neutralises_names(review_world, login_as):
    review_world.b.display_name = '=HYPERLINK("http://127.0.0.1/x","点我")'
    review_world.sales_dept.name = "+销售一部"
    db.session.commit()
    body = login_as(review_world.admin).get("/reports/export.xlsx", query_string={**Q3, "scope": "company"}).data
    found, _ = formula_cells(body, "application/vnd.openxmlformats")
    assert found == []
    texts = [cell.value for sheet in load_workbook(BytesIO(body)).worksheets for row in sheet.iter_rows()
             for cell in row if isinstance(cell.value, str)]
    assert '\'=HYPERLINK("http://127.0.0.1/x","点我")' in texts and "'+销售一部" in texts
