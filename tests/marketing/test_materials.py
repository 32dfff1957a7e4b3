"""Materials: type checked by content (pdf, pptx, docx, xlsx, png, jpg), size limit, stored outside the web
root under generated names, served as attachments with nosniff, new uploads add versions."""
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.marketing import ActivityMaterial, MaterialVersion

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# A fixed member time: the bytes feed test ids, and xdist workers must collect the same ids.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def office_zip(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=ZIP_TIME), "<Types/>")
        archive.writestr(zipfile.ZipInfo(f"{folder}/document.xml", date_time=ZIP_TIME), "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("evil.html", date_time=ZIP_TIME), "<script>alert(1)</script>")
    return buffer.getvalue()


def upload(client, activity, data: bytes, name: str, title="产品手册"):
    return client.post(f"/marketing/{activity.id}/materials", data={"title": title, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_accepted_types_are_stored_outside_static_and_downloaded_as_attachments(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    for data, name, expected in ((PDF, "手册.pdf", "application/pdf"), (PNG, "海报.png", "image/png"),
                                 (xlsx_bytes(), "报名表.xlsx", "spreadsheetml"), (office_zip("ppt"), "演讲.pptx", "presentationml"),
                                 (office_zip("word"), "邀请函.docx", "wordprocessingml"),
                                 (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "现场.jpg", "image/jpeg")):
        assert upload(client, activity, data, name).status_code == 303, name
        version = db.session.scalar(select(MaterialVersion).order_by(MaterialVersion.id.desc()))
        assert expected in version.content_type
        stored = Path(app.config["FILE_STORE"]) / "marketing" / version.stored_name
        assert stored.read_bytes() == data and "static" not in str(stored.parent)
        response = client.get(f"/marketing/{activity.id}/materials/{version.material_id}/versions/{version.id}")
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_refusals_by_content_not_by_name(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    refused = [
        (b"<html><script>alert(1)</script></html>", "手册.pdf"),  # HTML named .pdf
        (b"MZ\x90\x00" + b"\x00" * 60, "报价.docx"),  # an executable named .docx
        (plain_zip(), "资料.xlsx"),  # a zip that is no Office document
        (b"GIF89a" + b"\x00" * 20, "动图.png"),  # GIF is not on the list
        (b"", "空.pdf"),
    ]
    for data, name in refused:
        response = upload(client, activity, data, name)
        assert response.status_code == 422, name
        assert "只能上传" in response.get_data(as_text=True) or "请选择" in response.get_data(as_text=True)
    app.config["MATERIAL_MAX_BYTES"] = 1024
    response = upload(client, activity, PDF + b"0" * 2000, "大文件.pdf")
    assert response.status_code == 422 and "不能超过" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MaterialVersion)) == 0
    assert not any((Path(app.config["FILE_STORE"]) / "marketing").glob("*"))


def test_a_new_upload_adds_a_version_and_never_overwrites(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    upload(client, activity, PDF, "手册.pdf")
    material = db.session.scalar(select(ActivityMaterial))
    second = PDF + b"% v2\n"
    response = client.post(f"/marketing/{activity.id}/materials/{material.id}/versions",
                           data={"file": (io.BytesIO(second), "手册v2.exe")}, content_type="multipart/form-data")
    assert response.status_code == 303
    versions = db.session.scalars(select(MaterialVersion).order_by(MaterialVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].filename == "手册v2.pdf"  # the suffix follows the checked type
    assert versions[0].stored_name != versions[1].stored_name
    first = client.get(f"/marketing/{activity.id}/materials/{material.id}/versions/{versions[0].id}")
    assert first.data == PDF


def test_archived_material_is_hidden_from_readers(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    upload(client, activity, PDF, "手册.pdf", title="旧版价格表")
    material = db.session.scalar(select(ActivityMaterial))
    version = material.latest
    assert client.post(f"/marketing/{activity.id}/materials/{material.id}/archive").status_code == 303
    reader = login_as(people["sales"])
    assert "旧版价格表" not in reader.get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert reader.get(f"/marketing/{activity.id}/materials/{material.id}/versions/{version.id}").status_code == 404
    # A version id of another material cannot be fetched through this one.
    assert client.get(f"/marketing/{activity.id}/materials/{material.id}/versions/999").status_code == 404
