"""Issue 11 "People and scope": no customer goes to a deactivated account; the handover preview shows
which customers go to whom and ends with the next step (deactivating the leaver: admins only)."""
import pytest
from sqlalchemy import select

from portal.customers import services
from portal.extensions import db
from portal.models.customers import Customer


def fresh(customer_id):
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


@pytest.fixture
def leaver_world(sales_team, make_user, make_customer):
    gone = make_user("sales", department=sales_team["department"], username="gone", display_name="离职的人")
    gone.is_active_user = False
    db.session.commit()
    ids = [make_customer(f"交接客户{n}有限公司", owner=sales_team["zhang"]).id for n in range(3)]
    return gone, ids


def test_deactivated_people_are_not_offered_and_refused_as_receivers(app, login_as, sales_team, leaver_world):
    gone, ids = leaver_world
    boss = login_as(sales_team["boss"])
    form = boss.get("/customers/handover").get_data(as_text=True)
    receivers = form[form.index('name="receiver_ids"'):]
    receivers = receivers[:receivers.index("</select>")]
    assert "离职的人" not in receivers and "李娜" in receivers
    data = {"from_user_id": str(sales_team["zhang"].id), "receiver_ids": [str(gone.id)], "mode": "one", "confirm": "1"}
    response = boss.post("/customers/handover", data=data)
    assert response.status_code == 422 and "在岗（未停用）" in response.get_data(as_text=True)
    assert {fresh(i).owner_id for i in ids} == {sales_team["zhang"].id}


def test_services_refuse_a_deactivated_owner_or_receiver(app, sales_team, leaver_world):
    gone, ids = leaver_world
    with pytest.raises(services.InactiveReceiver):
        services.handover(sales_team["zhang"], [gone.id], sales_team["boss"], dry_run=False)
    with pytest.raises(services.InactiveReceiver):
        services.assign_owner(db.session.get(Customer, ids[0]), gone.id, "分配", "测试", sales_team["boss"])
    db.session.rollback()
    assert {fresh(i).owner_id for i in ids} == {sales_team["zhang"].id}


def test_the_customer_form_refuses_a_deactivated_owner(app, login_as, sales_team, leaver_world, make_user):
    from tests.customers.conftest import form_data

    gone, _ids = leaver_world
    response = login_as(sales_team["boss"]).post("/customers/new", data=form_data(owner_id=str(gone.id)))
    assert response.status_code == 422
    assert db.session.scalar(select(Customer).where(Customer.name == "杭州云帆科技有限公司")) is None


def test_preview_shows_the_split_per_receiver_and_the_next_step(app, login_as, sales_team, leaver_world):
    _gone, ids = leaver_world
    zhang, li, boss_user = sales_team["zhang"], sales_team["li"], sales_team["boss"]
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(li.id), str(boss_user.id)], "mode": "spread"}
    html = login_as(boss_user).post("/customers/handover", data=data).get_data(as_text=True)
    split = html[html.index("handover-split"):]
    li_row = split[split.index("<td>李娜</td>"):]
    li_row = li_row[:li_row.index("</tr>")]
    boss_row = split[split.index("<td>赵敏</td>"):]
    boss_row = boss_row[:boss_row.index("</tr>")]
    names = {i: fresh(i).name for i in ids}
    assert names[ids[0]] in li_row and names[ids[2]] in li_row and ">2<" in li_row
    assert names[ids[1]] in boss_row and ">1<" in boss_row
    assert "下一步：交接完成后，由管理员停用 张伟 的账号" in html


def test_after_the_handover_the_supervisor_is_told_who_deactivates(app, login_as, sales_team, leaver_world):
    zhang = sales_team["zhang"]
    boss = login_as(sales_team["boss"])
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(sales_team["li"].id)], "mode": "one", "confirm": "1"}
    response = boss.post("/customers/handover", data=data, follow_redirects=True)
    assert "下一步：请管理员停用 张伟 的账号" in response.get_data(as_text=True)
    assert boss.post(f"/admin/users/{zhang.id}/deactivate").status_code == 403
    db.session.expire_all()
    assert zhang.is_active_user is True


def test_after_the_handover_the_admin_lands_on_deactivation(app, login_as, sales_team, leaver_world, make_user):
    zhang = sales_team["zhang"]
    admin = login_as(make_user("admin"))
    data = {"from_user_id": str(zhang.id), "receiver_ids": [str(sales_team["li"].id)], "mode": "one", "confirm": "1"}
    response = admin.post("/customers/handover", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/users/")
    assert "下一步：在下方用户列表中停用 张伟 的账号" in admin.get("/admin/users/").get_data(as_text=True)
    assert admin.post(f"/admin/users/{zhang.id}/deactivate").status_code == 303
    db.session.expire_all()
    assert zhang.is_active_user is False
