"""Excel import (template, dry run, rejected rows, all-or-nothing, 10k rows) and scoped export."""
import time
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.customers import excel
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import Contact, Customer, CustomerSearch
from portal.rules.dedupe import credit_code_check_char
from portal.spreadsheets import XLSX_MIMETYPE

HEADERS = [header for header, _ in excel.IMPORT_COLUMNS]


def row(name, source="展会登记", contact="王伟", phone="13812345678", **cells):
    values = dict(zip([f for _, f in excel.IMPORT_COLUMNS], [""] * len(HEADERS)))
    values.update(name=name, source_channel=source, contact_name=contact, contact_phone=phone)
    values.update(cells)
    return [values[f] for _, f in excel.IMPORT_COLUMNS]


def xlsx(rows) -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def upload(client, rows, on_match="skip"):
    return client.post("/customers/import", data={"file": (xlsx(rows), "客户.xlsx"), "on_match": on_match},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    html = response.get_data(as_text=True)
    marker = 'name="token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def customer_count() -> int:
    return db.session.scalar(select(func.count(Customer.id)))


@pytest.fixture
def importer(login_as, make_user, sales_team):
    return login_as(make_user("service", username="importer"))


def test_template_has_chinese_headers(importer):
    response = importer.get("/customers/import/template")
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    sheet = load_workbook(BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]][:3] == ["客户名称*", "统一社会信用代码", "行业"]


def test_preview_shows_row_errors_and_duplicates_and_writes_nothing(app, importer, sales_team, make_customer):
    make_customer("上海已有客户有限公司", owner=None)
    make_customer("李娜独家客户有限公司", owner=sales_team["li"])
    rows = [
        row("杭州新客户有限公司", owner_username="zhang"),
        row("", contact="无名"),                                              # 3: no name
        row("坏渠道有限公司", source="路边"),                                  # 4
        row("坏电话有限公司", phone="12345"),                                  # 5
        row("坏信用代码有限公司", credit_code="91330100MA27XL1230"),           # 6
        row("上海已有客户", contact="新联系人", phone="13900000001"),            # 7: matches existing (pool)
        row("杭州新客户", contact="第二联系人", phone="13900000002"),            # 8: same customer as row 2
        row("未知负责人有限公司", owner_username="nobody"),                     # 9
    ]
    response = upload(importer, rows)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("客户名称不能为空", "来源渠道应为", "联系人电话应为11位手机号", "统一社会信用代码应为18位",
                    "负责人用户名“nobody”不存在", "已存在同名或同信用代码的客户", "追加联系人"):
        assert message in html, message
    assert customer_count() == 2
    rejected = importer.get(f"/customers/import/{token_of(response)}/rejected.xlsx")
    sheet = load_workbook(BytesIO(rejected.data)).active
    reasons = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(reasons) == [3, 4, 5, 6, 9]
    assert "来源渠道应为" in reasons[4]


def test_confirm_writes_accepted_rows_and_skips_matches(app, importer, sales_team, make_customer):
    existing = make_customer("上海已有客户有限公司", owner=None, industry="旧行业")
    rows = [row("杭州新客户有限公司", owner_username="zhang", grade="A", is_member="是", registered_on="2026-11-01"),
            row("杭州新客户", contact="第二联系人", phone="0571-88886666"),
            row("上海已有客户", industry="新行业"),
            row("坏电话有限公司", phone="12345")]
    token = token_of(upload(importer, rows))
    response = importer.post("/customers/import/confirm", data={"token": token, "on_match": "skip"})
    assert response.status_code == 303
    new = db.session.scalar(select(Customer).where(Customer.name == "杭州新客户有限公司"))
    assert new.code == "KH2026000002" and new.owner_id == sales_team["zhang"].id and new.grade == "A"
    assert new.is_member and new.registered_on.isoformat() == "2026-11-01"
    assert sorted(c.name for c in new.contacts) == ["王伟", "第二联系人"]
    assert [c.name for c in new.contacts if c.is_primary] == ["王伟"]
    assert "hzxkhyxgs" in db.session.get(CustomerSearch, new.id).text
    assert db.session.get(Customer, existing.id).industry == "旧行业"
    assert customer_count() == 2
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.note == "Excel导入")) == 1


def test_update_matched_customers(app, importer, make_customer):
    existing = make_customer("上海已有客户有限公司", owner=None, industry="旧行业")
    token = token_of(upload(importer, [row("上海已有客户有限公司", industry="新行业", contact="新联系人")], "update"))
    assert importer.post("/customers/import/confirm", data={"token": token, "on_match": "update"}).status_code == 303
    db.session.expire_all()
    customer = db.session.get(Customer, existing.id)
    assert customer.industry == "新行业" and [c.name for c in customer.contacts] == ["新联系人"]
    assert customer_count() == 1


def test_a_clash_with_another_reps_customer_is_rejected_for_a_supervisor_outside_scope(app, login_as, make_user,
                                                                                      make_department, make_customer):
    other_department = make_department("华南销售部")
    rep = make_user("sales", department=other_department)
    make_customer("华南独家客户有限公司", owner=rep)
    supervisor = login_as(make_user("supervisor", department=make_department("华东销售部")))
    html = upload(supervisor, [row("华南独家客户")]).get_data(as_text=True)
    assert "撞单" in html


def test_import_is_all_or_nothing(app, importer, monkeypatch):
    token = token_of(upload(importer, [row(f"原子客户{n}有限公司", phone=f"139{n:08d}") for n in range(20)]))

    def failing_history(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel, "write_history", failing_history)
    response = importer.post("/customers/import/confirm", data={"token": token, "on_match": "skip"})
    assert response.status_code == 500
    db.session.rollback()
    assert customer_count() == 0
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_unreadable_and_wrong_header_files_are_refused(importer):
    response = importer.post("/customers/import", data={"file": (BytesIO(b"not a workbook"), "x.xlsx")},
                             content_type="multipart/form-data")
    assert response.status_code == 422 and "无法读取该文件" in response.get_data(as_text=True)
    workbook = Workbook()
    workbook.active.append(["名称", "电话"])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = importer.post("/customers/import", data={"file": (buffer, "x.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "表头与模板不一致" in response.get_data(as_text=True)
    response = importer.post("/customers/import", data={"file": (BytesIO(b"a,b"), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "只支持 .xlsx 文件" in response.get_data(as_text=True)


def test_another_users_upload_token_is_not_found(app, importer, login_as, make_user):
    token = token_of(upload(importer, [row("某客户有限公司")]))
    other = login_as(make_user("service"))
    assert other.get(f"/customers/import/{token}/rejected.xlsx").status_code == 404
    assert other.post("/customers/import/confirm", data={"token": token}).status_code == 400


@pytest.mark.slow
def test_ten_thousand_rows_import_in_seconds(app, importer):
    def code(n):
        body = f"91330100{n:09d}"
        return body + credit_code_check_char(body)

    rows = [row(f"批量{n}号科技有限公司", phone=f"13{n % 10}{n:08d}", credit_code=code(n), contact=f"联系人{n}")
            for n in range(10_000)]
    token = token_of(upload(importer, rows))
    started = time.perf_counter()
    response = importer.post("/customers/import/confirm", data={"token": token, "on_match": "skip"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 303
    assert customer_count() == 10_000 and db.session.scalar(select(func.count(Contact.id))) == 10_000
    assert elapsed < 20, elapsed


# --- export ---------------------------------------------------------------------------------------------------

def exported(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.data)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_export_contains_exactly_the_scoped_filtered_rows(app, login_as, sales_team, make_customer):
    zhang, li = sales_team["zhang"], sales_team["li"]
    make_customer("张伟甲有限公司", owner=zhang, grade="A", contacts=[{"name": "王伟", "phone": "13812345678"}])
    make_customer("张伟乙有限公司", owner=zhang, grade="B")
    make_customer("公海丙有限公司", owner=None, grade="A")
    make_customer("李娜丁有限公司", owner=li, grade="A")
    client = login_as(zhang)
    assert sorted(r[1] for r in exported(client.get("/customers/export"))) == sorted(["张伟乙有限公司", "张伟甲有限公司", "公海丙有限公司"])
    rows = exported(client.get("/customers/export", query_string={"grade": "A", "owner": "me"}))
    assert [(r[1], r[11], r[12]) for r in rows] == [("张伟甲有限公司", "王伟", "13812345678")]
    assert db.session.scalar(select(AuditEntry.note).where(AuditEntry.action == "read")).startswith("导出客户列表")
    boss_rows = exported(login_as(sales_team["boss"]).get("/customers/export"))
    assert len(boss_rows) == 4


def test_export_neutralizes_formulas(app, login_as, sales_team, make_customer):
    make_customer("=HYPERLINK(\"http://x\")有限公司", owner=sales_team["zhang"])
    [first] = exported(login_as(sales_team["zhang"]).get("/customers/export"))
    assert first[1].startswith("'=")


def test_tech_cannot_export(app, login_as, make_user):
    assert login_as(make_user("tech")).get("/customers/export").status_code == 403
