"""Each business event creates exactly one revisit task, due by working days (DESIGN.md triggers)."""
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import func, select

from portal import events
from portal.extensions import db
from portal.models.revisits import RevisitTask


def tasks_of(customer):
    return db.session.scalars(select(RevisitTask).where(RevisitTask.customer_id == customer.id)).all()


def test_registration_creates_one_task_due_in_three_working_days(app, frozen_now, make_customer, make_user):
    service = make_user("service")
    customer = make_customer(registered_on=date(2026, 11, 24))  # Tuesday
    events.customer_registered.send(customer)
    events.customer_registered.send(customer)  # a repeated event creates nothing twice
    db.session.commit()
    [task] = tasks_of(customer)
    assert (task.trigger, task.due_on, task.assignee_id) == ("registration", date(2026, 11, 27), service.id)


def test_registration_window_skips_national_day_and_counts_the_makeup_saturday(app, frozen_now, make_customer):
    # 2026-09-30 (Wed) + 3 working days: 10-01..10-07 are 国庆 holidays, 10-08 Thu, 10-09 Fri, 10-10 Sat (调休 workday).
    frozen_now.move_to("2026-09-30 10:00:00+08:00")
    customer = make_customer(registered_on=date(2026, 9, 30))
    events.customer_registered.send(customer)
    db.session.commit()
    assert [task.due_on for task in tasks_of(customer)] == [date(2026, 10, 10)]


def test_order_creates_one_after_sales_task_per_order(app, frozen_now, make_customer):
    customer = make_customer()
    order = SimpleNamespace(id=501, customer=customer, signed_on=date(2026, 11, 24), number="DD20261124001")
    events.order_signed.send(order)
    events.order_signed.send(order)
    db.session.commit()
    # 7 working days after Tue 11-24: 25, 26, 27, 30, 12-01, 02, 03.
    assert [(t.trigger, t.due_on, t.source_ref) for t in tasks_of(customer)] == [("deal", date(2026, 12, 3), "DD20261124001")]
    tasks_of(customer)[0].record_outcome("完成", datetime(2026, 11, 30, 10), date(2026, 12, 1))
    events.order_signed.send(SimpleNamespace(id=502, customer=customer, signed_on=date(2026, 11, 27), number="DD20261127001"))
    db.session.commit()
    # Once the first after-sales revisit is done, the next order gets its own (never two open at once).
    assert sorted(t.due_on for t in tasks_of(customer)) == [date(2026, 12, 3), date(2026, 12, 8)]


def test_ticket_closed_creates_one_event_task_in_two_working_days(app, frozen_now, make_customer):
    customer = make_customer()
    ticket = SimpleNamespace(id=77, customer=customer, closed_at=datetime(2026, 11, 27, 16, 0), number="GD20261127001")
    events.ticket_closed.send(ticket)
    events.ticket_closed.send(ticket)
    db.session.commit()
    # Fri 11-27 + 2 working days = Tue 12-01 (the weekend does not count).
    assert [(t.trigger, t.due_on) for t in tasks_of(customer)] == [("ticket_closed", date(2026, 12, 1))]


def test_backdated_registration_counts_from_today_so_the_task_is_not_born_overdue(app, frozen_now, make_customer):
    customer = make_customer(registered_on=date(2025, 3, 1))  # imported today, registered last year
    events.customer_registered.send(customer)
    db.session.commit()
    assert [t.due_on for t in tasks_of(customer)] == [date(2026, 11, 27)]


def test_dormant_customer_gets_one_task(app, frozen_now, make_customer):
    customer = make_customer(stage="沉睡")
    events.customer_went_dormant.send(customer)
    events.customer_went_dormant.send(customer)
    db.session.commit()
    assert [(t.trigger, t.due_on) for t in tasks_of(customer)] == [("dormant", date(2026, 11, 26))]


def test_admin_window_setting_changes_the_due_date(app, frozen_now, make_customer):
    from portal.settings_store import save_setting

    save_setting("revisit_windows", {"registration": 5, "deal": 7, "event": 2, "inactive_months": 3})
    db.session.commit()
    customer = make_customer(registered_on=date(2026, 11, 24))
    events.customer_registered.send(customer)
    db.session.commit()
    assert [t.due_on for t in tasks_of(customer)] == [date(2026, 12, 1)]


def test_periodic_generation_is_idempotent_and_priority_customers_come_twice_as_often(app, frozen_now, runner,
                                                                                    make_customer, make_user,
                                                                                    make_record, make_task):
    staff = make_user("service")
    due_today = make_customer(registered_on=date(2026, 8, 24))  # 3 months → 2026-11-24
    priority = make_customer(tier="重点", registered_on=date(2026, 10, 10))  # 92 days // 2 = 46 → 2026-11-25
    ordinary = make_customer(registered_on=date(2026, 10, 10))  # 2027-01-10: not yet
    revisited = make_customer(registered_on=date(2025, 1, 1))
    make_record(revisited, staff, datetime(2026, 9, 5, 10))  # 3 months later → 2026-12-05, beyond the 7-day lookahead
    lost = make_customer(registered_on=date(2026, 1, 1), stage="流失")
    busy = make_customer(registered_on=date(2026, 8, 1))  # due, but already has an open revisit task
    make_task(busy, due_on=date(2026, 11, 30))

    result = runner.invoke(args=["revisits", "generate"])
    assert result.exit_code == 0 and "created 2 revisit tasks" in result.output
    assert [(t.trigger, t.due_on) for t in tasks_of(due_today)] == [("inactive", date(2026, 11, 24))]
    assert [t.due_on for t in tasks_of(priority)] == [date(2026, 11, 25)]
    assert tasks_of(ordinary) == tasks_of(revisited) == tasks_of(lost) == []
    assert [t.trigger for t in tasks_of(busy)] == ["plan"]

    again = runner.invoke(args=["revisits", "generate"])
    assert "created 0 revisit tasks" in again.output
    assert db.session.scalar(select(func.count(RevisitTask.id))) == 3


def test_a_racing_duplicate_is_absorbed_by_the_unique_key(app, frozen_now, make_customer, monkeypatch):
    from portal.revisits import services

    customer = make_customer()
    first = services.ensure_task(customer=customer, trigger="event", unique_key="event:race:1", due_on=date(2026, 11, 26))
    monkeypatch.setattr(services, "task_key_taken", lambda key: False)  # the other generator checked before we inserted
    second = services.ensure_task(customer=customer, trigger="event", unique_key="event:race:1", due_on=date(2026, 11, 26))
    db.session.commit()  # the caller's transaction survives
    assert first is not None and second is None
    assert len(tasks_of(customer)) == 1
