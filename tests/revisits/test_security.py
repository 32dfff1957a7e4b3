"""Revisits against forgery, stored XSS, mass assignment and IDOR (SECURITY.md #10, #12–#14)."""
from datetime import date, datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.revisits import RevisitPlan, RevisitRecord, SpotCheck
from portal.revisits.services import default_questionnaire
from tests.auth.test_csrf_and_headers import csrf_token, login_with_csrf
from tests.revisits.conftest import draw

XSS = '<script>alert(1)</script><div hx-get="/logout" hx-trigger="load">x</div>'


def test_revisit_and_acknowledge_need_a_csrf_token(csrf_app, make_user, make_customer, make_task):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    client = login_with_csrf(csrf_app, service)
    data = {"version": str(task.version), "outcome": "拒访"}
    assert client.post(f"/revisits/tasks/{task.id}", data=data).status_code == 400
    assert client.post(f"/revisits/tasks/{task.id}", data=data | {"csrf_token": "garbage"}).status_code == 400
    assert db.session.scalar(select(func.count(RevisitRecord.id))) == 0
    token = csrf_token(client, "/revisits/")
    assert client.post(f"/revisits/tasks/{task.id}", data=data | {"csrf_token": token}).status_code == 303


def test_free_text_renders_inert_on_every_surface(app, frozen_now, make_user, make_department, make_customer,
                                                  make_task, login_as):
    team = make_department("客服部")
    service, supervisor = make_user("service", team), make_user("supervisor", team)
    task = make_task(make_customer(), assignee=service)
    response = login_as(service).post(f"/revisits/tasks/{task.id}", data={
        "version": str(task.version), "outcome": "完成", "q_q1": "无变化", "q_q2": "经常使用", "q_q4": "3",
        "q_q5": XSS, "contact_person": XSS[:60], "issues_raised": XSS, "issue_category": "其他", "notes": XSS})
    assert response.status_code == 303
    record = db.session.scalar(select(RevisitRecord))
    boss = login_as(supervisor)
    draw(boss, {"period_start": "2026-11-01", "period_end": "2026-11-30", "mode": "count",
                                         "size": "1", "seed": "1"})
    check = db.session.scalar(select(SpotCheck))
    boss.post(f"/spot-checks/{check.id}", data={"version": str(check.version), "result": "不真实", "comment": XSS,
                                                "corrective_action": XSS})
    pages = [login_as(service).get(f"/revisits/records/{record.id}"), boss.get(f"/spot-checks/{check.id}"),
             login_as(service).get("/revisits/findings/"), login_as(service).get(f"/revisits/customers/{record.customer_id}"),
             login_as(service).get(f"/revisits/tasks/{task.id}")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in html and '<div hx-get="/logout"' not in html


def test_plan_form_cannot_set_unoffered_fields(app, make_user, login_as):
    questionnaire = default_questionnaire()
    db.session.commit()
    planner, other = make_user("marketing"), make_user("marketing")
    response = login_as(planner).post("/revisits/plans/new", data={
        "name": "季度回访", "segment": "deal", "method": "电话", "starts_on": "2026-11-24", "window_workdays": "5",
        "questionnaire_id": str(questionnaire.id), "created_by_id": str(other.id), "tasks_generated_at": "2020-01-01",
        "version": "7"})
    assert response.status_code == 303
    plan = db.session.scalar(select(RevisitPlan))
    assert (plan.created_by_id, plan.tasks_generated_at, plan.version) == (planner.id, None, 1)


def test_assignee_outside_the_offered_list_is_refused(app, make_user, login_as):
    questionnaire = default_questionnaire()
    db.session.commit()
    sales = make_user("sales")  # not a revisit role, so not offered
    response = login_as(make_user("marketing")).post("/revisits/plans/new", data={
        "name": "季度回访", "segment": "deal", "method": "电话", "starts_on": "2026-11-24", "window_workdays": "5",
        "questionnaire_id": str(questionnaire.id), "assignee_ids": [str(sales.id)]})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(RevisitPlan.id))) == 0


def test_denied_writes_change_nothing(app, frozen_now, make_user, make_department, make_customer, make_task,
                                     make_record, login_as):
    team, other = make_department("客服部"), make_department("销售部")
    service = make_user("service", team)
    record = make_record(make_customer(), service, datetime(2026, 11, 3, 10), satisfaction=4)
    check = SpotCheck(record_id=record.id, staff_id=service.id, supervisor_id=make_user("admin").id, sample_seed=1,
                      period_start=date(2026, 11, 1), period_end=date(2026, 11, 30))
    db.session.add(check)
    db.session.commit()
    foreign_supervisor = login_as(make_user("supervisor", other))
    assert foreign_supervisor.post(f"/spot-checks/{check.id}", data={"version": "1", "result": "不真实",
                                                                      "corrective_action": "x"}).status_code == 404
    assert foreign_supervisor.get(f"/revisits/records/{record.id}").status_code == 404
    db.session.refresh(check)
    assert (check.result, check.version) == ("待抽查", 1)
