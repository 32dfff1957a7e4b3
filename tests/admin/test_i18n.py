"""The admin pages and the 操作日志 in English and 繁體: headings, menu, role names, the log's actions, record
types and field labels translated at display; recorded values (names people typed) stay as recorded."""
from datetime import date

from flask_babel import refresh
from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.models.settings import HolidayOverride
from tests.conftest import speaking


def as_another_request():
    """Tests keep one app context, so Flask-Babel's per-`g` locale would carry over from the admin's requests."""
    refresh()



def test_audit_log_in_english_translates_actions_types_labels_and_enum_values(frozen_now, make_user, login_as):
    admin = speaking(make_user("admin", display_name="管理员"), "en")
    target = make_user("sales", username="lisi", display_name="李四")
    db.session.add_all([
        AuditEntry(user_id=admin.id, action="update", record_type="User", record_id=str(target.id),
                   changes={"role": ["sales", "service"], "display_name": ["李四", "李四光"]}),
        AuditEntry(user_id=admin.id, action="create", record_type="HolidayOverride", record_id="2026-12-31",
                   changes={"day": [None, "2026-12-31"], "is_workday": [None, True], "note": [None, "元旦调休"]}),
    ])
    db.session.commit()

    html = login_as(admin).get("/audit/").get_data(as_text=True).split('<main', 1)[1]
    assert "<h1>Audit log</h1>" in html and "Record type" in html and ">Filter</button>" in html
    assert "<td>Edit</td>" in html and "<td>New</td>" in html and "<td>Sign in</td>" in html
    assert "Users · 李四" in html and "Holiday change · #2026-12-31" in html
    # The role is the portal's own word (translated); the name is what the admin typed (kept).
    assert "<strong>Role</strong>: Sales → Customer service" in html
    assert "<strong>Name</strong>: 李四 → 李四光" in html
    assert "<strong>Working day</strong>: Yes" in html and "<strong>Description</strong>: 元旦调休" in html
    assert '<option value="Ticket">Ticket</option>' in html
    for chinese in ("修改", "新建", "角色", "销售", "客服", "操作日志", "节假日调整"):
        assert chinese not in html, chinese
    # Stored as it was: the log holds codes and the typed values, not a translation.
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "User",
                                                       AuditEntry.action == "update"))
    assert entry.changes["role"] == ["sales", "service"]


def test_settings_and_holidays_in_traditional_chinese(frozen_now, make_user, login_as):
    client = login_as(speaking(make_user("admin"), "zh_Hant_TW"))
    db.session.add(HolidayOverride(day=date(2026, 10, 8), is_workday=True, note="国庆调休"))
    db.session.commit()

    html = client.get("/admin/settings").get_data(as_text=True)
    assert "規則設定" in html and "業務規則" in html and "儲存設定" in html
    assert "A級客戶跟進週期（自然日）" in html and "啟用未跟進客戶自動退回公海" in html
    assert "閒置自動登出（分鐘）" in html and "節假日安排" in html
    assert "保存设置" not in html and "规则设置" not in html

    html = client.get("/admin/holidays/?year=2026").get_data(as_text=True)
    assert "調休上班" in html and "週四" in html and "錄入安排" in html
    assert "国庆调休" in html  # the note as typed

    html = client.get("/admin/departments/").get_data(as_text=True)
    assert "部門名稱" in html and "部門負責人" in html and "還沒有部門，點選右上角「新建部門」。" in html
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "<title>使用者管理" in html and "最近登入" in html and "管理員" in html


def test_admin_sets_a_users_language_and_that_user_sees_english(app, frozen_now, make_user, login_as):
    admin = login_as(make_user("admin"))
    rep = make_user("sales", username="zhang", display_name="张伟")
    form = admin.get(f"/admin/users/{rep.id}/edit").get_data(as_text=True)
    assert "界面语言" in form and "跟随浏览器" in form and "English" in form and "繁體中文" in form

    response = admin.post(f"/admin/users/{rep.id}/edit", data={
        "version": rep.version, "username": "zhang", "display_name": "张伟", "role": "sales", "language": "en"})
    assert response.status_code == 303
    assert db.session.get(User, rep.id).language == "en"
    assert '<option selected value="en">English</option>' in admin.get(f"/admin/users/{rep.id}/edit").get_data(as_text=True)

    as_another_request()
    html = login_as(db.session.get(User, rep.id)).get("/").get_data(as_text=True)
    assert "My work list" in html and "Customers" in html and "张伟 · Sales" in html
    assert "我的工作台" not in html and "客户档案" not in html

    rep = db.session.get(User, rep.id)
    admin.post(f"/admin/users/{rep.id}/edit", data={
        "version": rep.version, "username": "zhang", "display_name": "张伟", "role": "sales", "language": ""})
    assert db.session.get(User, rep.id).language is None


def test_user_admin_in_english_with_a_422_form_error(frozen_now, make_user, login_as):
    client = login_as(speaking(make_user("admin"), "en"))
    make_user("service", username="wang", display_name="王五")

    html = client.get("/admin/users/").get_data(as_text=True)
    assert "<h1>Administration</h1>" in html and "New user" in html
    assert "Customer service" in html and "Last sign-in" in html and "Deactivate" in html

    response = client.post("/admin/users/new", data={"username": "bad name!", "display_name": "",
                                                     "role": "sales", "password": "一个足够长的初始密码"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Username can contain only letters, digits, underscores, dots and hyphens" in html
    assert "Enter a name" in html and "Interface language" in html and "Follow the browser" in html

    response = client.post("/admin/holidays/?year=2026", data={"start": "2026-10-08", "end": "2026-10-01",
                                                               "kind": "workday"})
    assert response.status_code == 422
    assert "The end date cannot be before the start date" in response.get_data(as_text=True)
