"""Public pool 公海 (claim race, release, auto-return), handover 交接, archive/restore and merge."""
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.customers import services
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import Contact, Customer, OwnerChange, StageChange
from portal.settings_store import save_setting
from tests.conftest import log_in


def fresh(customer_id: int) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


def test_claim_from_the_pool(app, login_as, sales_team, make_customer):
    customer = make_customer("公海客户有限公司", owner=None)
    client = login_as(sales_team["zhang"])
    response = client.post(f"/customers/{customer.id}/claim")
    assert response.status_code == 303
    claimed = fresh(customer.id)
    assert (claimed.owner_id, claimed.pool_since, claimed.version) == (sales_team["zhang"].id, None, 2)
    change = db.session.scalar(select(OwnerChange).where(OwnerChange.kind == "领取"))
    assert change.to_owner_id == sales_team["zhang"].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.note == "从公海领取"))
    assert entry.changes == {"owner_id": [None, sales_team["zhang"].id]} and entry.user_id == sales_team["zhang"].id


def test_claim_race_has_exactly_one_winner(app, sales_team, make_customer):
    """Two reps click 领取 at the same moment in two threads (two connections): one owner."""
    customer_id = make_customer("抢单客户有限公司", owner=None).id
    winners = {sales_team["zhang"].id, sales_team["li"].id}
    clients = [log_in(app.test_client(), sales_team[name]) for name in ("zhang", "li")]
    barrier = threading.Barrier(2)
    statuses = []
    db.session.commit()  # the test's own session must not hold SQLite's write lock while the threads run

    def claim(client):
        with app.app_context():
            barrier.wait()
            response = client.post(f"/customers/{customer_id}/claim")
            statuses.append((response.status_code, response.headers.get("Location", "")))
            db.session.remove()

    threads = [threading.Thread(target=claim, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = fresh(customer_id)
    assert claimed.owner_id in winners
    assert db.session.scalar(select(func.count(OwnerChange.id)).where(OwnerChange.kind == "领取")) == 1
    # The winner goes to the file; the loser is told it was taken (or, if the winner committed before the
    # loser's request even loaded it, no longer sees another rep's customer at all: 404).
    outcomes = sorted("won" if f"/customers/{customer_id}" in location else "lost" if status in (303, 404) else status
                      for status, location in statuses)
    assert outcomes == ["lost", "won"], statuses


def test_a_claimed_customer_cannot_be_claimed_again(app, sales_team, make_customer):
    customer = make_customer("公海客户有限公司", owner=None)
    assert services.claim_from_pool(customer.id, sales_team["zhang"]) is True
    assert services.claim_from_pool(customer.id, sales_team["li"]) is False
    db.session.commit()
    assert fresh(customer.id).owner_id == sales_team["zhang"].id


def test_release_needs_a_reason_and_records_it(app, login_as, sales_team, make_customer):
    customer = make_customer("释放客户有限公司", owner=sales_team["zhang"])
    client = login_as(sales_team["zhang"])
    response = client.post(f"/customers/{customer.id}/release", data={"reason": ""})
    assert response.status_code == 422 and "请填写释放原因" in response.get_data(as_text=True)
    assert client.post(f"/customers/{customer.id}/release", data={"reason": "客户暂无需求"}).status_code == 303
    released = fresh(customer.id)
    assert released.owner_id is None and released.pool_since is not None
    change = db.session.scalar(select(OwnerChange).where(OwnerChange.kind == "释放"))
    assert (change.from_owner_id, change.reason) == (sales_team["zhang"].id, "客户暂无需求")
    assert db.session.scalar(select(AuditEntry.note).where(AuditEntry.note.like("释放到公海%"))) == "释放到公海：客户暂无需求"


def test_another_rep_in_the_team_cannot_release(app, login_as, sales_team, make_customer):
    customer = make_customer("释放客户有限公司", owner=sales_team["zhang"])
    customer.collaborators.append(sales_team["li"])
    db.session.commit()
    response = login_as(sales_team["li"]).post(f"/customers/{customer.id}/release", data={"reason": "x"})
    assert response.status_code == 403 and fresh(customer.id).owner_id == sales_team["zhang"].id


def test_return_to_pool_command(app, runner, frozen_now, sales_team, make_customer, make_user):
    zhang = sales_team["zhang"]
    stale = make_customer("久未跟进有限公司", owner=zhang, grade="B", last_contacted_at=datetime(2026, 9, 20, 10))
    recent = make_customer("近期跟进有限公司", owner=zhang, grade="B", last_contacted_at=datetime(2026, 9, 30, 10))
    service_owned = make_customer("客服负责有限公司", owner=make_user("service"), last_contacted_at=datetime(2026, 1, 1))
    assert "off" in runner.invoke(args=["customers", "return-to-pool"]).output
    assert fresh(stale.id).owner_id == zhang.id
    save_setting("pool_return_enabled", True)
    save_setting("pool_return_days", {"A": 30, "B": 60, "C": 90})
    db.session.commit()
    result = runner.invoke(args=["customers", "return-to-pool", "--dry-run"])
    assert "1 customers would return" in result.output and fresh(stale.id).owner_id == zhang.id
    result = runner.invoke(args=["customers", "return-to-pool"])
    assert result.exit_code == 0 and "久未跟进有限公司" in result.output, result.output
    # 2026-09-20 + 60 days = 11-19 < 11-24: returned; 09-30 + 60 = 11-29: kept; only sales customers return.
    assert fresh(stale.id).owner_id is None
    assert fresh(recent.id).owner_id == zhang.id and fresh(service_owned.id).owner_id is not None
    assert db.session.scalar(select(OwnerChange.kind).where(OwnerChange.customer_id == stale.id,
                                                            OwnerChange.kind == "自动回收")) == "自动回收"


# --- handover ---------------------------------------------------------------------------------------------

@pytest.fixture
def recorded_mover():
    calls = []

    def mover(from_user, assignment, dry_run):
        calls.append((from_user.id, dict(assignment), dry_run))
        return {"待跟进": len(assignment), "工单": 1}

    services.handover_movers.append(mover)
    yield calls
    services.handover_movers.remove(mover)


def test_handover_preview_then_confirm_spreads_evenly(app, login_as, sales_team, make_customer, make_user,
                                                      recorded_mover):
    zhang, li = sales_team["zhang"], sales_team["li"]
    third = make_user("sales", department=sales_team["department"], username="wang", display_name="王强")
    ids = [make_customer(f"交接客户{n}有限公司", owner=zhang).id for n in range(5)]
    untouched = make_customer("李娜原有客户有限公司", owner=li)
    boss = login_as(sales_team["boss"])
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(li.id), str(third.id)], "mode": "spread"}
    preview = boss.post("/customers/handover", data=data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "交接预览" in html and "待跟进" in html
    assert all(fresh(i).owner_id == zhang.id for i in ids)
    assert recorded_mover[-1][2] is True
    response = boss.post("/customers/handover", data=dict(data, confirm="1"))
    assert response.status_code == 303
    owners = [fresh(i).owner_id for i in ids]
    assert owners.count(li.id) == 3 and owners.count(third.id) == 2
    assert fresh(untouched.id).owner_id == li.id
    assert recorded_mover[-1] == (zhang.id, dict(zip(sorted(ids), [li.id, third.id] * 3)), False)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "Customer",
                                                          AuditEntry.action == "update")).all()
    assert sorted(int(e.record_id) for e in entries) == sorted(ids)
    assert all(e.changes["owner_id"][0] == zhang.id and "交接" in e.note for e in entries)
    assert db.session.scalar(select(func.count(OwnerChange.id)).where(OwnerChange.kind == "交接")) == 5


def test_handover_to_one_receiver(app, login_as, sales_team, make_customer):
    zhang, li = sales_team["zhang"], sales_team["li"]
    ids = [make_customer(f"交接客户{n}有限公司", owner=zhang).id for n in range(3)]
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(li.id), str(sales_team["boss"].id)], "mode": "one",
            "confirm": "1"}
    assert login_as(sales_team["boss"]).post("/customers/handover", data=data).status_code == 303
    assert {fresh(i).owner_id for i in ids} == {li.id}


def test_handover_refuses_the_leaver_as_receiver(app, login_as, sales_team):
    zhang = sales_team["zhang"]
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(zhang.id)], "mode": "one"}
    response = login_as(sales_team["boss"]).post("/customers/handover", data=data)
    assert response.status_code == 422 and "接收人不能是离岗员工本人" in response.get_data(as_text=True)


def test_handover_is_all_or_nothing(app, login_as, sales_team, make_customer):
    zhang, li = sales_team["zhang"], sales_team["li"]
    ids = [make_customer(f"交接客户{n}有限公司", owner=zhang).id for n in range(3)]

    def broken_mover(from_user, assignment, dry_run):
        if not dry_run:
            raise RuntimeError("tickets area failed")
        return {}

    services.handover_movers.append(broken_mover)
    try:
        data = {"from_user_id": str(zhang.id), "receiver_ids": [str(li.id)], "mode": "one", "confirm": "1"}
        assert login_as(sales_team["boss"]).post("/customers/handover", data=data).status_code == 500
    finally:
        services.handover_movers.remove(broken_mover)
    assert {fresh(i).owner_id for i in ids} == {zhang.id}


# --- archive, restore, merge ----------------------------------------------------------------------------------

def test_archive_and_restore(app, login_as, sales_team, make_customer):
    customer = make_customer("归档客户有限公司", owner=sales_team["zhang"])
    boss = login_as(sales_team["boss"])
    assert login_as(sales_team["zhang"]).post(f"/customers/{customer.id}/archive").status_code == 403
    assert boss.post(f"/customers/{customer.id}/archive", data={"reason": "公司注销"}).status_code == 303
    assert fresh(customer.id).archived_at is not None
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.note == "归档：公司注销")) == "archive"
    assert "归档客户有限公司" not in boss.get("/customers/").get_data(as_text=True)
    assert boss.post(f"/customers/{customer.id}/restore").status_code == 303
    assert fresh(customer.id).archived_at is None
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "restore")) == 1


@pytest.fixture
def recorded_merge_mover():
    calls = []

    def mover(kept, merged, by):
        calls.append((kept.id, merged.id, by.id))
        return {"跟进记录": 2}

    services.merge_movers.append(mover)
    yield calls
    services.merge_movers.remove(mover)


def test_supervisor_merges_two_files(app, login_as, sales_team, make_customer, recorded_merge_mover):
    zhang = sales_team["zhang"]
    kept = make_customer("杭州云帆科技有限公司", owner=zhang, contacts=[{"name": "王伟", "phone": "13812345678"}])
    other = make_customer("杭州云帆科技股份有限公司", owner=sales_team["li"],
                          contacts=[{"name": "李强", "phone": "13900001111"}])
    boss = login_as(sales_team["boss"])
    preview = boss.post(f"/customers/{kept.id}/merge", data={"other_code": other.code.lower()})
    assert preview.status_code == 200 and "确认合并" in preview.get_data(as_text=True)
    assert fresh(other.id).merged_into_id is None
    response = boss.post(f"/customers/{kept.id}/merge", data={"other_code": other.code, "confirm": "y"})
    assert response.status_code == 303
    merged = fresh(other.id)
    assert merged.merged_into_id == kept.id and merged.archived_at is not None
    assert sorted(db.session.scalars(select(Contact.name).where(Contact.customer_id == kept.id))) == ["李强", "王伟"]
    assert db.session.scalar(select(func.count(StageChange.id)).where(StageChange.customer_id == other.id)) == 0
    assert db.session.scalar(select(func.count(StageChange.id)).where(StageChange.customer_id == kept.id)) == 2
    assert recorded_merge_mover == [(kept.id, other.id, sales_team["boss"].id)]
    # The kept file is now found by the merged contact's phone; the merged one points to it.
    html = boss.get("/customers/", query_string={"q": "13900001111"}).get_data(as_text=True)
    assert kept.name in html
    assert "此档案已合并到" in boss.get(f"/customers/{other.id}").get_data(as_text=True)


def test_merge_refuses_itself_and_unknown_codes(app, login_as, sales_team, make_customer):
    kept = make_customer("杭州云帆科技有限公司", owner=sales_team["zhang"])
    boss = login_as(sales_team["boss"])
    for code in (kept.code, "KH2026999999"):
        response = boss.post(f"/customers/{kept.id}/merge", data={"other_code": code, "confirm": "y"})
        assert response.status_code == 422 and "找不到可合并的客户编号" in response.get_data(as_text=True)
    assert login_as(sales_team["zhang"]).get(f"/customers/{kept.id}/merge").status_code == 403
