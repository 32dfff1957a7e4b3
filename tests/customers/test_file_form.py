"""Creating and editing customer files: validation, duplicates 查重, 撞单, stale edits, scope."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal import events
from portal.customers import services
from portal.customers.queries import find_duplicates
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import Contact, Customer, CustomerSearch, OwnerChange, StageChange
from tests.customers.conftest import form_data


def customer_count() -> int:
    return db.session.scalar(select(func.count(Customer.id)))


def test_code_carries_the_year_the_file_was_opened(app, frozen_now):
    """A file entered with an earlier opening date (demo data, back-filled records) is numbered in that
    year's sequence, not today's."""
    from datetime import datetime

    old = services.create_customer({"name": "宁波旧档案贸易有限公司", "created_at": datetime(2025, 6, 3, 9)}, [], None)
    new = services.create_customer({"name": "宁波新档案贸易有限公司"}, [], None)
    assert (old.code, new.code) == ("KH2025000001", "KH2026000001")


def test_sales_creates_a_file_they_own(app, frozen_now, login_as, sales_team):
    client = login_as(sales_team["zhang"])
    response = client.post("/customers/new", data=form_data())
    assert response.status_code == 303
    customer = db.session.scalar(select(Customer))
    assert response.headers["Location"].endswith(f"/customers/{customer.id}")
    assert customer.code == "KH2026000001"
    assert customer.owner_id == sales_team["zhang"].id and customer.entered_by_id == sales_team["zhang"].id
    assert (customer.name_normalized, customer.name_pinyin, customer.name_initials) == (
        "杭州云帆科技", "hangzhouyunfankejiyouxiangongsi", "hzyfkjyxgs")
    [contact] = customer.contacts
    assert (contact.phone_digits, contact.email_normalized, contact.is_primary) == ("13812345678", "wangwei@yunfan.cn", True)
    assert "hzyfkjyxgs" in db.session.get(CustomerSearch, customer.id).text
    assert db.session.scalar(select(StageChange.to_stage).where(StageChange.customer_id == customer.id)) == "潜在"
    assert db.session.scalar(select(OwnerChange.kind).where(OwnerChange.customer_id == customer.id)) == "分配"
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.record_type == "Customer")) == "create"


def test_sales_cannot_assign_an_owner(app, login_as, sales_team):
    client = login_as(sales_team["zhang"])
    client.post("/customers/new", data=form_data(owner_id=str(sales_team["li"].id)))
    assert db.session.scalar(select(Customer.owner_id)) == sales_team["zhang"].id


def test_service_may_put_a_file_in_the_pool_or_assign_it(app, login_as, sales_team, make_user):
    client = login_as(make_user("service"))
    client.post("/customers/new", data=form_data(owner_id=""))
    client.post("/customers/new", data=form_data(name="另一家公司", owner_id=str(sales_team["li"].id),
                                                 **{"contacts-0-phone": "13900001111", "contacts-0-email": "a@b.cn"}))
    owners = dict(db.session.execute(select(Customer.name, Customer.owner_id)).all())
    assert owners == {"杭州云帆科技有限公司": None, "另一家公司": sales_team["li"].id}


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "请填写客户名称"),
    ("source_channel", "", "请选择来源渠道"),
    ("credit_code", "91330100MA27XL1235", "统一社会信用代码应为18位，且校验位正确"),
    ("contacts-0-phone", "1381234567", "电话应为11位手机号，或带区号的座机"),
    ("contacts-0-email", "wangwei@", "邮箱格式不正确"),
    ("website", "not a url", "网址格式不正确"),
    ("budget_range", "50万-20万", "预算范围的下限不能大于上限"),
    ("budget_range", "很多", "预算范围格式应为"),
    ("registered_on", "", "会员请填写注册日期"),
])
def test_invalid_input_is_refused_with_chinese_messages_and_kept(app, login_as, sales_team, field, value, message):
    client = login_as(sales_team["zhang"])
    data = form_data(main_business="保留我输入的主营业务", is_member="y", registered_on="2026-11-01")
    data[field] = value
    response = client.post("/customers/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "保留我输入的主营业务" in html
    assert customer_count() == 0


@pytest.mark.parametrize("phone", ["0571-88886666", "(0571)8888 6666", "010-66668888", "+86 138 1234 5678",
                                   "+86 571 8888 6666", "+86 10 6666 8888",
                                   "0571-88886666转123"])
def test_landlines_with_area_codes_and_mobiles_are_accepted(app, login_as, sales_team, phone):
    client = login_as(sales_team["zhang"])
    assert client.post("/customers/new", data=form_data(**{"contacts-0-phone": phone})).status_code == 303


def test_valid_credit_code_is_accepted_and_normalized(app, login_as, sales_team):
    client = login_as(sales_team["zhang"])
    from portal.rules.dedupe import credit_code_check_char

    body = "91330100MA27XL123"
    code = body + credit_code_check_char(body)
    assert client.post("/customers/new", data=form_data(credit_code=code.lower())).status_code == 303
    assert db.session.scalar(select(Customer.credit_code)) == code


# --- 查重 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "杭州云帆科技有限公司", "杭州云帆科技", "杭州 云帆 科技 股份有限公司", "杭州云帆科技集团", "杭州云帆科技（有限公司）",
    "杭州云帆科技有限责任公司",
])
def test_duplicates_by_normalized_name(app, sales_team, make_customer, typed):
    make_customer("杭州云帆科技有限公司", owner=sales_team["li"])
    assert [d.reasons for d in find_duplicates(name=typed)] == [["名称相同"]]


def test_full_width_and_half_width_names_match(app, make_customer):
    make_customer("ABC软件有限公司")
    assert len(find_duplicates(name="ＡＢＣ 软件 有限公司")) == 1
    assert find_duplicates(name="ABD软件有限公司") == []


def test_duplicates_by_phone_email_and_credit_code(app, make_customer):
    from portal.rules.dedupe import credit_code_check_char

    code = "91330100MA27XL123" + credit_code_check_char("91330100MA27XL123")
    make_customer("甲公司", credit_code=code, contacts=[{"name": "王伟", "phone": "138-1234-5678", "email": "Wang@Jia.cn"}])
    assert find_duplicates(phones=["+86 13812345678"])[0].reasons == ["联系电话相同"]
    assert find_duplicates(emails=[" wang@jia.CN "])[0].reasons == ["邮箱相同"]
    assert find_duplicates(credit_code=code.lower())[0].reasons == ["统一社会信用代码相同"]
    assert find_duplicates(name="乙公司", phones=["13900000000"]) == []


def test_duplicate_check_while_typing_shows_owner_without_contact_details(app, login_as, sales_team, make_customer, hx):
    make_customer("杭州云帆科技有限公司", owner=sales_team["li"],
                  contacts=[{"name": "王伟", "phone": "13812345678", "email": "secret@yunfan.cn"}])
    client = login_as(sales_team["zhang"])
    response = client.post("/customers/duplicates", data={"name": "杭州云帆科技"}, headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "撞单" in html and "李娜" in html and "杭州**科技有限公司" in html
    assert "杭州云帆科技有限公司" not in html and "KH2026" not in html
    assert "13812345678" not in html and "secret@yunfan.cn" not in html and "138 1234 5678" not in html
    # Not in the rep's scope, so no link to the file.
    assert "/customers/1\"" not in html
    assert "疑似" not in client.post("/customers/duplicates", data={"name": "完全不同的名字"}, headers=hx).get_data(as_text=True)


def test_zhuangdan_sales_cannot_save_a_clash_with_another_reps_customer(app, login_as, sales_team, make_customer):
    make_customer("杭州云帆科技有限公司", owner=sales_team["li"])
    client = login_as(sales_team["zhang"])
    response = client.post("/customers/new", data=form_data(name="杭州云帆科技股份有限公司", confirm_duplicates="y"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "撞单" in html and "李娜" in html
    assert customer_count() == 1


@pytest.mark.parametrize("probe", [
    {"contacts-0-phone": "+86 138 1234 5678"},
    {"contacts-0-email": "SECRET@yunfan.cn"},
    {"credit_code": "91330100MA27XYU12L"},
    {"name": "杭州云帆科技"},
])
def test_duplicate_check_is_no_oracle_for_another_reps_file(app, login_as, sales_team, make_customer, hx, probe):
    """A sales rep probing another rep's customer by phone, email, credit code or name learns the owner and a
    masked name only: no full name, no code, no link, no last contact (inline, as a page, and after 保存)."""
    other = make_customer("杭州云帆科技有限公司", owner=sales_team["li"], credit_code="91330100MA27XYU12L",
                          contacts=[{"name": "王伟", "phone": "13812345678", "email": "secret@yunfan.cn"}])
    client = login_as(sales_team["zhang"])
    data = {"name": "别的名字", **probe}
    inline = client.post("/customers/duplicates", data=data, headers=hx).get_data(as_text=True)
    page = client.post("/customers/duplicates", data=data).get_data(as_text=True)
    saved = client.post("/customers/new", data=form_data(**{"name": "别的名字", "contacts-0-phone": "",
                                                            "contacts-0-email": "", **probe}))
    assert saved.status_code == 422 and customer_count() == 1
    for html in (inline, page, saved.get_data(as_text=True)):
        assert "杭州**科技有限公司" in html and "李娜" in html and "无权查看" in html
        assert "杭州云帆科技有限公司" not in html and other.code not in html
        assert f"/customers/{other.id}" not in html


def test_duplicates_in_scope_show_name_code_and_link(app, login_as, sales_team, make_customer, hx):
    mine = make_customer("杭州云帆科技有限公司", owner=sales_team["zhang"])
    html = login_as(sales_team["zhang"]).post("/customers/duplicates", data={"name": "杭州云帆科技"},
                                              headers=hx).get_data(as_text=True)
    assert "杭州云帆科技有限公司" in html and mine.code in html and f'href="/customers/{mine.id}"' in html
    # The supervisor sees the department's files whole too.
    html = login_as(sales_team["boss"]).post("/customers/duplicates", data={"name": "杭州云帆科技"},
                                             headers=hx).get_data(as_text=True)
    assert mine.code in html and "杭州**" not in html


def test_zhuangdan_after_save_is_one_red_refusal_without_an_override(app, login_as, sales_team, make_customer):
    make_customer("杭州云帆科技有限公司", owner=sales_team["li"])
    client = login_as(sales_team["zhang"])
    for data in (form_data(), form_data(confirm_duplicates="y")):
        response = client.post("/customers/new", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'class="duplicates panel duplicates-clash" role="alert"' in html
        assert html.count("撞单：疑似重复的客户已由李娜负责，不能重复建档，请联系主管处理") == 1
        assert "疑似重复</span>" not in html and "status-amber" not in html
        assert "我已核对" not in html and 'name="confirm_duplicates"' not in html
    assert customer_count() == 1


def test_a_possible_duplicate_offers_the_override_and_it_saves(app, login_as, sales_team, make_customer):
    make_customer("杭州云帆科技有限公司", owner=None)
    client = login_as(sales_team["zhang"])
    response = client.post("/customers/new", data=form_data())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "status-amber" in html and "撞单" not in html and "duplicates-clash" not in html
    assert "我已核对疑似重复客户，仍然保存" in html and "请核对后勾选确认再保存" in html
    assert client.post("/customers/new", data=form_data(confirm_duplicates="y")).status_code == 303
    assert customer_count() == 2


def test_duplicate_of_a_pool_customer_needs_confirmation(app, login_as, sales_team, make_customer):
    make_customer("杭州云帆科技有限公司", owner=None)
    client = login_as(sales_team["zhang"])
    response = client.post("/customers/new", data=form_data())
    assert response.status_code == 422 and "请核对后勾选确认" in response.get_data(as_text=True)
    assert client.post("/customers/new", data=form_data(confirm_duplicates="y")).status_code == 303
    assert customer_count() == 2


def test_supervisor_may_save_a_confirmed_duplicate(app, login_as, sales_team, make_customer):
    make_customer("杭州云帆科技有限公司", owner=sales_team["li"])
    client = login_as(sales_team["boss"])
    assert client.post("/customers/new", data=form_data(confirm_duplicates="y")).status_code == 303


# --- edit ---------------------------------------------------------------------------------------------

def edit_data(customer, **overrides):
    data = form_data(name=customer.name, version=str(customer.version), **{"contacts-0-id": str(customer.contacts[0].id)})
    data.update(overrides)
    return data


def test_edit_updates_fields_contacts_and_stage_history(app, login_as, sales_team, make_customer):
    zhang = sales_team["zhang"]
    customer = make_customer("杭州云帆科技有限公司", owner=zhang, contacts=[{"name": "王伟", "phone": "13812345678"}])
    client = login_as(zhang)
    data = edit_data(customer, stage="意向", stage_reason="客户确认预算", **{
        "contacts-0-phone": "13912345678", "contacts-1-name": "李强", "contacts-1-phone": "0571-88886666"})
    assert client.post(f"/customers/{customer.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    customer = db.session.get(Customer, customer.id)
    assert customer.stage == "意向" and customer.version == 2
    assert sorted((c.name, c.phone_digits) for c in customer.contacts) == [("李强", "057188886666"), ("王伟", "13912345678")]
    change = db.session.scalar(select(StageChange).where(StageChange.from_stage == "潜在"))
    assert (change.to_stage, change.reason, change.changed_by_id) == ("意向", "客户确认预算", zhang.id)
    assert "057188886666" in db.session.get(CustomerSearch, customer.id).text


def test_removing_a_contact_row(app, login_as, sales_team, make_customer):
    zhang = sales_team["zhang"]
    customer = make_customer("杭州云帆科技有限公司", owner=zhang, contacts=[{"name": "王伟"}, {"name": "李强"}])
    client = login_as(zhang)
    data = edit_data(customer, **{"contacts-1-id": str(customer.contacts[1].id), "contacts-1-name": "李强",
                                  "contacts-1-remove": "y"})
    assert client.post(f"/customers/{customer.id}/edit", data=data).status_code == 303
    assert db.session.scalars(select(Contact.name)).all() == ["王伟"]


def test_stale_edit_is_refused_with_what_changed(app, login_as, sales_team, make_customer):
    zhang = sales_team["zhang"]
    customer = make_customer("杭州云帆科技有限公司", owner=zhang, grade="C", contacts=[{"name": "王伟"}])
    stale = edit_data(customer, grade="A", main_business="我的修改")
    boss = login_as(sales_team["boss"])
    assert boss.post(f"/customers/{customer.id}/edit",
                     data=edit_data(customer, grade="B", owner_id=str(zhang.id))).status_code == 303
    response = login_as(zhang).post(f"/customers/{customer.id}/edit", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改" in html and "赵敏" in html and "我的修改" in html
    db.session.expire_all()
    saved = db.session.get(Customer, customer.id)
    assert (saved.grade, saved.main_business, saved.version) == ("B", "", 2)


def test_changing_the_name_to_another_reps_customer_is_refused(app, login_as, sales_team, make_customer):
    make_customer("上海远景贸易有限公司", owner=sales_team["li"])
    mine = make_customer("杭州云帆科技有限公司", owner=sales_team["zhang"], contacts=[{"name": "王伟"}])
    response = login_as(sales_team["zhang"]).post(f"/customers/{mine.id}/edit",
                                                  data=edit_data(mine, name="上海远景贸易", confirm_duplicates="y"))
    assert response.status_code == 422 and "撞单" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path", [
    ("GET", "/customers/{id}"), ("GET", "/customers/{id}/edit"), ("POST", "/customers/{id}/edit"),
    ("GET", "/customers/{id}/print"), ("POST", "/customers/{id}/release"), ("POST", "/customers/{id}/claim"),
])
def test_sales_gets_404_on_another_reps_customer(app, login_as, sales_team, make_customer, method, path):
    other = make_customer("李娜的客户有限公司", owner=sales_team["li"], grade="B", contacts=[{"name": "王伟"}])
    client = login_as(sales_team["zhang"])
    response = client.open(path.format(id=other.id), method=method, data=edit_data(other, grade="A", reason="x"))
    assert response.status_code == 404
    db.session.expire_all()
    assert (db.session.get(Customer, other.id).grade, db.session.get(Customer, other.id).owner_id) == ("B", sales_team["li"].id)


def test_detail_shows_facts_completeness_and_contacts(app, login_as, sales_team, make_customer):
    customer = make_customer("杭州云帆科技有限公司", owner=sales_team["zhang"], industry="软件",
                             contacts=[{"name": "王伟", "phone": "13812345678"}])
    html = login_as(sales_team["zhang"]).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "杭州云帆科技有限公司" in html and "138 1234 5678" in html
    # name, industry, source, owner, grade, tier, stage, contact phone filled: 8 of 14 key fields.
    assert "57%" in html and "统一社会信用代码" in html and "建档：潜在" in html


def test_tech_sees_masked_contact_details(app, login_as, make_user, make_customer):
    from portal.access import customers as access

    customer = make_customer("杭州云帆科技有限公司", contacts=[{"name": "王伟", "phone": "13812345678", "email": "w@yf.cn"}])
    tech = make_user("tech")
    original = access.visible_customers
    access_query = original(make_user("admin"))
    try:
        access.visible_customers = lambda user: access_query
        import portal.customers.queries as queries

        queries.visible_customers = access.visible_customers
        html = login_as(tech).get(f"/customers/{customer.id}").get_data(as_text=True)
    finally:
        access.visible_customers = original
        queries.visible_customers = original
    assert "138****5678" in html and "w***@yf.cn" in html and "13812345678" not in html


def test_change_stage_service(app, make_customer, sales_team):
    customer = make_customer("甲公司", owner=sales_team["zhang"])
    services.change_stage(customer, "成交", "首次成交", sales_team["zhang"])
    services.change_stage(customer, "成交", "again", sales_team["zhang"])  # no-op
    db.session.commit()
    stages = db.session.scalars(select(StageChange.to_stage).where(StageChange.customer_id == customer.id)
                                .order_by(StageChange.id)).all()
    assert stages == ["潜在", "成交"] and customer.stage == "成交"
    with pytest.raises(ValueError):
        services.change_stage(customer, "不存在", "", None)


def test_member_registration_sends_customer_registered(app, make_customer):
    received = []

    def receiver(sender, **_extra):
        received.append(sender.name)

    events.customer_registered.connect(receiver)
    try:
        make_customer("会员公司", is_member=True, registered_on=date(2026, 11, 20))
        make_customer("非会员公司")
    finally:
        events.customer_registered.disconnect(receiver)
    assert received == ["会员公司"]


def test_supervisor_sets_collaborators_who_then_see_and_edit(app, login_as, sales_team, make_customer):
    zhang, li = sales_team["zhang"], sales_team["li"]
    customer = make_customer("协作客户有限公司", owner=zhang, contacts=[{"name": "王伟"}])
    assert login_as(li).get(f"/customers/{customer.id}").status_code == 404
    data = edit_data(customer, owner_id=str(zhang.id), collaborator_ids=[str(li.id), str(zhang.id)])
    assert login_as(sales_team["boss"]).post(f"/customers/{customer.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert [u.id for u in db.session.get(Customer, customer.id).collaborators] == [li.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.note == "修改协作人"))
    assert entry.changes == {"collaborators": [None, "李娜"]}
    assert login_as(li).get(f"/customers/{customer.id}").status_code == 200
    # A sales rep's own edit form does not offer collaborators, so a posted list is ignored.
    zhang_data = edit_data(db.session.get(Customer, customer.id), collaborator_ids=[])
    assert login_as(zhang).post(f"/customers/{customer.id}/edit", data=zhang_data).status_code == 303
    db.session.expire_all()
    assert [u.id for u in db.session.get(Customer, customer.id).collaborators] == [li.id]
