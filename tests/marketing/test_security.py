"""Forgery and stored markup in the marketing area: CSRF on state changes, payloads render inert on the
list, the page, the effect chart and the PDF's HTML."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.marketing import Activity, ActivityExpense

PAYLOAD = '<script>alert(1)</script><div hx-get="/logout" hx-trigger="load">x</div>'


def test_state_changes_need_the_csrf_token(csrf_app, people, make_activity):
    from tests.auth.test_csrf_and_headers import login_with_csrf

    activity = make_activity(owner=people["marketing"])
    client = login_with_csrf(csrf_app, people["marketing"])
    assert client.post(f"/marketing/{activity.id}/start").status_code == 400
    assert client.post(f"/marketing/{activity.id}/expenses", data={"category": "场地", "amount": "10",
                                                                    "spent_on": "2026-11-20"}).status_code == 400
    assert client.post(f"/marketing/{activity.id}/invite").status_code == 400
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == "计划中"
    assert db.session.scalar(select(func.count()).select_from(ActivityExpense)) == 0


def test_payloads_render_inert_everywhere(app, frozen_now, people, login_as, make_activity):
    from datetime import date

    # region holds 64 characters (PostgreSQL refuses more): the script part of the payload
    activity = make_activity(owner=people["marketing"], theme=PAYLOAD, region=PAYLOAD[:25], starts_on=date(2026, 3, 1),
                             ends_on=date(2026, 3, 1), status="进行中")
    db.session.add(ActivityExpense(activity_id=activity.id, category="其他", amount=1, spent_on=date(2026, 3, 1), note=PAYLOAD))
    db.session.commit()
    client = login_as(people["marketing"])
    for url in ("/marketing/", f"/marketing/{activity.id}", "/marketing/effect?date_from=2026-01-01&date_to=2026-11-30"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and 'hx-trigger="load"' not in page, url
        assert "&lt;script&gt;" in page, url


def test_hostile_query_parameters_never_give_a_server_error(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    hostile = "date_from=9999-99-99&date_to=%00&owner=1 OR 1=1&kind=' OR '1'='1&status=\u202e&sort=-id;drop&page=-5&per_page=0&q=" + "长" * 10000
    for path in ("/marketing/", "/marketing/export", "/marketing/effect", f"/marketing/{activity.id}",
                 f"/marketing/{activity.id}/invite", "/marketing/competitors/"):
        assert client.get(f"{path}?{hostile}").status_code in (200, 400), path
    assert client.get(f"/marketing/{activity.id}?status=%27&page=999").status_code == 200
