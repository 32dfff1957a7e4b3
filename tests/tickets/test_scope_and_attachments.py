"""Who sees which ticket, attachments checked by content and served only in scope, closing and reopening."""
import io
import zipfile

import pytest
from sqlalchemy import select

from portal.access.customers import visible_customers
from portal.access.tickets import visible_tickets
from portal.events import ticket_closed
from portal.extensions import db
from portal.models.tickets import Ticket, TicketAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


# A fixed member time: the bytes feed test ids, and xdist workers must collect the same ids.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=ZIP_TIME), "<Types/>")
        archive.writestr(zipfile.ZipInfo("word/document.xml", date_time=ZIP_TIME), "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("run.sh", date_time=ZIP_TIME), "rm -rf /")
    return buffer.getvalue()


@pytest.fixture
def setup(app, make_user, make_department, make_customer, make_ticket):
    sales_department, tech_department, other_tech_department = (make_department(n) for n in ("销售部", "技术部", "网络部"))
    people = {
        "owner": make_user("sales", department=sales_department),
        "other_rep": make_user("sales", department=sales_department),
        "service": make_user("service", department=make_department("客服部")),
        "tech": make_user("tech", department=tech_department),
        "colleague": make_user("tech", department=tech_department),
        "outsider": make_user("tech", department=other_tech_department),
        "loner": make_user("tech"),
    }
    customer = make_customer(owner=people["owner"], name="杭州明远科技有限公司")
    other_customer = make_customer(owner=people["other_rep"], name="宁波海曙贸易有限公司")
    to_department = make_ticket(customer, people["service"])
    to_department.dispatch(tech_department, None, people["service"])
    to_person = make_ticket(other_customer, people["service"])
    to_person.dispatch(tech_department, people["colleague"], people["service"])
    undispatched = make_ticket(other_customer, people["service"])
    db.session.commit()
    return {**people, "customer": customer, "other_customer": other_customer, "tech_department": tech_department,
            "to_department": to_department, "to_person": to_person, "undispatched": undispatched}


def visible_ids(user):
    return set(db.session.scalars(visible_tickets(user).with_only_columns(Ticket.id)))


def test_tech_sees_only_tickets_dispatched_to_them_or_their_department(setup, login_as):
    s = setup
    assert visible_ids(s["tech"]) == {s["to_department"].id, s["to_person"].id}
    assert visible_ids(s["outsider"]) == set()
    assert visible_ids(s["loner"]) == set()
    s["to_person"].dispatch(s["tech_department"], s["colleague"], s["service"])
    assert set(db.session.scalars(visible_customers(s["tech"]).with_only_columns(visible_customers(s["tech"]).selected_columns[0].table.c.id))) == {s["customer"].id, s["other_customer"].id}
    client = login_as(s["outsider"])
    assert client.get(f"/tickets/{s['to_department'].id}").status_code == 404
    listing = client.get("/tickets/").get_data(as_text=True)
    assert s["to_department"].number not in listing
    listing = login_as(s["tech"]).get("/tickets/").get_data(as_text=True)
    assert s["to_department"].number in listing and s["undispatched"].number not in listing


def test_sales_sees_tickets_of_their_customers_only(setup):
    assert visible_ids(setup["owner"]) == {setup["to_department"].id}
    assert visible_ids(setup["other_rep"]) == {setup["to_person"].id, setup["undispatched"].id}


def upload(client, ticket, data: bytes, name: str):
    return client.post(f"/tickets/{ticket.id}/attachments", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("data,name,content_type", [
    (PNG, "现场照片.png", "image/png"),
    (PDF, "检测报告.pdf", "application/pdf"),
    (docx_bytes(), "整改说明.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "旧版.xls", "application/x-ole-storage"),
])
def test_accepted_types_are_stored_outside_static(setup, login_as, app, data, name, content_type):
    response = upload(login_as(setup["owner"]), setup["to_department"], data, name)
    assert response.status_code == 303
    item = db.session.scalar(select(TicketAttachment))
    assert (item.filename, item.content_type, item.size) == (name, content_type, len(data))
    from pathlib import Path

    stored = Path(app.config["FILE_STORE"]) / "tickets" / item.stored_name
    assert stored.read_bytes() == data and "static" not in stored.parts


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00" + b"\x00" * 64, "照片.png"),  # an executable dressed as an image
    (b"<script>alert(1)</script>", "说明.pdf"),
    (plain_zip(), "文档.docx"),  # a zip that is not an Office document
])
def test_wrong_content_is_refused(setup, login_as, data, name):
    response = upload(login_as(setup["owner"]), setup["to_department"], data, name)
    assert response.status_code == 422
    assert "只能上传图片" in response.get_data(as_text=True)
    assert db.session.scalar(select(TicketAttachment)) is None


def test_oversized_upload_is_refused(setup, login_as, app):
    app.config["TICKET_ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    response = upload(login_as(setup["owner"]), setup["to_department"], PNG + b"\x00" * (1024 * 1024), "大图.png")
    assert response.status_code == 422 and "附件不能超过 1 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(TicketAttachment)) is None


def test_attachment_is_served_only_in_scope_as_a_download(setup, login_as):
    s = setup
    assert upload(login_as(s["owner"]), s["to_department"], PDF, '../../etc/passwd"报告.pdf').status_code == 303
    item = db.session.scalar(select(TicketAttachment))
    url = f"/tickets/{s['to_department'].id}/attachments/{item.id}"
    response = login_as(s["owner"]).get(url)
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition and ".." not in item.filename
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert login_as(s["tech"]).get(url).status_code == 200
    for intruder in (s["other_rep"], s["outsider"]):
        client = login_as(intruder)
        assert client.get(url).status_code == 404
        assert client.get(f"/tickets/{s['to_department'].id}").status_code == 404
        assert upload(client, s["to_department"], PNG, "x.png").status_code == 404
    # the attachment id under another (visible) ticket is not found either
    assert login_as(s["other_rep"]).get(f"/tickets/{s['to_person'].id}/attachments/{item.id}").status_code == 404


def resolved(setup):
    ticket = setup["to_department"]
    ticket.confirm(setup["tech"])
    ticket.start(setup["tech"])
    ticket.resolve(setup["tech"], "更换电源模块", "产品缺陷", "电源批次不良")
    db.session.commit()
    return ticket


def test_close_is_blocked_without_the_closing_revisit(setup, login_as):
    ticket = resolved(setup)
    client = login_as(setup["service"])
    response = client.post(f"/tickets/{ticket.id}/close", data={"version": str(ticket.version)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "请选择满意度" in body and "请填写客户评价" in body
    db.session.expire_all()
    assert ticket.status == "已解决" and ticket.closed_at is None


def test_closing_revisit_closes_and_signals(setup, login_as):
    ticket = resolved(setup)
    received = []

    def receiver(sender, **_):
        received.append(sender.id)

    ticket_closed.connect(receiver)
    try:
        response = login_as(setup["service"]).post(
            f"/tickets/{ticket.id}/close", data={"version": str(ticket.version), "satisfaction": "5", "comment": "响应很快"})
    finally:
        ticket_closed.disconnect(receiver)
    assert response.status_code == 303 and received == [ticket.id]
    db.session.expire_all()
    assert (ticket.status, ticket.satisfaction, ticket.closing_by_id) == ("已回访关闭", 5, setup["service"].id)


def test_unsatisfied_reopens_then_escalates(setup, login_as):
    ticket = resolved(setup)
    client = login_as(setup["service"])
    client.post(f"/tickets/{ticket.id}/close", data={"version": str(ticket.version), "satisfaction": "2", "comment": "仍然死机"})
    db.session.expire_all()
    assert (ticket.status, ticket.reopen_count, ticket.escalated_at) == ("重新打开", 1, None)
    ticket.start(setup["tech"])
    ticket.resolve(setup["tech"], "再次更换", "产品缺陷", "同批次")
    db.session.commit()
    client.post(f"/tickets/{ticket.id}/close",
                data={"version": str(ticket.version), "satisfaction": "1", "comment": "要求主管处理", "escalate": "y"})
    db.session.expire_all()
    assert ticket.status == "已解决" and ticket.escalated_at is not None
    assert "升级主管" in [e.kind for e in ticket.events]


def test_reopen_needs_a_reason_and_counts(setup, login_as):
    ticket = resolved(setup)
    ticket.record_closing_revisit(setup["service"], 4, "满意")
    db.session.commit()
    client = login_as(setup["service"])
    assert client.post(f"/tickets/{ticket.id}/reopen", data={"version": str(ticket.version), "reason": ""}).status_code == 422
    response = client.post(f"/tickets/{ticket.id}/reopen", data={"version": str(ticket.version), "reason": "一周后复发"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (ticket.status, ticket.reopen_count, ticket.closed_at) == ("重新打开", 1, None)
    assert ticket.events[-1].note == "一周后复发"


def test_stale_version_is_refused_with_409(setup, login_as):
    ticket = resolved(setup)
    stale = str(ticket.version - 1)
    response = login_as(setup["service"]).post(f"/tickets/{ticket.id}/reopen", data={"version": stale, "reason": "复发"})
    assert response.status_code == 409
    db.session.expire_all()
    assert ticket.status == "已解决"
