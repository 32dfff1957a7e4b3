"""我的工作台 for a hand-built fixture: due/overdue follow-ups, dormancy and pool warnings, care
dates, the supervisor's team view with the working-day overdue ladder; fixed query count."""
from datetime import date, datetime

import pytest

from portal import clock
from portal.extensions import db
from portal.settings_store import save_setting
from portal.workbench.sections import work_sections


def sections_for(app, user):
    with app.test_request_context():
        return {section.key: section for section in work_sections(user, clock.today())}


@pytest.fixture
def team(app, make_department, make_user, new_customer):
    """Today is Tuesday 2026-11-24. Zhang has due, overdue, future, dormant-soon and care-date customers."""
    department = make_department("销售一部")
    zhang = make_user("sales", department=department, display_name="张伟")
    li = make_user("sales", department=department, display_name="李娜")
    boss = make_user("supervisor", department=department, display_name="赵敏")
    outsider = make_user("sales", display_name="外部门")
    recent = datetime(2026, 11, 20, 9, 0)
    new_customer(zhang, name="逾期四天", next_due_on=date(2026, 11, 20), last_contacted_at=recent)
    new_customer(zhang, name="今天到期", next_due_on=date(2026, 11, 24), last_contacted_at=recent)
    new_customer(zhang, name="下周到期", next_due_on=date(2026, 12, 1), last_contacted_at=recent,
                 key_contact_birthday=date(1980, 11, 27))
    new_customer(zhang, name="已流失逾期", stage="流失", next_due_on=date(2026, 11, 1), last_contacted_at=recent)
    # 90-day dormancy: last contact 2026-09-01 -> dormant on 2026-11-30, six days away.
    new_customer(zhang, name="快沉睡", next_due_on=date(2026, 12, 10), last_contacted_at=datetime(2026, 9, 1, 9, 0),
                 company_anniversary=date(2015, 12, 1))
    new_customer(li, name="李的逾期两周", next_due_on=date(2026, 11, 10), last_contacted_at=recent)
    new_customer(li, name="李的逾期两天", next_due_on=date(2026, 11, 20), last_contacted_at=recent)
    new_customer(outsider, name="外部门逾期", next_due_on=date(2026, 11, 1), last_contacted_at=recent)
    return {"zhang": zhang, "li": li, "boss": boss, "outsider": outsider}


def titles(section):
    return [(item.title, item.status_word) for item in section.items]


def test_sales_work_list_contents(app, frozen_now, team):
    sections = sections_for(app, team["zhang"])
    assert sections["followups_due"].total == 2
    assert titles(sections["followups_due"]) == [("逾期四天", "逾期4天"), ("今天到期", "今日到期")]
    assert [item.tone for item in sections["followups_due"].items] == ["red", "amber"]
    assert titles(sections["dormant_soon"]) == [("快沉睡", "6天后沉睡")]
    care = sections["care_dates"]
    assert care.total == 2
    assert [(i.title, i.status_word, i.detail) for i in care.items] == [
        ("下周到期", "3天后", "关键联系人生日"), ("快沉睡", "7天后", "公司周年")]
    assert "team_overdue" not in sections and "pool_warning" not in sections  # pool rule off by default


def test_supervisor_sees_team_per_person_with_ladder(app, frozen_now, team):
    sections = sections_for(app, team["boss"])
    # Escalation after 3 working days: Tue 11-24, Mon 11-23, Fri 11-20 -> due on or before 11-19.
    overview = sections["team_overdue"]
    assert titles(overview) == [("李娜", "逾期2位，超3个工作日1位"), ("张伟", "逾期1位")]
    assert overview.total == 1
    assert titles(sections["team_escalated"]) == [("李的逾期两周", "逾期14天")]
    assert sections["team_escalated"].items[0].detail == "负责人：李娜"


def test_escalated_total_reused_from_the_ladder_equals_its_own_count(app, frozen_now, team, new_customer):
    """On the page the escalation section takes its count from the ladder (issue 6): same number as
    counting on its own, lost and archived customers and other departments left out."""
    new_customer(team["li"], name="李的流失", stage="流失", next_due_on=date(2026, 11, 2))
    new_customer(team["zhang"], name="张的逾期一月", next_due_on=date(2026, 10, 24))
    from portal.workbench.followups import team_escalated
    with app.test_request_context():
        alone = team_escalated(team["boss"], clock.today())
    sections = sections_for(app, team["boss"])
    assert alone.total == sections["team_escalated"].total == sections["team_overdue"].total == 2
    assert titles(sections["team_escalated"]) == titles(alone)


def test_ladder_waits_for_working_days_not_calendar_days(app, frozen_now, team, new_customer):
    # Overdue since Friday 11-20 is 4 calendar days but only 2 working days (Mon, Tue): not escalated.
    sections = sections_for(app, team["boss"])
    assert "李的逾期两天" not in [item.title for item in sections["team_escalated"].items]
    save_setting("supervisor_overdue_workdays", 2)
    db.session.commit()
    sections = sections_for(app, team["boss"])
    assert [item.title for item in sections["team_escalated"].items] == ["李的逾期两周", "逾期四天", "李的逾期两天"]


def test_pool_warning_when_rule_on(app, frozen_now, team, new_customer):
    save_setting("pool_return_enabled", True)
    save_setting("pool_return_days", {"A": 30, "B": 60, "C": 60})
    db.session.commit()
    # Warning 5 working days ahead: Tue 11-24 + 5 working days = Tue 12-01.
    # A, last 2026-11-01: returns 12-01 -> warned (5 working days); A, last 11-02: returns 12-02 -> not yet.
    new_customer(team["zhang"], grade="A", name="A类将退回", next_due_on=date(2026, 12, 20),
                 last_contacted_at=datetime(2026, 11, 1, 9, 0))
    new_customer(team["zhang"], grade="A", name="A类还早", next_due_on=date(2026, 12, 20),
                 last_contacted_at=datetime(2026, 11, 2, 9, 0))
    # B, last 2026-09-28: returns 11-27 (Fri) -> 3 working days.
    new_customer(team["zhang"], grade="B", name="B类将退回", next_due_on=date(2026, 12, 20),
                 last_contacted_at=datetime(2026, 9, 28, 9, 0))
    section = sections_for(app, team["zhang"])["pool_warning"]
    assert titles(section) == [("B类将退回", "3个工作日后退回公海"), ("A类将退回", "5个工作日后退回公海")]


def test_workbench_page_renders_sections(app, frozen_now, team, login_as, hx):
    client = login_as(team["zhang"])
    html = client.get("/").get_data(as_text=True)
    assert "今日及逾期跟进" in html and "逾期4天" in html and "快沉睡" in html
    assert "外部门逾期" not in html and "李的逾期两周" not in html
    fragment = client.get("/", headers=hx).get_data(as_text=True)
    assert "<html" not in fragment and "逾期4天" in fragment


def test_reminder_count(app, frozen_now, team, login_as, hx):
    response = login_as(team["zhang"]).get("/reminders/count", headers=hx)
    assert response.status_code == 200
    assert ">2</span>" in response.get_data(as_text=True)
    page = login_as(team["zhang"]).get("/").get_data(as_text=True)
    assert 'hx-trigger="load, every 60s"' in page and "/reminders/count" in page


def test_work_list_query_count_independent_of_list_sizes(app, frozen_now, team, login_as, new_customer, count_queries):
    zhang = login_as(team["zhang"])
    boss = login_as(team["boss"])
    # The tests share one session with the app: expire it before each measured request so both
    # runs reload the signed-in user alike.
    db.session.expire_all()
    with count_queries() as few_sales:
        zhang.get("/")
    db.session.expire_all()
    with count_queries() as few_boss:
        boss.get("/")
    for n in range(25):
        new_customer(team["zhang"], name=f"加量{n}", next_due_on=date(2026, 11, 2 + n % 20),
                     last_contacted_at=datetime(2026, 9, 1 + n % 5, 9, 0), key_contact_birthday=date(1990, 11, 25))
        new_customer(team["li"], name=f"李加量{n}", next_due_on=date(2026, 11, 1 + n % 20),
                     last_contacted_at=datetime(2026, 11, 1, 9, 0))
    db.session.expire_all()
    with count_queries() as many_sales:
        html = zhang.get("/").get_data(as_text=True)
    db.session.expire_all()
    with count_queries() as many_boss:
        boss.get("/")
    assert "加量0" in html
    assert many_sales.count == few_sales.count
    assert many_boss.count == few_boss.count
