"""Spot-checks: reproducible samples, exclusion of checked records, department scope, audit, acknowledgement."""
import re
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.revisits import SpotCheck
from portal.revisits.services import preview_sample
from portal.rules.sampling import draw_sample
from tests.revisits.conftest import draw

NOVEMBER = {"period_start": "2026-11-01", "period_end": "2026-11-30"}


def service_team(make_user, make_department, make_customer, make_record, per_staff=(5, 3)):
    """A 客服部 supervisor, two of their staff with completed November records, and an outsider's records."""
    team, other = make_department("客服部"), make_department("销售部")
    supervisor = make_user("supervisor", team, username="sup")
    staff = [make_user("service", team, username=f"kf{i}") for i in range(len(per_staff))]
    outsider = make_user("service", other, username="outsider")
    customer = make_customer()
    records = {user.id: [make_record(customer, user, datetime(2026, 11, 2 + n, 10), satisfaction=4).id
                         for n in range(count)] for user, count in zip(staff, per_staff)}
    make_record(customer, staff[0], datetime(2026, 11, 3, 11), outcome="未接通")  # not a completed revisit
    make_record(customer, staff[0], datetime(2026, 10, 31, 11))  # outside the period
    outside = make_record(customer, outsider, datetime(2026, 11, 5, 10), satisfaction=5)
    return supervisor, staff, records, outside


def test_sample_is_reproducible_from_the_seed(app, frozen_now, make_user, make_department, make_customer, make_record):
    supervisor, staff, records, outside = service_team(make_user, make_department, make_customer, make_record)
    first = preview_sample(supervisor, date(2026, 11, 1), date(2026, 11, 30), 20261124, percent=40)
    again = preview_sample(supervisor, date(2026, 11, 1), date(2026, 11, 30), 20261124, percent=40)
    assert first == again == draw_sample(records, 20261124, percent=40)
    # 40 % of 5 = 2, of 3 = 1.2 → 2 (rounded up); only the supervisor's department, only 完成 in the period.
    assert [len(first[s.id]) for s in staff] == [2, 2]
    assert outside.id not in {record_id for ids in first.values() for record_id in ids}


def test_draw_previews_then_stores_exactly_the_sample_shown(app, frozen_now, make_user, make_department,
                                                             make_customer, make_record, login_as):
    supervisor, staff, records, _ = service_team(make_user, make_department, make_customer, make_record)
    client = login_as(supervisor)
    expected = draw_sample(records, 777, count=2)
    preview = client.post("/spot-checks/draw", data={**NOVEMBER, "mode": "count", "size": "2", "seed": "777",
                                                     "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "样本预览（尚未保存）：共 4 条" in html and "确认保存该样本" in html
    assert db.session.scalar(select(SpotCheck.id)) is None  # nothing stored by a preview
    response = draw(client, {**NOVEMBER, "mode": "count", "size": "2", "seed": "777"})
    assert response.status_code == 303
    stored = db.session.scalars(select(SpotCheck).order_by(SpotCheck.record_id)).all()
    assert sorted(c.record_id for c in stored) == sorted(expected[staff[0].id] + expected[staff[1].id])
    assert {(c.sample_seed, c.period_start, c.period_end, c.result) for c in stored} == {
        (777, date(2026, 11, 1), date(2026, 11, 30), "待抽查")}
    assert "777" in client.get("/spot-checks/?seed=777").get_data(as_text=True)
    # The stored sample is still what its seed and parameters give: reproducible after saving.
    assert preview_sample(supervisor, date(2026, 11, 1), date(2026, 11, 30), 777, count=2) == expected


def test_a_repeated_draw_shows_the_existing_sample_instead_of_adding_one(app, frozen_now, make_user, make_department,
                                                                         make_customer, make_record, login_as):
    supervisor, staff, records, _ = service_team(make_user, make_department, make_customer, make_record)
    client = login_as(supervisor)
    draw(client, {**NOVEMBER, "mode": "percent", "size": "20", "seed": "777"})
    first = sorted(c.record_id for c in db.session.scalars(select(SpotCheck)))
    for seed in ("777", "1"):
        again = client.post("/spot-checks/draw", data={**NOVEMBER, "mode": "percent", "size": "20", "seed": seed,
                                                       "action": "save", "previewed": "1,2"})
        assert again.status_code == 303 and again.headers["Location"].endswith("seed=777")
    assert sorted(c.record_id for c in db.session.scalars(select(SpotCheck))) == first  # 20 % stayed 20 %
    assert "该期间已抽样（随机种子 777）" in client.get("/spot-checks/?seed=777").get_data(as_text=True)


def test_saving_a_sample_that_changed_since_the_preview_shows_the_new_one(app, frozen_now, make_user, make_department,
                                                                          make_customer, make_record, login_as):
    supervisor, _staff, _records, _ = service_team(make_user, make_department, make_customer, make_record)
    response = login_as(supervisor).post("/spot-checks/draw", data={
        **NOVEMBER, "mode": "count", "size": "1", "seed": "5", "action": "save", "previewed": "999"})
    assert response.status_code == 200 and "样本与预览不同" in response.get_data(as_text=True)
    assert db.session.scalar(select(SpotCheck.id)) is None


def test_invalid_draw_form_is_422_in_chinese(app, make_user, login_as):
    response = login_as(make_user("supervisor")).post(
        "/spot-checks/draw", data={"period_start": "2026-11-30", "period_end": "2026-11-01", "mode": "percent",
                                   "size": "0", "seed": "5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "结束日期不能早于开始日期" in page and "应为1到100" in page


def test_service_user_cannot_spot_check(app, make_user, login_as):
    client = login_as(make_user("service"))
    assert client.get("/spot-checks/").status_code == 403
    assert draw(client, {**NOVEMBER, "mode": "count", "size": "1", "seed": "1"}).status_code == 403


def test_supervisor_sees_only_their_departments_checks(app, frozen_now, make_user, make_department, make_customer,
                                                      make_record, login_as):
    supervisor, staff, _records, outside = service_team(make_user, make_department, make_customer, make_record)
    admin = make_user("admin")
    draw(login_as(admin), {**NOVEMBER, "mode": "percent", "size": "100", "seed": "3"})
    checks = db.session.scalars(select(SpotCheck)).all()
    assert len(checks) == 9  # the admin draws company-wide, the outsider's record included
    foreign = next(c for c in checks if c.record_id == outside.id)
    own = next(c for c in checks if c.staff_id == staff[0].id)
    client = login_as(supervisor)
    assert client.get(f"/spot-checks/{foreign.id}").status_code == 404
    assert client.post(f"/spot-checks/{foreign.id}", data={"result": "合格"}).status_code == 404
    assert client.get(f"/spot-checks/{own.id}").status_code == 200
    listing = client.get("/spot-checks/").get_data(as_text=True)
    assert "outsider" not in listing and "kf0" in listing


def test_viewing_a_drawn_record_is_audited(app, frozen_now, make_user, make_department, make_customer, make_record,
                                           login_as):
    supervisor, staff, _records, _ = service_team(make_user, make_department, make_customer, make_record)
    client = login_as(supervisor)
    draw(client, {**NOVEMBER, "mode": "count", "size": "1", "seed": "9"})
    check = db.session.scalars(select(SpotCheck)).first()
    assert client.get(f"/spot-checks/{check.id}").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "read"))
    assert (entry.user_id, entry.record_type, entry.record_id) == (supervisor.id, "RevisitRecord", str(check.record_id))


def test_finding_flow_mark_see_acknowledge(app, frozen_now, make_user, make_department, make_customer, make_record,
                                           login_as):
    supervisor, staff, _records, _ = service_team(make_user, make_department, make_customer, make_record)
    boss = login_as(supervisor)
    draw(boss, {**NOVEMBER, "mode": "count", "size": "1", "seed": "11"})
    check = next(c for c in db.session.scalars(select(SpotCheck)) if c.staff_id == staff[0].id)

    missing = boss.post(f"/spot-checks/{check.id}", data={"version": str(check.version), "result": "不完整"})
    assert missing.status_code == 422 and "发现问题时请填写整改要求" in missing.get_data(as_text=True)
    response = boss.post(f"/spot-checks/{check.id}", data={
        "version": str(check.version), "result": "不完整", "comment": "未记录受访人", "corrective_action": "补录受访人并复核"})
    assert response.status_code == 303
    db.session.refresh(check)
    assert (check.result, check.checked_at, check.acknowledged_at) == ("不完整", datetime(2026, 11, 24, 10), None)

    worker = login_as(staff[0])
    page = worker.get("/revisits/findings/").get_data(as_text=True)
    assert "补录受访人并复核" in page and "待确认" in page
    from portal.workbench.sections import work_sections

    with app.test_request_context():
        sections = {section.key: section for section in work_sections(staff[0], date(2026, 11, 24))}
    assert sections["spot_check_findings"].total == 1

    assert login_as(staff[1]).post(f"/revisits/findings/{check.id}/acknowledge").status_code == 404
    assert worker.post(f"/revisits/findings/{check.id}/acknowledge").status_code == 303
    db.session.refresh(check)
    assert check.acknowledged_at == datetime(2026, 11, 24, 10)
    assert worker.post(f"/revisits/findings/{check.id}/acknowledge").status_code == 409
    # Once acknowledged the finding is final.
    assert boss.post(f"/spot-checks/{check.id}", data={"version": str(check.version), "result": "合格"}).status_code == 409


def test_lists_render_as_page_and_as_fragment(app, frozen_now, make_user, make_department, make_customer, make_record,
                                              login_as, hx):
    supervisor, staff, _records, _ = service_team(make_user, make_department, make_customer, make_record)
    client = login_as(supervisor)
    draw(client, {**NOVEMBER, "mode": "count", "size": "1", "seed": "5"})
    page = client.get("/spot-checks/?state=pending")
    fragment = client.get("/spot-checks/?state=pending", headers=hx)
    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert fragment.get_data(as_text=True).count("待抽查") == 2
    assert "HX-Request" in page.headers["Vary"]
    findings = login_as(staff[0]).get("/revisits/findings/", headers=hx).get_data(as_text=True)
    assert "<html" not in findings and "还没有被抽查过" in findings  # pending draws are not findings yet


def test_the_supervisors_list_shows_no_row_whose_detail_refuses(app, frozen_now, make_user, make_department,
                                                               make_customer, make_record, login_as):
    """销售部: the supervisor did revisits herself; the admin's company-wide draw includes them."""
    sales = make_department("销售部")
    supervisor = make_user("supervisor", sales, username="zhaomin")
    colleague = make_user("sales", sales, username="rep")
    customer = make_customer()
    own = make_record(customer, supervisor, datetime(2026, 11, 3, 10), satisfaction=4)
    make_record(customer, colleague, datetime(2026, 11, 4, 10), satisfaction=5)
    draw(login_as(make_user("admin")), {**NOVEMBER, "mode": "percent", "size": "100", "seed": "3"})
    assert len(db.session.scalars(select(SpotCheck)).all()) == 2
    client = login_as(supervisor)
    listing = client.get("/spot-checks/").get_data(as_text=True)
    links = re.findall(r'href="/spot-checks/(\d+)"', listing)
    assert len(links) == 1
    for check_id in links:
        assert client.get(f"/spot-checks/{check_id}").status_code == 200
    own_check = db.session.scalar(select(SpotCheck).where(SpotCheck.record_id == own.id))
    assert client.get(f"/spot-checks/{own_check.id}").status_code == 404
