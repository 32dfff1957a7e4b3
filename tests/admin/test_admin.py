"""Admin pages: users, departments, settings, and the audit log with field-level diffs."""
import pytest
from sqlalchemy import select

from portal.admin.services import settings_form_data
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.settings_store import get_setting
from tests.access import ROLES
from tests.conftest import HX


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("path", ["/admin/users/", "/admin/users/new", "/admin/departments/", "/admin/settings"])
def test_admin_pages_refused_for_other_roles(make_user, login_as, role, path):
    assert login_as(make_user(role)).get(path).status_code == 403


def test_create_user_validates_in_chinese_and_keeps_input(make_user, login_as):
    admin = login_as(make_user("admin"))
    response = admin.post("/admin/users/new", data={"username": "bad name!", "display_name": "王五", "role": "sales", "password": "123"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名只能包含字母" in body and "密码至少需要8个字符" in body and 'value="王五"' in body


def test_create_user_then_log_in(app, make_user, login_as):
    admin = login_as(make_user("admin"))
    response = admin.post("/admin/users/new", data={"username": "wangwu", "display_name": "王五", "role": "service", "password": "客服王五的密码很长"})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.username == "wangwu"))
    assert user.role == "service" and user.password_hash.startswith("scrypt:")
    client = app.test_client()
    assert client.post("/login", data={"username": "wangwu", "password": "客服王五的密码很长"}).status_code == 303


def test_user_update_writes_audit_entry_with_field_diff(make_user, make_department, login_as):
    department = make_department("客服部")
    target = make_user("sales", username="lisi", display_name="李四")
    admin_user = make_user("admin")
    admin = login_as(admin_user)
    response = admin.post(
        f"/admin/users/{target.id}/edit",
        data={"version": target.version, "username": "lisi", "display_name": "李四", "role": "service", "department_id": department.id},
    )
    assert response.status_code == 303
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.record_type == "User", AuditEntry.record_id == str(target.id), AuditEntry.action == "update")
    )
    assert entry.user_id == admin_user.id and entry.address == "127.0.0.1"
    assert entry.changes == {"role": ["sales", "service"], "department_id": [None, department.id]}
    assert "password_hash" not in str(entry.changes) and "session_token" not in str(entry.changes)


def test_create_is_audited_without_secrets(make_user, login_as):
    admin = login_as(make_user("admin"))
    admin.post("/admin/users/new", data={"username": "zhaoliu", "display_name": "赵六", "role": "sales", "password": "赵六的密码也很长哦"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "User", AuditEntry.action == "create").order_by(AuditEntry.id.desc()))
    created = db.session.scalar(select(User).where(User.username == "zhaoliu"))
    assert entry.record_id == str(created.id)
    assert entry.changes["username"] == [None, "zhaoliu"]
    assert "password_hash" not in entry.changes and "session_token" not in entry.changes


def test_stale_user_edit_is_refused(make_user, login_as):
    target = make_user("sales", username="stale")
    admin = login_as(make_user("admin"))
    data = {"version": target.version, "username": "stale", "display_name": "新名字", "role": "sales", "department_id": ""}
    assert admin.post(f"/admin/users/{target.id}/edit", data=data).status_code == 303
    response = admin.post(f"/admin/users/{target.id}/edit", data=data | {"display_name": "覆盖"})
    assert response.status_code == 409
    db.session.refresh(target)
    assert target.display_name == "新名字"


def test_admin_cannot_deactivate_self(make_user, login_as):
    admin_user = make_user("admin")
    admin = login_as(admin_user)
    admin.post(f"/admin/users/{admin_user.id}/deactivate")
    db.session.refresh(admin_user)
    assert admin_user.is_active_user


def test_settings_round_trip_and_validation(make_user, login_as, app):
    admin = login_as(make_user("admin"))
    page = admin.get("/admin/settings").get_data(as_text=True)
    # The cadence is counted in calendar days, and the page says what happens on a holiday.
    assert "A级客户跟进周期（自然日）" in page and 'value="7"' in page
    assert "到期日落在节假日或周末时顺延到下一个工作日" in page
    with app.test_request_context():
        form = {name: str(value) for name, value in settings_form_data().items() if not isinstance(value, bool)}
    assert (form["work_start"], form["work_end"]) == ("09:00", "18:00")
    form["cadence_A"] = "5"
    form["work_start"], form["respond_in_working_hours"] = "08:30", "y"
    assert admin.post("/admin/settings", data=form).status_code == 303
    with app.test_request_context():
        assert get_setting("cadence_days") == {"A": 5, "B": 14, "C": 30}
        assert get_setting("work_hours") == {"start": "08:30", "end": "18:00"}
        assert get_setting("respond_in_working_hours") is True
    for start, end, message in (("25:00", "18:00", "时间格式应为 HH:MM"), ("18:00", "09:00", "工作时间结束应晚于开始")):
        response = admin.post("/admin/settings", data=form | {"work_start": start, "work_end": end})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    form["cadence_A"] = "-1"
    response = admin.post("/admin/settings", data=form)
    assert response.status_code == 422 and "应在0到365之间" in response.get_data(as_text=True)


def test_funnel_probabilities_and_tech_order_amounts_are_settings(make_user, login_as, app):
    """The stage win rates the funnel weighs by, and whether technicians see order amounts, are set here."""
    admin = login_as(make_user("admin"))
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "商机赢率：方案报价（百分比）" in page and "技术支持可以看到订单的金额" in page
    with app.test_request_context():
        form = {name: str(value) for name, value in settings_form_data().items() if not isinstance(value, bool)}
    assert form["probability_2"] == "50"
    form["probability_2"], form["tech_sees_order_amounts"] = "60", "y"
    assert admin.post("/admin/settings", data=form).status_code == 303
    with app.test_request_context():
        assert get_setting("opportunity_probabilities")["方案报价"] == 60
        assert get_setting("opportunity_probabilities")["赢单"] == 100
        assert get_setting("tech_sees_order_amounts") is True
    response = admin.post("/admin/settings", data=form | {"probability_2": "101"})
    assert response.status_code == 422 and "应在0到100之间" in response.get_data(as_text=True)


def test_audit_log_filters_and_fragment(make_user, login_as):
    admin_user = make_user("admin")
    admin = login_as(admin_user)
    admin.post("/admin/departments/new", data={"name": "审计测试部"})
    page = admin.get(f"/audit/?user_id={admin_user.id}&record_type=Department").get_data(as_text=True)
    assert "审计测试部" in page and "<html" in page
    fragment = admin.get("/audit/?record_type=Department", headers=HX).get_data(as_text=True)
    assert "审计测试部" in fragment and "<html" not in fragment
    assert "审计测试部" not in admin.get("/audit/?record_type=User").get_data(as_text=True)


def test_supervisor_sees_only_department_audit(make_user, make_department, login_as):
    sales = make_department("销售部")
    supervisor = make_user("supervisor", department=sales)
    outsider_admin = login_as(make_user("admin"))
    outsider_admin.post("/admin/departments/new", data={"name": "管理员建的部门"})
    page = login_as(supervisor).get("/audit/").get_data(as_text=True)
    assert "管理员建的部门" not in page


def test_paging_cannot_be_widened(make_user, login_as):
    admin = login_as(make_user("admin"))
    for number in range(3):
        make_user("sales")
    body = admin.get("/admin/users/?per_page=100000").get_data(as_text=True)
    assert "共 4 条" in body
