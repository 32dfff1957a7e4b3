"""Recording follow-ups inline: 补录 at exactly 30 minutes, stage history, 422/htmx responses,
the edit window, timeline events (orders: tests/sales)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import StageChange
from portal.models.followups import FollowUp
from portal.timeline import customer_timeline


def form(**overrides):
    data = {"contacted_at": "2026-11-24T09:30", "method": "电话", "participants": "王经理",
            "content": "介绍新版方案，客户关注价格", "result": "同意安排演示", "next_action": "上门演示",
            "next_action_on": "2026-11-27", "stage_to": "", "stage_reason": ""}
    data.update(overrides)
    return data


def test_exactly_thirty_minutes_is_on_time(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="A")
    client = login_as(sales)
    response = client.post(f"/followups/customers/{customer.id}/new", data=form(contacted_at="2026-11-24T09:30"))
    assert response.status_code == 303
    followup = db.session.scalar(select(FollowUp))
    assert followup.recorded_at == datetime(2026, 11, 24, 10, 0)
    assert followup.is_late is False
    assert followup.author_id == sales.id


def test_thirty_one_minutes_is_late(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="A")
    login_as(sales).post(f"/followups/customers/{customer.id}/new", data=form(contacted_at="2026-11-24T09:29"))
    followup = db.session.scalar(select(FollowUp))
    assert followup.is_late is True
    # The customer row is maintained: next action 11-27 is earlier than 11-24 + 7.
    db.session.refresh(customer)
    assert customer.last_contacted_at == datetime(2026, 11, 24, 9, 29)
    assert customer.next_due_on == date(2026, 11, 27)


def test_invalid_form_is_422_and_keeps_input(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    response = login_as(sales).post(f"/followups/customers/{customer.id}/new",
                                    data=form(content="", participants="保留的参与人", contacted_at="2026-11-25T09:00"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请填写沟通内容" in html and "联系时间不能晚于现在" in html
    assert "保留的参与人" in html
    assert db.session.scalar(select(FollowUp)) is None


def test_htmx_save_returns_section_and_triggers_timeline(app, frozen_now, login_as, make_user, new_customer, hx):
    sales = make_user("sales")
    customer = new_customer(sales)
    response = login_as(sales).post(f"/followups/customers/{customer.id}/new", data=form(), headers=hx)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#followup-section"
    assert "timeline-changed" in response.headers["HX-Trigger"]
    html = response.get_data(as_text=True)
    assert 'id="followup-section"' in html and "介绍新版方案" in html and "<html" not in html
    assert 'id="customer-timeline" hx-swap-oob="true"' in html  # the page timeline updates too
    with app.test_request_context():
        events = [e for e in customer_timeline(customer) if e.kind in ("跟进", "成交")]
    assert [(e.kind, e.title) for e in events] == [("跟进", "电话跟进")]


def test_stage_change_with_reason_keeps_history(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    client = login_as(sales)
    missing = client.post(f"/followups/customers/{customer.id}/new", data=form(stage_to="意向"))
    assert missing.status_code == 422 and "变更阶段时请填写原因" in missing.get_data(as_text=True)
    client.post(f"/followups/customers/{customer.id}/new", data=form(stage_to="意向", stage_reason="确认采购预算"))
    change = db.session.scalar(select(StageChange))
    assert (change.from_stage, change.to_stage, change.reason, change.changed_by_id) == ("潜在", "意向", "确认采购预算", sales.id)
    assert change.changed_at == datetime(2026, 11, 24, 10, 0)
    db.session.refresh(customer)
    assert customer.stage == "意向"
    followup = db.session.scalar(select(FollowUp))
    assert (followup.stage_from, followup.stage_to) == ("潜在", "意向")


def test_edit_window_author_then_supervisor(app, frozen_now, login_as, make_user, make_department, new_customer):
    department = make_department("销售一部")
    sales = make_user("sales", department=department)
    supervisor = make_user("supervisor", department=department)
    customer = new_customer(sales)
    login_as(sales).post(f"/followups/customers/{customer.id}/new", data=form())
    followup = db.session.scalar(select(FollowUp))
    edit = {**form(content="补充：客户要求分期付款"), "version": str(followup.version)}

    frozen_now.move_to("2026-11-25 09:59:00+08:00")
    author = login_as(sales)
    assert author.get(f"/followups/{followup.id}/edit").status_code == 200
    assert author.post(f"/followups/{followup.id}/edit", data=edit).status_code == 303
    db.session.refresh(followup)
    assert followup.content == "补充：客户要求分期付款"
    assert followup.is_late is False  # re-judged against the original recording time

    frozen_now.move_to("2026-11-25 10:00:01+08:00")
    author = login_as(sales)
    assert author.get(f"/followups/{followup.id}/edit").status_code == 403
    edit["version"] = str(followup.version)
    assert author.post(f"/followups/{followup.id}/edit", data={**edit, "content": "越权修改"}).status_code == 403
    boss = login_as(supervisor)
    assert boss.post(f"/followups/{followup.id}/edit", data={**edit, "content": "主管更正"}).status_code == 303
    db.session.refresh(followup)
    assert followup.content == "主管更正"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "FollowUp",
                                                        AuditEntry.action == "update")).all()
    assert [entry.changes["content"][1] for entry in audit] == ["补充：客户要求分期付款", "主管更正"]
    assert audit[-1].user_id == supervisor.id


def test_stale_version_is_409(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    client = login_as(sales)
    client.post(f"/followups/customers/{customer.id}/new", data=form())
    followup = db.session.scalar(select(FollowUp))
    response = client.post(f"/followups/{followup.id}/edit", data={**form(content="旧版本"), "version": "0"})
    assert response.status_code == 409
    db.session.refresh(followup)
    assert followup.content == "介绍新版方案，客户关注价格"


def test_marketing_reads_but_cannot_record(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    marketing = login_as(make_user("marketing"))
    assert marketing.get(f"/followups/customers/{customer.id}/section").status_code == 200
    assert marketing.post(f"/followups/customers/{customer.id}/new", data=form()).status_code == 403
    assert db.session.scalar(select(FollowUp)) is None
