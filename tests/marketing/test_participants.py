"""Invitation by the customer list's own filters within scope, attendance one by one or in bulk,
walk-in leads with 查重/撞单, and the attendees' event revisit created once."""
from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.marketing import ActivityParticipant
from portal.models.revisits import RevisitTask


def participants(activity):
    return {row.customer_id: row.status for row in db.session.scalars(
        select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))}


def test_invite_the_filtered_set_in_one_step_and_idempotently(app, people, login_as, make_activity, make_customer):
    a = make_customer(industry="制造业", grade="A", owner=people["sales"])
    b = make_customer(industry="制造业", grade="A")
    make_customer(industry="制造业", grade="C")
    make_customer(industry="零售", grade="A")
    archived = make_customer(industry="制造业", grade="A")
    archived.archived_at = archived.created_at
    db.session.commit()
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    preview = client.get(f"/marketing/{activity.id}/invite?industry=制造业&grade=A").get_data(as_text=True)
    assert a.name in preview and b.name in preview and "邀请筛选出的全部 2 位客户" in preview
    assert client.post(f"/marketing/{activity.id}/invite?industry=制造业&grade=A").status_code == 303
    assert participants(activity) == {a.id: "已邀请", b.id: "已邀请"}
    client.post(f"/marketing/{activity.id}/invite?industry=制造业&grade=A")
    assert db.session.scalar(select(func.count()).select_from(ActivityParticipant)) == 2


def test_invitation_stays_within_the_inviters_customer_scope(app, people, login_as, make_activity, make_customer):
    mine = make_customer(owner=people["sales"])  # 销售部, the supervisor's department
    pool = make_customer()
    theirs = make_customer(owner=people["other_rep"])  # 销售二部
    activity = make_activity(owner=people["supervisor"])
    client = login_as(people["supervisor"])
    client.post(f"/marketing/{activity.id}/invite")
    assert set(participants(activity)) == {mine.id, pool.id}
    assert theirs.id not in participants(activity)
    # A filter cannot widen scope: naming the other department's rep as owner invites nobody of theirs.
    client.post(f"/marketing/{activity.id}/invite?owner={people['other_rep'].id}")
    assert theirs.id not in participants(activity)


def test_attendance_one_by_one_and_in_bulk_with_posted_ids_refiltered(app, people, login_as, make_activity,
                                                                      make_customer):
    customers = [make_customer() for _ in range(3)]
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    client.post(f"/marketing/{activity.id}/invite")
    rows = {row.customer_id: row.id for row in db.session.scalars(select(ActivityParticipant))}
    first, second, third = (rows[c.id] for c in customers)
    # Attendance before the activity starts is refused; registration is fine.
    assert client.post(f"/marketing/{activity.id}/participants", data={"action": "attend", "participant_id": [first]}).status_code == 409
    assert client.post(f"/marketing/{activity.id}/participants?only={first}&act=register",
                       data={"action": "attend"}).status_code == 303
    client.post(f"/marketing/{activity.id}/start")
    other = make_activity(owner=people["marketing"], status="进行中")
    foreign = ActivityParticipant(activity_id=other.id, customer_id=customers[0].id)
    db.session.add(foreign)
    db.session.commit()
    response = client.post(f"/marketing/{activity.id}/participants",
                           data={"action": "attend", "participant_id": [first, second, foreign.id, 99999]})
    assert response.status_code == 303
    db.session.expire_all()
    assert participants(activity) == {customers[0].id: "已到场", customers[1].id: "已到场", customers[2].id: "已邀请"}
    assert db.session.get(ActivityParticipant, foreign.id).status == "已邀请"  # another activity's row untouched
    assert third


def test_a_rep_sees_only_participants_in_their_scope(app, people, login_as, make_activity, make_customer):
    mine = make_customer(owner=people["sales"], name="老张的客户有限公司")
    theirs = make_customer(owner=people["other_rep"], name="老王的客户有限公司")
    activity = make_activity(owner=people["marketing"])
    login_as(people["marketing"]).post(f"/marketing/{activity.id}/invite")
    page = login_as(people["sales"]).get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert mine.name in page and theirs.name not in page


def test_finishing_gives_each_attendee_one_event_revisit(app, frozen_now, people, login_as, make_activity,
                                                         make_customer):
    came, absent = make_customer(), make_customer()
    activity = make_activity(owner=people["marketing"], status="进行中", ends_on=date(2026, 11, 24))
    client = login_as(people["marketing"])
    client.post(f"/marketing/{activity.id}/invite")
    row = db.session.scalar(select(ActivityParticipant).where(ActivityParticipant.customer_id == came.id))
    client.post(f"/marketing/{activity.id}/participants", data={"action": "attend", "participant_id": [row.id]})
    assert db.session.scalar(select(func.count()).select_from(RevisitTask)) == 0  # not before the end
    assert client.post(f"/marketing/{activity.id}/finish").status_code == 303
    [task] = db.session.scalars(select(RevisitTask)).all()
    # Tue 11-24 + 2 working days (setting) = Thu 11-26, assigned to the service user.
    assert (task.customer_id, task.trigger, task.due_on, task.assignee_id) == (came.id, "event", date(2026, 11, 26),
                                                                              people["service"].id)
    assert "市场活动" in task.source_ref
    # A late attendance on the finished activity gets its task at once; repeating creates nothing twice.
    late = db.session.scalar(select(ActivityParticipant).where(ActivityParticipant.customer_id == absent.id))
    client.post(f"/marketing/{activity.id}/participants", data={"action": "attend", "participant_id": [late.id]})
    client.post(f"/marketing/{activity.id}/participants", data={"action": "attend", "participant_id": [late.id, row.id]})
    from portal.marketing.services import schedule_event_revisits

    schedule_event_revisits(activity)
    db.session.commit()
    keys = db.session.scalars(select(RevisitTask.unique_key).order_by(RevisitTask.id)).all()
    assert keys == [f"event:activity:{activity.id}:{came.id}", f"event:activity:{activity.id}:{absent.id}"]


def test_event_revisit_window_is_the_admin_setting(app, frozen_now, people, login_as, make_activity, make_customer):
    from portal.settings_store import save_setting

    save_setting("revisit_windows", {"registration": 3, "deal": 7, "event": 5, "inactive_months": 3})
    db.session.commit()
    customer = make_customer()
    activity = make_activity(owner=people["marketing"], status="进行中", ends_on=date(2026, 11, 24))
    client = login_as(people["marketing"])
    client.post(f"/marketing/{activity.id}/invite")
    client.post(f"/marketing/{activity.id}/participants",
                data={"action": "attend", "participant_id": [db.session.scalar(select(ActivityParticipant.id))]})
    client.post(f"/marketing/{activity.id}/finish")
    assert db.session.scalar(select(RevisitTask.due_on).where(RevisitTask.customer_id == customer.id)) == date(2026, 12, 1)


def walk_in(client, activity, **fields):
    data = {"name": "杭州新线索科技有限公司", "contact_name": "赵总", "phone": "13700001111", "industry": "软件"}
    data.update(fields)
    return client.post(f"/marketing/{activity.id}/walk-in", data=data)


def test_walk_in_lead_becomes_a_pool_customer_sourced_from_the_activity(app, frozen_now, people, login_as,
                                                                       make_activity):
    activity = make_activity(owner=people["marketing"], status="进行中")
    client = login_as(people["marketing"])
    assert walk_in(client, activity, phone="", email="").status_code == 422  # phone or email needed
    assert walk_in(client, activity).status_code == 303
    customer = db.session.scalar(select(Customer).where(Customer.name == "杭州新线索科技有限公司"))
    assert (customer.source_channel, customer.owner_id, customer.entered_by_id) == ("展会登记", None, people["marketing"].id)
    row = db.session.scalar(select(ActivityParticipant).where(ActivityParticipant.customer_id == customer.id))
    assert (row.activity_id, row.status, row.walk_in) == (activity.id, "已到场", True)
    page = client.get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert customer.code in page


def test_walk_in_duplicate_needs_confirmation_and_clash_refuses_a_second_file(app, people, login_as, make_activity,
                                                                             make_customer):
    pool_file = make_customer(name="杭州新线索科技有限公司")
    owned = make_customer(name="宁波已有客户有限公司", owner=people["sales"])
    activity = make_activity(owner=people["marketing"], status="进行中")
    client = login_as(people["marketing"])
    response = walk_in(client, activity)
    assert response.status_code == 422 and "疑似重复客户" in response.get_data(as_text=True)
    response = walk_in(client, activity, name="宁波已有客户有限公司", phone="13900000000", confirm_duplicates="y")
    assert response.status_code == 422 and "撞单" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 2
    # The existing file is marked 已到场 instead of opening a second one.
    assert walk_in(client, activity, existing_id=str(owned.id)).status_code == 303
    assert participants(activity) == {owned.id: "已到场"}
    assert walk_in(client, activity, confirm_duplicates="y").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 3
    assert pool_file.id in {c.id for c in db.session.scalars(select(Customer))}


def test_walk_in_before_the_activity_starts_is_refused(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    assert walk_in(login_as(people["marketing"]), activity).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_the_event_revisit_shows_on_the_service_users_work_list(app, frozen_now, people, login_as, make_activity,
                                                                 make_customer):
    customer = make_customer(name="来参加发布会的客户有限公司")
    activity = make_activity(owner=people["marketing"], status="进行中", ends_on=date(2026, 11, 24))
    client = login_as(people["marketing"])
    client.post(f"/marketing/{activity.id}/invite")
    client.post(f"/marketing/{activity.id}/participants",
                data={"action": "attend", "participant_id": [db.session.scalar(select(ActivityParticipant.id))]})
    client.post(f"/marketing/{activity.id}/finish")
    work_list = login_as(people["service"]).get("/").get_data(as_text=True)
    assert "回访 来参加发布会的客户有限公司" in work_list and "2天后到期" in work_list
