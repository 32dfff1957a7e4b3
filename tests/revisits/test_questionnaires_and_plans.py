"""Questionnaire versioning and the builder; plans generating tasks by working days."""
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models.revisits import Questionnaire, QuestionnaireVersion, RevisitRecord, RevisitTask
from portal.revisits.services import default_questionnaire


def builder_data(name, rows, version=None):
    data = {"name": name, "description": "", "is_active": "y"}
    if version is not None:
        data["version"] = str(version)
    for index, (text, kind, required, options) in enumerate(rows):
        data.update({f"questions-{index}-text": text, f"questions-{index}-type": kind,
                     f"questions-{index}-options": "\n".join(options)})
        if required:
            data[f"questions-{index}-required"] = "y"
    return data


def test_builder_saves_ordered_questions_and_drops_blank_rows(app, make_user, login_as):
    client = login_as(make_user("marketing"))
    assert "第1题" in client.get("/revisits/questionnaires/new").get_data(as_text=True)
    response = client.post("/revisits/questionnaires/new", data=builder_data("售后回访", [
        ("整体满意度", "score", True, []), ("", "text", False, []), ("最常用的功能", "multiple", False, ["报表", "审批"])]))
    assert response.status_code == 303
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.name == "售后回访"))
    assert questionnaire.current_version.number == 1
    assert questionnaire.current_version.questions == [
        {"key": "q1", "text": "整体满意度", "type": "score", "required": True, "options": []},
        {"key": "q2", "text": "最常用的功能", "type": "multiple", "required": False, "options": ["报表", "审批"]},
    ]


def test_builder_errors_are_422_and_keep_input(app, make_user, login_as):
    client = login_as(make_user("marketing"))
    response = client.post("/revisits/questionnaires/new", data=builder_data("", [("只有一个选项", "single", True, ["是"])]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写问卷名称" in page and "单选、多选题至少需要两个选项" in page and "只有一个选项" in page


def test_service_user_cannot_build_questionnaires(app, make_user, login_as):
    client = login_as(make_user("service"))
    assert client.get("/revisits/questionnaires/new").status_code == 403
    assert client.get("/revisits/questionnaires/").status_code == 200


def test_editing_publishes_a_new_version_and_answered_records_keep_theirs(app, frozen_now, make_user, make_customer,
                                                                        make_task, login_as):
    questionnaire = default_questionnaire()
    db.session.commit()
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    login_as(service).post(f"/revisits/tasks/{task.id}", data={
        "version": str(task.version), "outcome": "完成", "q_q1": "无变化", "q_q2": "经常使用", "q_q4": "5"})
    record = db.session.scalar(select(RevisitRecord))
    first = record.questionnaire_version
    assert first.number == 1

    client = login_as(make_user("marketing"))
    response = client.post(f"/revisits/questionnaires/{questionnaire.id}/edit", data=builder_data(
        "回访问卷", [("本次服务评分", "score", True, []), ("其他意见", "text", False, [])], version=questionnaire.version))
    assert response.status_code == 303
    db.session.expire_all()
    assert questionnaire.current_version.number == 2
    assert [q["text"] for q in questionnaire.current_version.questions] == ["本次服务评分", "其他意见"]
    assert record.questionnaire_version.number == 1 and len(record.questionnaire_version.questions) == 6
    assert "对我们整体服务的满意度" in login_as(service).get(f"/revisits/records/{record.id}").get_data(as_text=True)
    # The preview shows either version; a stale edit is refused.
    assert "对我们整体服务的满意度" in client.get(f"/revisits/questionnaires/{questionnaire.id}?v=1").get_data(as_text=True)
    assert "本次服务评分" in client.get(f"/revisits/questionnaires/{questionnaire.id}").get_data(as_text=True)
    stale = client.post(f"/revisits/questionnaires/{questionnaire.id}/edit",
                        data=builder_data("回访问卷", [("x", "text", False, [])], version=1))
    assert stale.status_code == 409
    assert db.session.scalar(select(QuestionnaireVersion.number).order_by(QuestionnaireVersion.number.desc())) == 2


def test_plan_generates_one_task_per_customer_by_working_days(app, frozen_now, make_user, make_customer, login_as):
    marketing = make_user("marketing")
    first, second = make_user("service", username="kf_a"), make_user("service", username="kf_b")
    ordinary = make_customer(name="普通客户", stage="成交")
    key = make_customer(name="重点客户", stage="成交", tier="重点")
    make_customer(name="潜在客户", stage="潜在")
    questionnaire = default_questionnaire()
    db.session.commit()
    client = login_as(marketing)
    response = client.post("/revisits/plans/new", data={
        "name": "成交客户季度回访", "segment": "deal", "method": "电话", "starts_on": "2026-11-24", "window_workdays": "5",
        "questionnaire_id": str(questionnaire.id), "assignee_ids": [str(first.id), str(second.id)]})
    assert response.status_code == 303
    plan_url = response.headers["Location"]
    assert client.post(plan_url + "/generate").status_code == 303
    assert client.post(plan_url + "/generate").status_code == 303  # idempotent
    tasks = {t.customer_id: t for t in db.session.scalars(select(RevisitTask))}
    assert set(tasks) == {ordinary.id, key.id}
    # 5 working days after Tue 11-24 → Tue 12-01; 重点 halves the window: 2 working days → Thu 11-26.
    assert tasks[ordinary.id].due_on == date(2026, 12, 1) and tasks[key.id].due_on == date(2026, 11, 26)
    assert {tasks[ordinary.id].assignee_id, tasks[key.id].assignee_id} == {first.id, second.id}
    assert {t.method for t in tasks.values()} == {"电话"}


def test_manual_plan_needs_codes(app, make_user, login_as):
    default_questionnaire()
    db.session.commit()
    questionnaire_id = db.session.scalar(select(Questionnaire.id))
    response = login_as(make_user("supervisor")).post("/revisits/plans/new", data={
        "name": "名单回访", "segment": "manual", "method": "电话", "starts_on": "2026-11-24", "window_workdays": "3",
        "questionnaire_id": str(questionnaire_id), "customer_codes": ""})
    assert response.status_code == 422 and "手工名单请至少填写一个客户编号" in response.get_data(as_text=True)


def test_answers_are_checked_against_the_version_the_form_showed(app, frozen_now, make_user, make_customer,
                                                                 make_task, login_as):
    questionnaire = default_questionnaire()
    first = questionnaire.current_version
    db.session.commit()
    service = make_user("service")
    task = make_task(make_customer(), assignee=service)
    client = login_as(service)
    assert f'name="questionnaire_version" type="hidden" value="{first.id}"' in client.get(
        f"/revisits/tasks/{task.id}").get_data(as_text=True)
    questionnaire.publish([{"key": "q1", "text": "新题", "type": "text", "required": True, "options": []}], by=None)
    db.session.commit()  # edited while the revisitor was on the phone
    response = client.post(f"/revisits/tasks/{task.id}", data={
        "version": str(task.version), "questionnaire_version": str(first.id), "outcome": "完成",
        "q_q1": "无变化", "q_q2": "经常使用", "q_q4": "4"})
    assert response.status_code == 303
    record = db.session.scalar(select(RevisitRecord))
    assert record.questionnaire_version_id == first.id and record.answers["q1"] == "无变化"


def test_manual_plan_names_codes_not_found_or_out_of_scope_before_saving(app, frozen_now, make_user, make_department,
                                                                         make_customer, login_as):
    from portal.models.revisits import RevisitPlan

    department = make_department("销售部")
    supervisor = make_user("supervisor", department=department)
    mine = make_customer(name="本部门客户", owner=make_user("sales", department=department))
    theirs = make_customer(name="别部门客户", owner=make_user("sales"))
    archived = make_customer(name="已归档客户", owner=supervisor)
    archived.archived_at = archived.created_at
    questionnaire_id = default_questionnaire().id
    db.session.commit()
    codes = "\n".join([mine.code.lower(), theirs.code, "KH2099999999", archived.code])
    response = login_as(supervisor).post("/revisits/plans/new", data={
        "name": "名单回访", "segment": "manual", "method": "电话", "starts_on": "2026-11-24", "window_workdays": "3",
        "questionnaire_id": str(questionnaire_id), "customer_codes": codes})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"以下客户编号不存在或不在您的客户范围内，请核对：{theirs.code}、KH2099999999、{archived.code}" in html
    assert mine.code not in html.split("请核对：")[1].split("<")[0]
    assert db.session.scalar(select(RevisitPlan.id)) is None
