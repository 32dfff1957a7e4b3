"""Revisits and spot-checks in English and 繁體: headings, statuses, outcomes, verdicts and the built-in
questionnaire are translated; what is stored stays in 简体 as the portal defines it."""
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models.revisits import RevisitRecord, SpotCheck
from portal.revisits.services import default_questionnaire
from tests.conftest import speaking

ENGLISH, TRADITIONAL = "en", "zh_Hant_TW"
ANSWERS = {"q1": "无变化", "q2": "经常使用", "q3": ["产品质量"], "q4": 4, "q5": "希望增加培训"}



def revisit_with_record(make_user, make_customer, make_task, make_record, language):
    """A service user reading `language` with an open task due today, a refused one and a completed revisit
    answered on the default questionnaire."""
    service = speaking(make_user("service"), language)
    customer = make_customer(name="甲方科技有限公司")
    make_task(customer, assignee=service, due_on=date(2026, 11, 24))
    refused = make_task(make_customer(), assignee=service, due_on=date(2026, 11, 20), status="拒访")
    version = default_questionnaire().current_version
    record = make_record(customer, service, datetime(2026, 11, 23, 10), satisfaction=4, task=refused,
                         questionnaire_version=version, issues_raised="交付慢", issue_category="服务")
    record.answers = ANSWERS
    db.session.commit()
    return service, refused, record


def test_task_list_and_record_in_english(app, frozen_now, make_user, make_customer, make_task, make_record, login_as):
    service, refused, record = revisit_with_record(make_user, make_customer, make_task, make_record, ENGLISH)
    client = login_as(service)

    listing = client.get("/revisits/?status=all").get_data(as_text=True)
    assert "Revisit tasks" in listing and "My tasks" in listing and "Unanswered attempts" in listing
    assert "Due today" in listing and "Refused" in listing and "Phone" in listing
    assert ">拒访<" not in listing and "今日到期" not in listing

    page = client.get(f"/revisits/records/{record.id}").get_data(as_text=True)
    assert "Record details" in page and "Answers" in page
    assert "Completed" in page and "Phone" in page and " (Service)" in page
    # The built-in questionnaire shows in the reader's language; the typed answer stays as typed.
    assert "Overall satisfaction with our service" in page and "Product quality" in page and "No change" in page
    assert "希望增加培训" in page and "对我们整体服务的满意度" not in page
    assert "Questionnaire: Revisit questionnaire, version 1" in page

    timeline = client.get(f"/customers/{record.customer_id}").get_data(as_text=True)
    assert '<span class="timeline-kind">Revisit</span>' in timeline and "Revisit by Phone: Completed" in timeline

    db.session.refresh(refused)
    assert refused.status == "拒访" and db.session.get(RevisitRecord, record.id).answers["q3"] == ["产品质量"]


def test_task_list_and_record_in_traditional(app, frozen_now, make_user, make_customer, make_task, make_record,
                                             login_as):
    service, _refused, record = revisit_with_record(make_user, make_customer, make_task, make_record, TRADITIONAL)
    client = login_as(service)

    listing = client.get("/revisits/?status=all").get_data(as_text=True)
    assert "回訪任務" in listing and "我的任務" in listing and "未接通次數" in listing
    assert "拒訪" in listing and "今日到期" in listing and ">拒访<" not in listing

    page = client.get(f"/revisits/records/{record.id}").get_data(as_text=True)
    assert "記錄資訊" in page and "問卷答案" in page
    assert "對我們整體服務的滿意度" in page and "產品品質" in page and "希望增加培训" in page


def test_revisit_task_page_and_422_error_in_english(app, frozen_now, make_user, make_customer, make_task, login_as):
    service = speaking(make_user("service"), ENGLISH)
    task = make_task(make_customer(), assignee=service, due_on=date(2026, 11, 25))
    client = login_as(service)

    page = client.get(f"/revisits/tasks/{task.id}").get_data(as_text=True)
    assert "Customer at a glance" in page and "Due tomorrow" in page and "Revisit result" in page
    assert "No answer" in page and "Save and next" in page

    response = client.post(f"/revisits/tasks/{task.id}", data={
        "version": str(task.version), "outcome": "完成", "q_q1": "无变化", "q_q2": "经常使用", "q_q5": "希望增加培训"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Answer this question" in page and "请回答此问题" not in page and "希望增加培训" in page
    assert db.session.scalar(select(RevisitRecord)) is None


def test_plan_generation_message_in_english(app, frozen_now, make_user, make_customer, login_as):
    from portal.models.revisits import RevisitPlan

    planner = speaking(make_user("admin"), ENGLISH)
    make_customer(stage="成交")
    plan = RevisitPlan(name="成交回访", segment="deal", method="电话", starts_on=date(2026, 11, 24),
                       questionnaire=default_questionnaire())
    db.session.add(plan)
    db.session.commit()
    client = login_as(planner)
    page = client.post(f"/revisits/plans/{plan.id}/generate", follow_redirects=True).get_data(as_text=True)
    assert "Revisit tasks generated: 1" in page and "Won customers" in page


def test_work_list_section_in_english(app, frozen_now, make_user, make_customer, make_task):
    from portal.workbench.sections import work_sections

    service = speaking(make_user("service"), ENGLISH)
    make_task(make_customer(name="乙方贸易有限公司"), assignee=service, due_on=date(2026, 11, 21))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        section = {s.key: s for s in work_sections(service, date(2026, 11, 24))}["revisit_tasks"]
        assert section.title == "Revisit tasks (due within 3 days or overdue)"
        assert section.items[0].title == "Revisit 乙方贸易有限公司"
        assert section.items[0].status_word == "3 days overdue"
        assert section.items[0].actions[0].label == "Complete revisit"


def test_spot_checks_in_english(app, frozen_now, make_user, make_department, make_customer, make_record, login_as):
    team = make_department("客服部")
    supervisor = speaking(make_user("supervisor", team), ENGLISH)
    staff = make_user("service", team, username="kf1")
    customer = make_customer(name="丙方制造有限公司")
    pending = make_record(customer, staff, datetime(2026, 11, 2, 10), satisfaction=4)
    untrue = make_record(customer, staff, datetime(2026, 11, 3, 10), satisfaction=5)
    for record, result in ((pending, "待抽查"), (untrue, "不真实")):
        db.session.add(SpotCheck(record_id=record.id, staff_id=staff.id, supervisor_id=supervisor.id, sample_seed=7,
                                 period_start=date(2026, 11, 1), period_end=date(2026, 11, 30), result=result))
    db.session.commit()
    client = login_as(supervisor)

    listing = client.get("/spot-checks/").get_data(as_text=True)
    assert "Draw sample" in listing and "Random seed" in listing and "Verdict" in listing
    assert "Not yet checked" in listing and "Not genuine" in listing and "不真实" not in listing

    check = db.session.scalar(select(SpotCheck).where(SpotCheck.record_id == pending.id))
    page = client.get(f"/spot-checks/{check.id}").get_data(as_text=True)
    assert "Spot-check period 2026-11-01 ~ 2026-11-30 · random seed 7" in page
    assert "Passed" in page and "Procedure not followed" in page and "Save verdict" in page

    response = client.post(f"/spot-checks/{check.id}", data={"version": str(check.version), "result": "不完整"})
    assert response.status_code == 422
    assert "Enter the corrective action when a problem is found" in response.get_data(as_text=True)
    db.session.refresh(check)
    assert check.result == "待抽查"

    drawn = client.get("/spot-checks/draw").get_data(as_text=True)
    assert "Draw a sample of revisit records" in drawn and "By percentage (%)" in drawn
