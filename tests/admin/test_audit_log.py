"""操作日志 reads as words: Chinese actions, record names, people's names, field labels, only real changes,
logins attributed to the person, a record-type dropdown; names resolved per page, not per row."""
from datetime import datetime

from flask_login import login_user
from sqlalchemy import select

from portal.admin.audit_display import MODEL_FIELD_LABELS, audited_record_types, field_label, model_classes
from portal.audit import audited_columns
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import Customer


def owner_change(app, actor, customer, new_owner):
    """The supervisor hands the file to another rep, through the real session hook."""
    with app.test_request_context():
        login_user(actor)
        db.session.get(Customer, customer.id).owner_id = new_owner.id
        db.session.commit()


def team(make_user, make_department):
    department = make_department("销售部")
    return (make_user("sales", department=department, username="zhang", display_name="张伟"),
            make_user("sales", department=department, username="li", display_name="李娜"),
            make_user("supervisor", department=department, username="boss", display_name="赵敏"),
            make_user("admin", display_name="管理员"))


def test_the_log_speaks_chinese_and_names_records_and_people(app, frozen_now, make_user, make_department,
                                                             new_customer, login_as):
    zhang, li, boss, admin = team(make_user, make_department)
    customer = new_customer(zhang, name="杭州云帆科技有限公司")
    owner_change(app, boss, customer, li)
    # An entry as older code wrote it: unchanged and empty values, a timestamp that means nothing.
    db.session.add(AuditEntry(user_id=boss.id, action="update", record_type="Customer", record_id=str(customer.id),
                              changes={"stage": ["潜在", "意向"], "tags": [None, ""], "industry": ["", ""],
                                       "updated_at": ["2026-11-24 09:00:00", "2026-11-24 10:00:00"]}))
    db.session.commit()

    html = login_as(admin).get("/audit/?record_type=Customer").get_data(as_text=True)
    assert f"客户 · 杭州云帆科技有限公司（{customer.code}）" in html
    assert "<td>修改</td>" in html and "<td>赵敏</td>" in html
    assert "<strong>负责人</strong>：张伟 → 李娜" in html
    assert "<strong>生命周期阶段</strong>：潜在 → 意向" in html
    for noise in ("owner_id", "Customer #", "<td>update</td>", "— → —", "updated_at", "tags", "industry"):
        assert noise not in html, noise


def test_logins_are_the_persons_and_carry_no_timestamps(app, frozen_now, make_user, make_department, login_as):
    zhang, li, boss, admin = team(make_user, make_department)
    login_as(zhang)  # a real sign-in
    db.session.add(AuditEntry(user_id=None, action="update", record_type="User", record_id=str(li.id),
                              changes={"last_login_at": [None, "2026-11-20 08:59:00"]}))  # as older code logged it
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.user_id == zhang.id and entry.changes == {}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update",
                                                      AuditEntry.record_id == str(zhang.id))) is None

    html = login_as(admin).get("/audit/?record_type=User").get_data(as_text=True)
    rows = [row for row in html.split("<tr>") if "<td>登录</td>" in row]
    assert any("<td>张伟</td>" in row for row in rows) and any("<td>李娜</td>" in row for row in rows)
    assert "last_login_at" not in html and "最近登录" not in html
    assert "<strong>角色</strong>：销售" in html and "supervisor" not in html
    assert all("<td>系统</td>" not in row for row in rows)


def test_record_type_is_a_dropdown_and_a_forged_value_is_harmless(app, make_user, make_department, login_as):
    *_, admin = team(make_user, make_department)
    client = login_as(admin)
    html = client.get("/audit/").get_data(as_text=True)
    assert '<select aria-invalid="false" id="record_type" name="record_type">' in html
    assert '<option value="Customer">客户</option>' in html and '<option value="Ticket">问题单</option>' in html
    assert client.get("/audit/?record_type=Customer%27%20OR%201=1--").status_code == 200


def test_every_audited_field_has_a_chinese_label(app):
    """A new audited model or column needs its label in portal/admin/audit_display.py."""
    missing = []
    for name, cls in model_classes().items():
        if not getattr(cls, "__audited__", False):
            continue
        assert any("\u4e00" <= ch <= "\u9fff" for ch in audited_record_types()[name]), name
        for attr in audited_columns(cls()):
            label = field_label(name, attr.key)
            if attr.key != "id" and not any("\u4e00" <= ch <= "\u9fff" for ch in label):
                missing.append(f"{name}.{attr.key}")
    assert missing == []
    assert set(MODEL_FIELD_LABELS) <= set(audited_record_types())


def test_names_are_resolved_per_page_not_per_row(app, frozen_now, make_user, make_department, new_customer,
                                                 login_as, count_queries):
    zhang, li, boss, admin = team(make_user, make_department)
    client = login_as(admin)

    def entries(n):
        for number in range(n):
            customer = new_customer(zhang if number % 2 else li)
            owner_change(app, boss, customer, li if number % 2 else zhang)

    entries(2)
    with count_queries() as few:
        assert client.get("/audit/").status_code == 200
    entries(12)
    with count_queries() as many:
        assert client.get("/audit/").status_code == 200
    assert many.count == few.count
