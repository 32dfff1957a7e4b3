"""Doing a revisit: answers against the questionnaire version, 未接通 retries, issue → ticket."""
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models.revisits import RevisitRecord
from portal.revisits.services import default_questionnaire

ANSWERS = {"q_q1": "无变化", "q_q2": "经常使用", "q_q3": ["交付时效", "售后响应"], "q_q4": "4", "q_q5": "希望增加培训"}


def post_revisit(client, task, **data):
    form = {"version": str(task.version), "contact_person": "王经理", **data}
    return client.post(f"/revisits/tasks/{task.id}", data=form)


def test_completed_revisit_stores_answers_against_the_version(app, frozen_now, make_user, make_customer, make_task,
                                                              login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    version = default_questionnaire().current_version
    db.session.commit()
    client = login_as(service)
    page = client.get(f"/revisits/tasks/{task.id}").get_data(as_text=True)
    assert "对我们整体服务的满意度" in page and "王经理" in page  # questionnaire beside the customer's facts

    response = post_revisit(client, task, outcome="完成", **ANSWERS)
    assert response.status_code == 303
    record = db.session.scalar(select(RevisitRecord))
    assert record.questionnaire_version_id == version.id
    assert record.answers == {"q1": "无变化", "q2": "经常使用", "q3": ["交付时效", "售后响应"], "q4": 4, "q5": "希望增加培训"}
    assert record.satisfaction == 4 and record.staff_id == service.id
    db.session.refresh(task)
    assert task.status == "已完成" and task.completed_at is not None


def test_missing_required_answer_is_422_and_keeps_what_was_typed(app, frozen_now, make_user, make_customer, make_task,
                                                                login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    client = login_as(service)
    answers = dict(ANSWERS)
    del answers["q_q4"]
    response = post_revisit(client, task, outcome="完成", **answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请回答此问题" in page and "希望增加培训" in page
    assert db.session.scalar(select(RevisitRecord)) is None


def test_answer_outside_the_versions_choices_is_refused(app, frozen_now, make_user, make_customer, make_task, login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    response = post_revisit(login_as(service), task, outcome="完成", **{**ANSWERS, "q_q4": "9"})
    assert response.status_code == 422
    assert db.session.scalar(select(RevisitRecord)) is None


def test_unreachable_reschedules_to_next_working_day_and_closes_after_three_attempts(app, frozen_now, make_user,
                                                                                   make_customer, make_task, login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service, due_on=date(2026, 11, 24))
    client = login_as(service)
    assert post_revisit(client, task, outcome="未接通").status_code == 303  # no answers needed
    db.session.refresh(task)
    assert (task.status, task.due_on, task.attempts, task.retry_count) == ("待回访", date(2026, 11, 25), 1, 1)

    frozen_now.move_to("2026-11-27 10:00:00+08:00")  # Friday: next working day is Monday 11-30
    client = login_as(service)  # the idle timeout ended the old session
    assert post_revisit(client, task, outcome="未接通").status_code == 303
    db.session.refresh(task)
    assert (task.status, task.due_on, task.retry_count) == ("待回访", date(2026, 11, 30), 2)

    assert post_revisit(client, task, outcome="未接通").status_code == 303
    db.session.refresh(task)
    assert (task.status, task.attempts) == ("未接通", 3)
    assert [r.outcome for r in db.session.scalars(select(RevisitRecord))] == ["未接通"] * 3
    assert post_revisit(client, task, outcome="完成", **ANSWERS).status_code == 403  # closed task


def test_refused_closes_the_task_without_answers(app, frozen_now, make_user, make_customer, make_task, login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    assert post_revisit(login_as(service), task, outcome="拒访").status_code == 303
    db.session.refresh(task)
    record = db.session.scalar(select(RevisitRecord))
    assert task.status == "拒访" and record.answers == {} and record.satisfaction is None


def test_stale_version_is_409(app, frozen_now, make_user, make_customer, make_task, login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    response = login_as(service).post(f"/revisits/tasks/{task.id}", data={"version": "99", "outcome": "拒访"})
    assert response.status_code == 409
    assert db.session.scalar(select(RevisitRecord)) is None


def test_issue_raised_becomes_a_linked_revisit_ticket(app, frozen_now, make_user, make_customer, make_task, login_as):
    from portal.models.tickets import Ticket

    service = make_user("service")
    customer = make_customer()
    task = make_task(customer, assignee=service)
    response = post_revisit(login_as(service), task, outcome="完成", issues_raised="发票寄错地址，需重开",
                            issue_category="服务", open_ticket="y", **ANSWERS)
    assert response.status_code == 303
    record = db.session.scalar(select(RevisitRecord))
    ticket = db.session.get(Ticket, record.ticket_id)
    assert (ticket.kind, ticket.category, ticket.customer_id, ticket.channel) == ("回访问题", "服务", customer.id, "回访")
    assert ticket.description == "发票寄错地址，需重开"
    assert record.ticket is ticket and ticket.revisit_records == [record]


def test_issue_needs_a_category(app, frozen_now, make_user, make_customer, make_task, login_as):
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    response = post_revisit(login_as(service), task, outcome="完成", issues_raised="价格偏高", **ANSWERS)
    assert response.status_code == 422 and "请选择问题类别" in response.get_data(as_text=True)


def test_colleague_outside_the_team_cannot_see_the_task(app, make_user, make_department, make_customer, make_task,
                                                       login_as):
    team, other = make_department("客服一部"), make_department("客服二部")
    owner, colleague, outsider = make_user("service", team), make_user("service", team), make_user("service", other)
    task = make_task(make_customer(), assignee=owner)
    assert login_as(colleague).get(f"/revisits/tasks/{task.id}").status_code == 200
    assert login_as(colleague).post(f"/revisits/tasks/{task.id}", data={"outcome": "拒访", "version": "1"}).status_code == 403
    assert login_as(outsider).get(f"/revisits/tasks/{task.id}").status_code == 404


def test_task_list_filters_and_marks_overdue_with_a_word(app, frozen_now, make_user, make_customer, make_task,
                                                        login_as, hx):
    service = make_user("service")
    make_task(make_customer(name="逾期客户甲"), assignee=service, due_on=date(2026, 11, 20), method="电话")
    make_task(make_customer(name="今日客户乙"), assignee=service, due_on=date(2026, 11, 24), method="邮件")
    make_task(make_customer(name="别人的客户丙"), assignee=make_user("service"), due_on=date(2026, 11, 24))
    make_task(make_customer(name="已归档客户戊", archived_at=datetime(2026, 11, 1)), assignee=service)
    client = login_as(service)
    page = client.get("/revisits/").get_data(as_text=True)
    assert "逾期客户甲" in page and "逾期4天" in page and "今日到期" in page and "别人的客户丙" not in page
    assert "已归档客户戊" not in page
    fragment = client.get("/revisits/?method=邮件", headers=hx).get_data(as_text=True)
    assert "今日客户乙" in fragment and "逾期客户甲" not in fragment and "<html" not in fragment
    overdue = client.get("/revisits/?due=overdue").get_data(as_text=True)
    assert "逾期客户甲" in overdue and "今日客户乙" not in overdue


def test_task_list_query_count_does_not_grow_with_rows(app, make_user, make_customer, make_task, login_as, count_queries):
    service = make_user("service")
    client = login_as(service)
    make_task(make_customer(), assignee=service)
    client.get("/revisits/")
    with count_queries() as few:
        client.get("/revisits/")
    for _ in range(6):
        make_task(make_customer(), assignee=service)
    client.get("/revisits/")  # same warm-up as above (factories' commits expire the session)
    with count_queries() as many:
        assert client.get("/revisits/").status_code == 200
    assert many.count == few.count


def test_planners_see_the_team_list_by_default_and_no_form_they_cannot_submit(app, frozen_now, make_user,
                                                                             make_customer, make_task, login_as):
    service = make_user("service", display_name="小王")
    task = make_task(make_customer(name="团队客户丁"), assignee=service)
    marketing = login_as(make_user("marketing"))
    assert "团队客户丁" in marketing.get("/revisits/").get_data(as_text=True)
    assert "团队客户丁" not in marketing.get("/revisits/?scope=mine").get_data(as_text=True)
    page = marketing.get(f"/revisits/tasks/{task.id}").get_data(as_text=True)
    assert "只有回访人" in page and "保存回访结果" not in page
