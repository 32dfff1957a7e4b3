"""Scope (sales sees only their customers' records), list filters and the .xlsx export."""
from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.followups import FollowUp


def add_followup(customer, author, contacted_at, content, method="电话", late=False):
    followup = FollowUp(customer_id=customer.id, author_id=author.id, contacted_at=contacted_at,
                        recorded_at=contacted_at, is_late=late, method=method, content=content)
    db.session.add(followup)
    db.session.commit()
    return followup


def test_sales_sees_only_own_customers_records(app, frozen_now, login_as, make_user, new_customer):
    mine, theirs = make_user("sales"), make_user("sales")
    own = add_followup(new_customer(mine, name="自有客户"), mine, datetime(2026, 11, 20, 9), "我的跟进")
    other = add_followup(new_customer(theirs, name="别人客户"), theirs, datetime(2026, 11, 21, 9), "别人的跟进")
    client = login_as(mine)
    html = client.get("/followups/").get_data(as_text=True)
    assert "自有客户" in html and "别人客户" not in html
    assert client.get(f"/followups/{own.id}").status_code == 200
    assert client.get(f"/followups/{other.id}").status_code == 404
    assert client.post(f"/followups/{other.id}/edit", data={"content": "x"}).status_code == 404
    assert client.get(f"/followups/customers/{other.customer_id}/section").status_code == 404
    # A query parameter cannot widen scope.
    assert "别人客户" not in client.get(f"/followups/?author_id={theirs.id}").get_data(as_text=True)
    # A supervisor of neither department and service see both.
    service_html = login_as(make_user("service")).get("/followups/").get_data(as_text=True)
    assert "自有客户" in service_html and "别人客户" in service_html


def test_filters(app, frozen_now, login_as, make_user, new_customer):
    rep = make_user("sales", display_name="张伟")
    customer = new_customer(rep, name="杭州云帆科技有限公司")
    add_followup(customer, rep, datetime(2026, 11, 2, 9), "电话甲")
    add_followup(customer, rep, datetime(2026, 11, 10, 9), "拜访乙", method="拜访", late=True)
    add_followup(new_customer(rep, name="宁波海港物流有限公司"), rep, datetime(2026, 11, 20, 9), "会议丙", method="会议")
    client = login_as(make_user("admin"))

    def contents(query):
        html = client.get("/followups/?" + query).get_data(as_text=True)
        return [text for text in ("电话甲", "拜访乙", "会议丙") if text in html]

    assert contents("") == ["电话甲", "拜访乙", "会议丙"]
    assert contents("method=拜访") == ["拜访乙"]
    assert contents("timeliness=late") == ["拜访乙"]
    assert contents("timeliness=on_time") == ["电话甲", "会议丙"]
    assert contents("date_from=2026-11-10&date_to=2026-11-10") == ["拜访乙"]
    assert contents("customer=云帆") == ["电话甲", "拜访乙"]
    assert contents(f"author_id={rep.id}") == ["电话甲", "拜访乙", "会议丙"]
    assert contents("method=bogus&per_page=100000") == ["电话甲", "拜访乙", "会议丙"]


def test_list_query_count_does_not_grow_with_rows(app, frozen_now, login_as, make_user, new_customer, count_queries):
    rep = make_user("sales")
    client = login_as(rep)
    customer = new_customer(rep)
    add_followup(customer, rep, datetime(2026, 11, 1, 9), "一")
    with count_queries() as few:
        client.get("/followups/")
    for day in range(2, 22):
        add_followup(new_customer(rep), rep, datetime(2026, 11, day, 9), f"记录{day}")
    with count_queries() as many:
        client.get("/followups/")
    assert many.count == few.count


def test_export_is_scoped_and_logged(app, frozen_now, login_as, make_user, new_customer):
    mine, theirs = make_user("sales", display_name="李娜"), make_user("sales")
    add_followup(new_customer(mine, name="自有客户"), mine, datetime(2026, 11, 20, 9, 5), "=HYPERLINK(\"x\")")
    add_followup(new_customer(theirs, name="别人客户"), theirs, datetime(2026, 11, 21, 9), "别人的跟进")
    response = login_as(mine).get("/followups/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("联系时间", "记录时间", "及时性", "客户编号", "客户名称")
    assert len(rows) == 2
    assert rows[1][0] == "2026-11-20 09:05" and rows[1][4] == "自有客户" and rows[1][5] == "李娜"
    assert rows[1][8] == "'=HYPERLINK(\"x\")"  # formula injection neutralised
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "read"))
    assert entry.record_type == "FollowUp" and entry.user_id == mine.id and "1 条" in entry.note


def test_unfiltered_list_walks_newest_first_within_scope_like_the_filtered_ones(app, frozen_now, login_as, make_user,
                                                                                 new_customer):
    """The unfiltered list is written differently (it walks the contact-time index, issue 6): same
    scope, same order, same pages as the planner-chosen form used with a person filter."""
    rep, other = make_user("sales"), make_user("sales")
    own, pool, theirs = new_customer(rep, name="自有甲"), new_customer(None, name="公海乙"), new_customer(other, name="别人丙")
    for day in range(1, 8):
        add_followup((own, pool, theirs)[day % 3], rep if day % 3 != 2 else other, datetime(2026, 11, day, 9), f"记{day}号")
    add_followup(own, rep, datetime(2026, 11, 7, 9), "同刻后写")  # same contact time: the later id first
    client = login_as(rep)

    def shown(query):
        html = client.get("/followups/?" + query).get_data(as_text=True)
        found = [(html.find(text), text) for text in ["同刻后写"] + [f"记{day}号" for day in range(1, 8)] if text in html]
        return [text for _, text in sorted(found)]

    everything = shown("")
    assert everything == ["同刻后写", "记7号", "记6号", "记4号", "记3号", "记1号"]  # 2 and 5: 别人丙's
    assert shown("per_page=2") + shown("per_page=2&page=2") + shown("per_page=2&page=3") == everything
    assert shown(f"author_id={rep.id}") == everything
    assert shown("method=电话") == everything
