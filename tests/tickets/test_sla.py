"""SLA deadlines on the working-day calendar, pauses, breaches recorded once, dispatch escalation."""
from datetime import datetime

import pytest

from portal import clock
from portal.extensions import db
from portal.models.settings import HolidayOverride
from portal.models.tickets import TicketEvent
from portal.tickets.cli import check_sla
from portal.tickets import queries, services
from portal.workbench.sections import work_sections as all_sections


def work_sections(user, today):
    from flask import current_app

    with current_app.test_request_context():
        return all_sections(user, today)


@pytest.fixture
def people(app, make_user, make_department, make_customer):
    tech_department = make_department("技术部")
    service_department = make_department("客服部")
    return {
        "service": make_user("service", department=service_department),
        "tech": make_user("tech", department=tech_department),
        "supervisor": make_user("supervisor"),  # no department: company-wide
        "tech_department": tech_department,
        "customer": make_customer(),
    }


@pytest.mark.parametrize("severity,received,respond_due,resolve_due", [
    # Friday afternoon, 重大 (2 h / 2 working days): the weekend does not count.
    ("重大", datetime(2026, 11, 20, 15, 0), datetime(2026, 11, 20, 17, 0), datetime(2026, 11, 24, 15, 0)),
    # Friday 2026-10-09, 重大: Saturday 10-10 is a 调休 working day, so the 2nd working day is Monday 10-12.
    ("重大", datetime(2026, 10, 9, 9, 30), datetime(2026, 10, 9, 11, 30), datetime(2026, 10, 12, 9, 30)),
    # Before National Day (10-01..10-07 off): 一般 5 working days = 10-08, 10-09, 10-10(调休), 10-12, 10-13.
    ("一般", datetime(2026, 9, 30, 10, 0), datetime(2026, 10, 1, 10, 0), datetime(2026, 10, 13, 10, 0)),
    # 轻微 48 h / 10 working days from Tuesday 2026-11-24.
    ("轻微", datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 26, 10, 0), datetime(2026, 12, 8, 10, 0)),
])
def test_deadlines_follow_the_statutory_calendar(people, make_ticket, severity, received, respond_due, resolve_due):
    ticket = make_ticket(people["customer"], people["service"], severity=severity, received_at=received)
    assert (ticket.respond_due_at, ticket.resolve_due_at) == (respond_due, resolve_due)


def test_admin_holiday_table_takes_precedence(people, make_ticket):
    # Admin declares Monday 2026-11-23 a holiday: 重大 from Friday 11-20 is due Wednesday 11-25.
    db.session.add(HolidayOverride(day=datetime(2026, 11, 23).date(), is_workday=False, note="临时停工"))
    db.session.commit()
    ticket = make_ticket(people["customer"], people["service"], severity="重大", received_at=datetime(2026, 11, 20, 15, 0))
    assert ticket.resolve_due_at == datetime(2026, 11, 25, 15, 0)


def test_admin_sla_setting_is_used(people, make_ticket):
    from portal.settings_store import save_setting

    save_setting("sla", {"重大": {"respond_hours": 1, "resolve_workdays": 1},
                         "一般": {"respond_hours": 24, "resolve_workdays": 5}, "轻微": {"respond_hours": 48, "resolve_workdays": 10}})
    db.session.commit()
    ticket = make_ticket(people["customer"], people["service"], severity="重大", received_at=datetime(2026, 11, 20, 15, 0))
    assert (ticket.respond_due_at, ticket.resolve_due_at) == (datetime(2026, 11, 20, 16, 0), datetime(2026, 11, 23, 15, 0))


def working(ticket, people):
    ticket.dispatch(people["tech_department"], people["tech"], people["service"])
    ticket.confirm(people["tech"])
    ticket.start(people["tech"])


def test_pause_stops_only_the_resolution_clock_and_reassigning_keeps_it(people, make_ticket, frozen_now):
    # 一般 received Tue 11-24 10:00: due Tue 12-01 10:00 (Wed, Thu, Fri, Mon, Tue).
    ticket = make_ticket(people["customer"], people["service"])
    assert ticket.resolve_due_at == datetime(2026, 12, 1, 10, 0)
    working(ticket, people)
    frozen_now.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=clock.LOCAL_TZ))
    ticket.pause(people["tech"])
    assert ticket.resolve_due_at is None and queries.sla_badge(ticket) == ("暂停计时", "grey")
    frozen_now.move_to(datetime(2026, 11, 26, 16, 0, tzinfo=clock.LOCAL_TZ))  # 30 hours later
    services.resume_ticket(ticket, people["tech"])
    assert ticket.resolve_due_at == datetime(2026, 12, 2, 16, 0)
    other = db.session.merge(people["tech"].__class__(username="t2", display_name="另一位", role="tech",
                                                    department_id=people["tech_department"].id, password_hash="x"))
    db.session.flush()
    ticket.dispatch(people["tech_department"], other, people["service"])  # 改派
    assert ticket.resolve_due_at == datetime(2026, 12, 2, 16, 0)
    db.session.commit()
    kinds = [event.kind for event in ticket.events]
    assert kinds.count("暂停计时") == 1 and kinds.count("恢复计时") == 1 and "改派" in kinds


def sla_events(ticket):
    return [e.note for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                                            TicketEvent.kind == "SLA超时"))]


def test_breach_recorded_once_and_shown_to_supervisors(people, make_ticket, frozen_now):
    ticket = make_ticket(people["customer"], people["service"], severity="重大")  # respond by 12:00
    frozen_now.move_to(datetime(2026, 11, 24, 11, 59, tzinfo=clock.LOCAL_TZ))
    assert check_sla()["response"] == 0
    frozen_now.move_to(datetime(2026, 11, 24, 13, 0, tzinfo=clock.LOCAL_TZ))
    assert check_sla()["response"] == 1
    db.session.commit()
    assert check_sla() == {"response": 0, "resolve": 0, "head": 0, "supervisor": 0}
    db.session.commit()
    assert sla_events(ticket) == ["响应超时：期限 2026-11-24 12:00"]
    # 重大 resolves in 2 working days: due Thu 11-26 10:00.
    frozen_now.move_to(datetime(2026, 11, 26, 10, 1, tzinfo=clock.LOCAL_TZ))
    assert check_sla()["resolve"] == 1
    check_sla()
    db.session.commit()
    assert len(sla_events(ticket)) == 2
    sections = {s.key: s for s in work_sections(people["supervisor"], clock.today())}
    assert sections["tickets_breached"].total == 1
    assert sections["tickets_breached"].items[0].tone == "red"
    assert not any(s.key == "tickets_breached" for s in work_sections(people["tech"], clock.today()))


def test_check_sla_command_reports(people, make_ticket, frozen_now, runner):
    make_ticket(people["customer"], people["service"], severity="重大")
    frozen_now.move_to(datetime(2026, 11, 24, 15, 0, tzinfo=clock.LOCAL_TZ))
    result = runner.invoke(args=["tickets", "check-sla"])
    assert result.exit_code == 0 and "响应超时 1 条" in result.output
    result = runner.invoke(args=["tickets", "check-sla"])
    assert "响应超时 0 条" in result.output


def test_unconfirmed_dispatch_escalates_to_head_then_supervisor(people, make_ticket, frozen_now):
    head = people["tech"]
    people["tech_department"].head_id = head.id
    ticket = make_ticket(people["customer"], people["service"], severity="轻微")
    ticket.dispatch(people["tech_department"], None, people["service"])  # at 10:00; 4 h to confirm
    db.session.commit()
    frozen_now.move_to(datetime(2026, 11, 24, 14, 1, tzinfo=clock.LOCAL_TZ))
    assert check_sla()["head"] == 1
    db.session.commit()
    assert {s.key for s in work_sections(head, clock.today())} >= {"tickets_escalated"}
    frozen_now.move_to(datetime(2026, 11, 24, 18, 1, tzinfo=clock.LOCAL_TZ))
    assert check_sla()["supervisor"] == 1
    assert check_sla()["supervisor"] == 0
    db.session.commit()
    assert ticket.confirm_escalation_level == 2
    sections = {s.key: s for s in work_sections(people["supervisor"], clock.today())}
    assert sections["tickets_breached"].total == 1


def test_badge_words(people, make_ticket, frozen_now):
    ticket = make_ticket(people["customer"], people["service"])  # 一般: respond by Wed 10:00, resolve Tue 12-01
    assert queries.sla_badge(ticket) == ("剩余7天", "green")
    assert queries.sla_badge(ticket, datetime(2026, 11, 25, 11, 0)) == ("响应超时1小时", "red")
    ticket.responded_at = clock.now()
    assert queries.sla_badge(ticket, datetime(2026, 11, 30, 12, 0)) == ("剩余22小时", "amber")
    assert queries.sla_badge(ticket, datetime(2026, 12, 1, 13, 0)) == ("已超时3小时", "red")
    assert queries.sla_badge(ticket, datetime(2026, 11, 24, 12, 0)) == ("剩余6天", "green")


def test_overnight_pause_extends_the_deadline_by_its_working_time_and_the_timeline_says_so(
        people, make_ticket, frozen_now, login_as):
    # 一般 received Tue 11-24 10:00: due Tue 12-01 10:00.
    ticket = make_ticket(people["customer"], people["service"])
    working(ticket, people)
    db.session.commit()
    frozen_now.move_to(datetime(2026, 11, 25, 17, 0, tzinfo=clock.LOCAL_TZ))
    tech = login_as(people["tech"])
    assert tech.post(f"/tickets/{ticket.id}/state/pause", data={"note": "等客户提供日志"}).status_code == 303
    # 17 hours later, one working hour on each side of the night: 2 working hours, not 17.
    frozen_now.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=clock.LOCAL_TZ))
    tech = login_as(people["tech"])
    assert tech.post(f"/tickets/{ticket.id}/state/resume", data={"note": ""}).status_code == 303
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == datetime(2026, 12, 1, 12, 0)
    resumed = [event for event in ticket.events if event.kind == "恢复计时"][-1]
    assert "暂停占用工作时间 2 小时 0 分" in resumed.note and "新的解决时限 2026-12-01 12:00" in resumed.note
    page = tech.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "新的解决时限 2026-12-01 12:00" in page


def test_pause_over_a_weekend_night_only_does_not_move_the_deadline(people, make_ticket, frozen_now):
    ticket = make_ticket(people["customer"], people["service"])
    working(ticket, people)
    frozen_now.move_to(datetime(2026, 11, 27, 18, 30, tzinfo=clock.LOCAL_TZ))  # Friday after closing
    ticket.pause(people["tech"])
    frozen_now.move_to(datetime(2026, 11, 30, 8, 45, tzinfo=clock.LOCAL_TZ))  # Monday before opening
    services.resume_ticket(ticket, people["tech"])
    assert ticket.resolve_due_at == datetime(2026, 12, 1, 10, 0)


def test_major_response_is_wall_clock_unless_admin_chooses_working_hours(people, make_ticket):
    from portal.settings_store import save_setting

    friday_evening = datetime(2026, 11, 20, 17, 0)
    ticket = make_ticket(people["customer"], people["service"], severity="重大", received_at=friday_evening)
    assert ticket.respond_due_at == datetime(2026, 11, 20, 19, 0)
    save_setting("respond_in_working_hours", True)
    db.session.commit()
    ticket = make_ticket(people["customer"], people["service"], severity="重大", received_at=friday_evening)
    assert ticket.respond_due_at == datetime(2026, 11, 23, 10, 0)  # 1 h Friday, 1 h Monday morning
    save_setting("work_hours", {"start": "08:00", "end": "17:30"})
    db.session.commit()
    ticket = make_ticket(people["customer"], people["service"], severity="重大", received_at=friday_evening)
    assert ticket.respond_due_at == datetime(2026, 11, 23, 9, 30)
