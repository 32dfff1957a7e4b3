"""Issue 11: the registration trigger is the NON-member policy's (非会员回访管理制度).

A non-member with a registration date gets its first revisit task (form, Excel import, `revisits
generate`); a member only when the admin setting says so (default off)."""
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.revisits import RevisitTask
from portal.rules.revisit_triggers import gets_registration_revisit
from portal.settings_store import save_setting
from tests.customers.conftest import form_data
from tests.customers.test_excel import row, token_of, upload


def registration_tasks(name: str) -> list[tuple[str, date]]:
    customer = db.session.scalar(select(Customer).where(Customer.name == name))
    return [(t.trigger, t.due_on) for t in db.session.scalars(
        select(RevisitTask).where(RevisitTask.customer_id == customer.id))]


def test_rule_non_members_always_members_only_by_setting():
    assert gets_registration_revisit(False, date(2026, 11, 24)) is True
    assert gets_registration_revisit(True, date(2026, 11, 24)) is False
    assert gets_registration_revisit(True, date(2026, 11, 24), members_too=True) is True
    assert gets_registration_revisit(False, None) is False


def test_non_member_saved_through_the_form_gets_its_first_revisit(app, frozen_now, login_as, make_user):
    service = make_user("service")
    client = login_as(service)
    assert client.post("/customers/new", data=form_data(registered_on="2026-11-24")).status_code == 303
    # Tue 11-24 + 3 working days = Fri 11-27.
    assert registration_tasks("杭州云帆科技有限公司") == [("registration", date(2026, 11, 27))]


def test_member_gets_none_unless_the_admin_turns_it_on(app, frozen_now, login_as, make_user):
    client = login_as(make_user("service"))
    client.post("/customers/new", data=form_data(is_member="y", registered_on="2026-11-24"))
    assert registration_tasks("杭州云帆科技有限公司") == []
    save_setting("revisit_members_on_registration", True)
    db.session.commit()
    client.post("/customers/new", data=form_data(name="宁波会员客户有限公司", is_member="y", registered_on="2026-11-24",
                                                 **{"contacts-0-phone": "13900001111", "contacts-0-email": "m@b.cn"}))
    assert registration_tasks("宁波会员客户有限公司") == [("registration", date(2026, 11, 27))]


def test_editing_in_a_registration_date_starts_the_trigger_once(app, frozen_now, login_as, make_user):
    from portal.customers.services import create_customer, update_customer

    make_user("service")
    customer = create_customer({"name": "无锡后补注册有限公司", "source_channel": "电话咨询"}, [], None)
    db.session.commit()
    assert registration_tasks("无锡后补注册有限公司") == []
    update_customer(customer, {"registered_on": date(2026, 11, 24)}, None, None)
    update_customer(customer, {"industry": "制造业"}, None, None)
    db.session.commit()
    assert registration_tasks("无锡后补注册有限公司") == [("registration", date(2026, 11, 27))]


def test_imported_non_member_gets_its_first_revisit(app, frozen_now, login_as, make_user, make_department):
    importer = login_as(make_user("service", username="importer"))
    rows = [row("苏州导入非会员有限公司", is_member="否", registered_on="2026-11-20"),
            row("苏州导入会员有限公司", is_member="是", registered_on="2026-11-20", phone="13900002222")]
    token = token_of(upload(importer, rows))
    assert importer.post("/customers/import/confirm", data={"token": token, "on_match": "skip"}).status_code == 303
    assert registration_tasks("苏州导入非会员有限公司") == [("registration", date(2026, 11, 27))]
    assert registration_tasks("苏州导入会员有限公司") == []


def test_revisits_generate_picks_up_unannounced_non_member_registrations(app, frozen_now, runner, make_user):
    make_user("service")
    for name, is_member, registered in (("常州漏网非会员有限公司", False, date(2026, 11, 20)),
                                         ("常州会员有限公司", True, date(2026, 11, 20)),
                                         ("常州老注册有限公司", False, date(2025, 1, 5))):
        db.session.add(Customer(code=f"KH2026{len(name):03d}{int(is_member)}{registered.year}", name=name,
                                is_member=is_member, registered_on=registered))
    db.session.commit()
    result = runner.invoke(args=["revisits", "generate", "--lookahead", "0"])
    assert result.exit_code == 0, result.output
    assert registration_tasks("常州漏网非会员有限公司") == [("registration", date(2026, 11, 27))]
    assert registration_tasks("常州会员有限公司") == []
    # Registered long ago: the periodic trigger's business, not a "first revisit".
    assert [t for t, _ in registration_tasks("常州老注册有限公司")] != ["registration"]
    runner.invoke(args=["revisits", "generate", "--lookahead", "0"])
    assert registration_tasks("常州漏网非会员有限公司") == [("registration", date(2026, 11, 27))]
