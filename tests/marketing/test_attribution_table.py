"""The maintained attribution table (activity_attribution) gives the same effect figures as the live
attribution (queries.live_activity_effects) after every write path that changes what the rule reads, and
the comparison page reads it in a fixed number of statements."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.marketing import attribution, queries, services
from portal.models.marketing import Activity, ActivityAttribution, ActivityParticipant
from portal.sales.services import LineInput, cancel_order, create_opportunity, edit_order_lines, record_order


def figures(effect):
    return (effect.attendees, effect.cost, effect.leads, sorted(effect.lead_customer_ids), effect.opportunities,
            effect.opportunity_amount, effect.orders, effect.order_amount, effect.gross_profit, effect.converted_leads)


def assert_kept_matches_live(*expected_leads):
    """Maintained == live for every activity; `expected_leads`: (activity, leads) pairs that must also hold."""
    activities = list(db.session.scalars(select(Activity).order_by(Activity.id)))
    kept, live = queries.activity_effects(activities), queries.live_activity_effects(activities)
    assert {i: figures(e) for i, e in kept.items()} == {i: figures(e) for i, e in live.items()}
    for activity, leads in expected_leads:
        assert kept[activity.id].leads == leads


def attend(activity, customer, walk_in=False):
    db.session.add(ActivityParticipant(activity_id=activity.id, customer_id=customer.id, status="已到场", walk_in=walk_in))
    db.session.commit()


def order(customer, rep, signed_on, amount):
    placed = record_order(customer, rep, signed_on, [LineInput(None, "实施服务", Decimal("1"), Decimal(amount))], rep)
    db.session.commit()
    return placed


@pytest.fixture
def fair_and_salon(people, make_activity, make_customer):
    fair = make_activity(owner=people["marketing"], theme="春季展会", status="已结束",
                         starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2))
    salon = make_activity(owner=people["marketing"], theme="夏季沙龙", status="已结束", kind="客户沙龙",
                          starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 1))
    walked_in = make_customer(created_at=datetime(2026, 3, 1, 15, 0))
    lead = make_customer(created_at=datetime(2026, 4, 3, 9, 0))
    attend(fair, walked_in, walk_in=True)
    attend(fair, lead)
    attend(salon, walked_in)
    return fair, salon, walked_in, lead


def test_marking_attended_and_inviting(app, frozen_now, people, make_activity, make_customer, fair_and_salon):
    fair, salon, walked_in, lead = fair_and_salon
    assert_kept_matches_live((fair, 2), (salon, 0))
    invited = ActivityParticipant(activity_id=salon.id, customer_id=lead.id, status="已邀请")
    db.session.add(invited)
    db.session.commit()
    assert_kept_matches_live((salon, 0))
    services.mark_participants(salon, [invited], "attend")
    db.session.commit()
    assert_kept_matches_live((fair, 1), (salon, 1))  # the lead opened after the salon moves there


def test_walk_in_registration(app, frozen_now, people, fair_and_salon):
    fair, salon, _walked_in, _lead = fair_and_salon
    services.add_walk_in(salon, {"name": "现场登记客户有限公司", "contact_name": "李经理", "phone": "13900001111"},
                         people["marketing"])
    db.session.commit()
    assert_kept_matches_live((salon, 0))  # opened today (2026-11-24), past the 90-day window


def test_opportunities_created_amended_and_moved(app, frozen_now, people, make_customer, fair_and_salon):
    fair, salon, walked_in, lead = fair_and_salon
    opportunity = create_opportunity(walked_in, people["sales"], {"name": "MES项目", "expected_amount": Decimal("80000")},
                                     people["sales"])
    opportunity.created_at = datetime(2026, 4, 10, 9, 0)
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([salon])[salon.id].opportunity_amount == Decimal("80000.00")
    opportunity.expected_amount = Decimal("95000")
    db.session.commit()
    assert queries.activity_effects([salon])[salon.id].opportunity_amount == Decimal("95000.00")
    opportunity.created_at = datetime(2026, 3, 5, 9, 0)
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].opportunities == 1
    opportunity.customer = make_customer()
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].opportunities == 0


def test_orders_recorded_amended_and_cancelled(app, frozen_now, people, fair_and_salon):
    fair, salon, walked_in, lead = fair_and_salon
    placed = order(lead, people["sales"], date(2026, 3, 20), "30000")
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].order_amount == Decimal("30000.00")
    edit_order_lines(placed, [LineInput(None, "实施服务", Decimal("2"), Decimal("30000"))], "加量")
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].order_amount == Decimal("60000.00")
    cancel_order(placed)
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].orders == 0


def test_activity_dates_and_cancellation(app, frozen_now, people, make_activity, fair_and_salon):
    fair, salon, walked_in, lead = fair_and_salon
    order(walked_in, people["sales"], date(2026, 4, 20), "10000")
    assert queries.activity_effects([salon])[salon.id].orders == 1
    services.update_activity(salon, {"starts_on": date(2026, 4, 25), "ends_on": date(2026, 4, 25)})
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].orders == 1  # the salon now starts after the order
    running = make_activity(owner=people["marketing"], status="进行中", starts_on=date(2026, 4, 15), ends_on=date(2026, 4, 15))
    attend(running, walked_in)
    assert queries.activity_effects([running])[running.id].orders == 1
    services.apply_transition(running, "cancel", "场地取消")
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].orders == 1


def test_window_setting_rebuilds_everything(app, frozen_now, people, fair_and_salon):
    from portal.settings_store import save_setting

    fair, salon, walked_in, lead = fair_and_salon
    save_setting("attribution_window_days", 10)
    db.session.commit()
    assert_kept_matches_live((fair, 1))  # the lead opened 33 days after the fair no longer counts
    save_setting("attribution_window_days", 90)
    db.session.commit()
    assert_kept_matches_live((fair, 2))


def test_customer_merge_moves_the_orders_outcomes(app, frozen_now, people, make_customer, fair_and_salon):
    from portal.customers.services import merge_customers

    fair, salon, walked_in, lead = fair_and_salon
    duplicate = make_customer(created_at=datetime(2025, 1, 1, 9, 0))
    order(duplicate, people["sales"], date(2026, 3, 10), "20000")
    assert queries.activity_effects([fair])[fair.id].orders == 0
    merge_customers(lead, duplicate, people["admin"])
    db.session.commit()
    assert_kept_matches_live()
    assert queries.activity_effects([fair])[fair.id].orders == 1


def test_a_walk_in_keeps_its_lead_when_only_a_later_activity_is_compared(app, people, make_activity, make_customer):
    """The lead's file was opened at the November fair: comparing only December's salon must not hand it
    to the salon (the live figures once read only attendances inside the compared span)."""
    fair = make_activity(status="已结束", starts_on=date(2025, 11, 19), ends_on=date(2025, 11, 20))
    salon = make_activity(status="已结束", starts_on=date(2025, 12, 2), ends_on=date(2025, 12, 2))
    customer = make_customer(created_at=datetime(2025, 12, 19, 10, 0))
    attend(fair, customer, walk_in=True)
    attend(salon, customer)
    for compared in ([salon], [fair, salon]):
        kept, live = queries.activity_effects(compared), queries.live_activity_effects(compared)
        assert kept[salon.id].leads == live[salon.id].leads == 0
    assert queries.activity_effects([fair])[fair.id].lead_customer_ids == [customer.id]


def test_rebuild_equals_the_kept_rows(app, frozen_now, people, fair_and_salon):
    """A full rebuild (migration, bulk load) writes the rows the write paths kept."""
    fair, salon, walked_in, lead = fair_and_salon
    order(lead, people["sales"], date(2026, 4, 5), "5000")
    kept = sorted(db.session.execute(select(ActivityAttribution.kind, ActivityAttribution.outcome_id,
                                            ActivityAttribution.activity_id)).all())
    db.session.execute(delete(ActivityAttribution))
    attribution.rebuild(db.session.connection())
    assert sorted(db.session.execute(select(ActivityAttribution.kind, ActivityAttribution.outcome_id,
                                            ActivityAttribution.activity_id)).all()) == kept
    assert len(kept) == 3  # two leads, one order


def test_large_seed_is_attributed(app, frozen_now):
    """The bulk seed bypasses the session: it rebuilds the table, which then agrees with the live figures."""
    from portal.demo_large import Sizes, seed_large

    seed_large(Sizes.scaled(1000))
    assert db.session.scalar(select(func.count()).select_from(ActivityAttribution)) > 0
    assert_kept_matches_live()


def test_comparison_page_statements_do_not_grow_with_activities(app, people, login_as, make_activity, make_customer,
                                                                count_queries):
    client = login_as(people["marketing"])
    url = "/marketing/effect?date_from=2026-01-01&date_to=2026-11-30"

    def add(count):
        for number in range(count):
            activity = make_activity(owner=people["marketing"], status="已结束", starts_on=date(2026, 5, 1) + timedelta(days=number),
                                     ends_on=date(2026, 5, 1) + timedelta(days=number))
            attend(activity, make_customer(created_at=datetime(2026, 5, 2, 9, 0) + timedelta(days=number)))

    add(2)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(8)
    with count_queries() as more:
        assert client.get(url).status_code == 200
    assert more.count == few.count
    assert not any("activity_participant.customer_id IN" in statement for statement in more.statements)
