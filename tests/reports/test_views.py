"""The review on the web, as PDF and as Excel: same numbers everywhere, drill-downs, scope, issuing."""
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal import pdf
from portal.extensions import db
from portal.models.reports import IssuedReview

Q3 = {"kind": "quarter", "year": "2026", "number": "3"}


def q3(scope, **extra):
    return {**Q3, "scope": scope, **extra}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def finished_job_pdf(client, response) -> bytes:
    assert response.status_code == 303
    job_url = response.headers["Location"]
    pdf.wait_for_jobs()
    page = client.get(job_url).get_data(as_text=True)
    assert "已完成" in page
    download = client.get(job_url + "/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download.data


def test_web_page_shows_figures_and_previous_period(review_world, login_as):
    client = login_as(review_world.supervisor)
    response = client.get("/reports/", query_string=q3(f"d{review_world.sales_dept.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "销售一部 · 2026年第3季度" in html and "2026年第2季度" in html
    assert "66.7%" in html and "33.3%" in html and "18.6%" in html  # retention, conversion, completeness
    assert "王芳" not in html  # another department's employee is not listed
    assert "指标对比（本期 / 上期，%）" in html and "月度成交金额" in html  # the SVG charts
    assert 'font-family="Noto Sans CJK SC' in html


def test_fragment_for_htmx(review_world, login_as, hx):
    client = login_as(review_world.supervisor)
    html = client.get("/reports/", query_string=q3(f"d{review_world.sales_dept.id}"), headers=hx).get_data(as_text=True)
    assert "<html" not in html and "指标汇总" in html


def test_supervisor_cannot_report_on_another_department(review_world, login_as):
    client = login_as(review_world.supervisor)
    assert client.get("/reports/", query_string=q3(f"d{review_world.service_dept.id}")).status_code == 404
    assert client.get("/reports/", query_string=q3(f"u{review_world.c.id}")).status_code == 404
    assert client.get("/reports/", query_string=q3("company")).status_code == 404
    assert client.get(f"/reports/employees/{review_world.c.id}/sheet.pdf", query_string=Q3).status_code == 404
    drill = client.get("/reports/kpis/satisfaction/numerator", query_string=q3(f"u{review_world.c.id}"))
    assert drill.status_code == 404


def test_admin_sees_company_and_ranking(review_world, login_as):
    html = login_as(review_world.admin).get("/reports/", query_string=q3("company")).get_data(as_text=True)
    assert "全公司" in html and "客服一部" in html and "66.7" in html and "57.0" in html and "54.1" in html


def test_invalid_custom_period_is_422(review_world, login_as):
    client = login_as(review_world.admin)
    response = client.get("/reports/", query_string={"kind": "custom", "date_from": "2026-09-01",
                                                     "date_to": "2026-08-01", "scope": "company"})
    assert response.status_code == 422 and "截止日期不能早于起始日期" in response.get_data(as_text=True)


@pytest.mark.parametrize(("code", "part", "scope", "expected"), [
    ("retention", "numerator", "a", ["KH20260001"]),
    ("retention", "denominator", "a", ["KH20260001", "KH20260002"]),
    ("conversion", "denominator", "dept", ["KH20260004", "KH20260005", "KH20260007"]),
    ("complaint_rate", "numerator", "a", ["GD2026080001"]),
    ("timeliness_sla", "denominator", "c", ["GD2026080001", "GD2026060001"]),
])
def test_drill_down_lists_exactly_the_counted_records(review_world, login_as, code, part, scope, expected):
    scopes = {"a": f"u{review_world.a.id}", "c": f"u{review_world.c.id}", "dept": f"d{review_world.sales_dept.id}"}
    client = login_as(review_world.admin)
    html = client.get(f"/reports/kpis/{code}/{part}", query_string=q3(scopes[scope])).get_data(as_text=True)
    listed = [token for token in ("KH2026000" + str(n) for n in range(1, 8)) if token in html]
    listed += [t for t in ("GD2026080001", "GD2026080002", "GD2026100001", "GD2026060001") if t in html]
    assert sorted(listed) == sorted(expected)
    assert f"共 {len(expected)} 条" in html


def test_drill_down_query_count_does_not_grow_with_rows(review_world, login_as, count_queries):
    from tests.reports.conftest import add_customer

    client = login_as(review_world.admin)
    url = "/reports/kpis/retention/denominator"
    client.get(url, query_string=q3("company"))  # warm-up: per-process caches (settings) are not per row
    db.session.commit()
    with count_queries() as few:
        assert "共 3 条" in client.get(url, query_string=q3("company")).get_data(as_text=True)
    for n in range(10):
        add_customer(f"05{n:02d}", [review_world.a, review_world.b][n % 2], "2026-01-01 09:00:00",
                     [("2026-01-01 09:00:00", "成交")])
    db.session.commit()
    with count_queries() as more:
        assert "共 13 条" in client.get(url, query_string=q3("company")).get_data(as_text=True)
    assert data_queries(more) == data_queries(few)


def test_review_query_count_does_not_grow_with_staff(review_world, login_as, count_queries, make_user):
    client = login_as(review_world.admin)
    client.get("/reports/", query_string=q3("company"))
    db.session.commit()
    with count_queries() as few:
        client.get("/reports/", query_string=q3("company"))
    for n in range(5):
        make_user("sales", review_world.sales_dept)
    with count_queries() as more:
        client.get("/reports/", query_string=q3("company"))
    assert data_queries(more) == data_queries(few)


def data_queries(counter) -> int:
    """Statements other than cached look-ups (settings, holiday table) whose warm-up depends on the app context."""
    return sum("FROM setting" not in s and "holiday_override" not in s for s in counter.statements)


def test_web_pdf_and_xlsx_show_the_same_numbers(review_world, login_as, tmp_path):
    client = login_as(review_world.admin)
    scope = f"u{review_world.a.id}"
    html = client.get("/reports/", query_string=q3(scope)).get_data(as_text=True)
    workbook = load_workbook(BytesIO(client.get("/reports/export.xlsx", query_string=q3(scope)).data))
    summary = {row[0]: row[1] for row in workbook["指标汇总"].iter_rows(values_only=True) if row and row[0]}
    text = pdf_text(finished_job_pdf(client, client.post("/reports/pdf", data=q3(scope))), tmp_path)
    expected = {"客户留存率": "50.0%", "业务转化率": "50.0%", "信息完整率": "32.5%", "客户投诉率": "33.3%",
                "业务增长率": "25.0%", "跟进及时率": "50.0%", "综合得分": "54.1"}
    for name, value in expected.items():
        assert summary[name] == value
        assert value in html
        assert any(name in line and value in line for line in text.splitlines()), name


def test_review_pdf_has_chinese_headings_and_embedded_cjk_font(review_world, login_as, tmp_path):
    client = login_as(review_world.admin)
    data = finished_job_pdf(client, client.post("/reports/pdf", data=q3("company")))
    text = pdf_text(data, tmp_path)
    for heading in ("客户跟踪考核报告", "一、指标汇总", "二、部门考核", "四、员工考核明细", "五、超时工单", "六、抽查发现的问题",
                    "附录：指标定义", "被考核人", "主管", "日期", "全公司 · 2026年第3季度"):
        assert heading in text, heading
    # pdftotext -layout may or may not put spaces between the footer's glyphs (it guesses them from
    # the page's glyph widths); the footer itself is "第 1 页 / 共 N 页".
    assert "第1页/共" in text.replace(" ", "")
    assert "回访内容不完整" in text  # the spot-check finding is listed
    fonts = pdf_fonts(data, tmp_path)
    assert "NotoSansCJK" in fonts.replace("-", "") and " yes yes yes " in fonts


def test_department_review_numbers_its_sections_without_gaps(review_world, login_as, tmp_path):
    client = login_as(review_world.supervisor)
    data = finished_job_pdf(client, client.post("/reports/pdf", data=q3(f"d{review_world.sales_dept.id}")))
    text = pdf_text(data, tmp_path)
    assert "部门考核" not in text
    assert "二、员工考核汇总" in text and "五、抽查发现的问题" in text


def test_assessment_sheet_pdf(review_world, login_as, tmp_path):
    response = login_as(review_world.supervisor).get(f"/reports/employees/{review_world.a.id}/sheet.pdf", query_string=Q3)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data, tmp_path)
    assert "员工考核表" in text and "张伟" in text and "54.1" in text and "被考核人" in text
    assert "排名 2 / 2" in text  # behind 李娜 (66.7) in 销售一部; 赵敏 has no figures: unranked, not counted


def test_issue_freezes_figures_and_reprint_is_identical(review_world, login_as, tmp_path):
    from portal.models.customers import StageChange
    from datetime import datetime

    client = login_as(review_world.supervisor)
    response = client.post("/reports/issue", data=q3(f"d{review_world.sales_dept.id}"))
    assert response.status_code == 303
    issued = db.session.scalar(db.select(IssuedReview))
    assert issued.figures["total"]["figures"]["retention"]["text"] == "66.7%"
    first = client.get(f"/reports/issued/{issued.id}.pdf").data
    # c1 was lost during Q3 after all: today's figures change, the issued document does not. (The file's
    # stage follows its history, as change_stage keeps it.)
    lost = review_world.customers["c1"]
    db.session.add(StageChange(customer_id=lost.id, from_stage="成交", to_stage="流失", changed_at=datetime(2026, 9, 1)))
    lost.stage = "流失"
    db.session.commit()
    assert client.get(f"/reports/issued/{issued.id}.pdf").data == first
    assert "66.7%" in pdf_text(first, tmp_path)
    detail = client.get(f"/reports/issued/{issued.id}").get_data(as_text=True)
    assert "已变化" in detail and "33.3%" in detail
    page = client.get("/reports/", query_string=q3(f"d{review_world.sales_dept.id}")).get_data(as_text=True)
    assert "最近一次签发后有" in page  # the review page itself says the issued figures have moved
    other = login_as(review_world.other_supervisor)
    assert other.get(f"/reports/issued/{issued.id}").status_code == 404


def test_stored_html_in_customer_field_renders_literally(app, login_as, make_user, tmp_path):
    from portal.models.customers import Customer

    sales = make_user("sales")
    payload = '<img src="file:///etc/hostname"><link rel="attachment" href="file:///etc/passwd">'
    customer = Customer(code="KH20260100", name="注入测试有限公司", owner_id=sales.id, main_business=payload,
                        address="<a rel=attachment href=file:///etc/passwd>附件</a>")
    db.session.add(customer)
    db.session.commit()
    response = login_as(sales).get(f"/reports/customers/{customer.id}.pdf")
    assert response.status_code == 200
    path = tmp_path / "customer.pdf"
    path.write_bytes(response.data)
    text = pdf_text(response.data, tmp_path)
    assert 'file:///etc/hostname' in text and "注入测试有限公司" in text
    assert "0 embedded files" in subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True).stdout
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) == 2  # header lines only, no image


def test_customer_pdf_out_of_scope_is_404(app, login_as, make_user):
    from portal.models.customers import Customer

    owner, other = make_user("sales"), make_user("sales")
    customer = Customer(code="KH20260101", name="别人的客户", owner_id=owner.id)
    db.session.add(customer)
    db.session.commit()
    assert login_as(other).get(f"/reports/customers/{customer.id}.pdf").status_code == 404


def test_pdf_job_belongs_to_its_requester(review_world, login_as):
    client = login_as(review_world.admin)
    job_url = client.post("/reports/pdf", data=q3("company")).headers["Location"]
    pdf.wait_for_jobs()
    assert login_as(review_world.supervisor).get(job_url).status_code == 404


def test_a_render_that_runs_too_long_is_stopped_and_reported(review_world, login_as, monkeypatch):
    monkeypatch.setattr(pdf, "JOB_TIMEOUT_SECONDS", 0.01)
    client = login_as(review_world.admin)
    job_url = client.post("/reports/pdf", data=q3("company")).headers["Location"]
    pdf.wait_for_jobs()
    page = client.get(job_url).get_data(as_text=True)
    assert "失败" in page and "生成失败" in page
    assert client.get(job_url + "/file").status_code == 404


def test_issued_pdf_is_stored_by_the_background_render(review_world, login_as):
    client = login_as(review_world.admin)
    client.post("/reports/issue", data=q3(f"d{review_world.sales_dept.id}"))
    db.session.commit()  # the test's own session must not hold a read transaction the worker waits on
    pdf.wait_for_jobs()
    db.session.expire_all()
    issued = db.session.scalar(db.select(IssuedReview))
    assert issued.pdf is not None and issued.pdf.startswith(b"%PDF")
    assert client.get(f"/reports/issued/{issued.id}.pdf").data == issued.pdf


def test_pdf_environment_problems_are_shown_on_the_page(review_world, login_as, monkeypatch):
    monkeypatch.setattr(pdf, "pdf_environment_problems", lambda: ("系统中没有中文（CJK）字体：请安装 fonts-noto-cjk 字体包。",))
    html = login_as(review_world.admin).get("/reports/", query_string=q3("company")).get_data(as_text=True)
    assert "PDF 环境问题" in html and "fonts-noto-cjk" in html


def test_exports_and_pdfs_leave_an_audit_entry(review_world, login_as):
    from portal.models.audit import AuditEntry

    client = login_as(review_world.supervisor)
    client.get("/reports/export.xlsx", query_string=q3(f"d{review_world.sales_dept.id}"))
    client.get(f"/reports/employees/{review_world.a.id}/sheet.pdf", query_string=Q3)
    notes = db.session.scalars(db.select(AuditEntry.note).where(AuditEntry.action == "read")).all()
    assert any("导出考核Excel" in note for note in notes) and any("打印考核表" in note for note in notes)


@pytest.mark.parametrize("method,url", [("get", "/reports/"), ("get", "/reports/export.xlsx"),
                                        ("get", "/reports/kpis/retention/numerator"), ("post", "/reports/pdf"),
                                        ("post", "/reports/issue")])
def test_a_custom_period_without_dates_is_422_everywhere(review_world, login_as, method, url):
    client = login_as(review_world.admin)
    args = {"kind": "custom", "scope": "company"}
    response = client.get(url, query_string=args) if method == "get" else client.post(url, data=args)
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(IssuedReview.id))) == 0


@pytest.mark.parametrize("args", [
    {"kind": "custom", "date_from": "9999-12-31", "date_to": "9999-12-31"},
    {"kind": "custom", "date_from": "0001-01-01", "date_to": "0001-01-02"},
    {"kind": "month", "year": "99999999999999999999", "number": "1"},
    {"kind": "quarter", "year": "2026", "number": "\u202e5"},
    {"kind": "x\x00"},
])
def test_hostile_period_arguments_are_422_not_500(review_world, login_as, args):
    response = login_as(review_world.admin).get("/reports/", query_string={**args, "scope": "company"})
    assert response.status_code == 422


@pytest.mark.parametrize("url", ["/reports/pdf", "/reports/issue"])
def test_generate_and_issue_need_a_csrf_token(csrf_app, make_user, make_department, url):
    from tests.auth.test_csrf_and_headers import csrf_token, login_with_csrf

    supervisor = make_user("supervisor", department=make_department("销售五部"))
    client = login_with_csrf(csrf_app, supervisor)
    args = {"kind": "quarter", "year": "2026", "number": "3", "scope": f"d{supervisor.department_id}"}
    assert client.post(url, data=args).status_code == 400
    assert client.post(url, data=args | {"csrf_token": "garbage"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(IssuedReview.id))) == 0
    token = csrf_token(client, "/reports/")
    assert client.post(url, data=args | {"csrf_token": token}).status_code == 303
    pdf.wait_for_jobs()


def test_issued_list_query_count_does_not_grow_with_rows(review_world, login_as, count_queries):
    from datetime import date

    signers = [review_world.a, review_world.b, review_world.c, review_world.supervisor, review_world.other_supervisor]

    def issue(n):
        for index in range(n):
            db.session.add(IssuedReview(period_kind="quarter", period_start=date(2026, 7, 1), period_end=date(2026, 10, 1),
                                        scope_kind="company", scope_id=None, scope_label="全公司", figures={"period": "x"},
                                        html="<p>x</p>", issued_by_id=signers[index].id))
        db.session.commit()
        db.session.expire_all()

    client = login_as(review_world.admin)
    issue(1)
    client.get("/reports/issued/")
    db.session.commit()
    with count_queries() as few:
        client.get("/reports/issued/")
    issue(5)
    with count_queries() as more:
        assert "共 6 条" in client.get("/reports/issued/").get_data(as_text=True)
    assert data_queries(more) == data_queries(few)


def test_employee_table_is_in_rank_order(review_world, login_as):
    html = login_as(review_world.admin).get("/reports/", query_string=q3("company")).get_data(as_text=True)
    table = html[html.index("员工考核"):]
    positions = [table.index(f'<th scope="row">{name}</th>') for name in ("李娜", "王芳", "张伟", "赵敏")]
    assert positions == sorted(positions)  # 66.7, 57.0, 54.1, then the unscored


def test_employee_table_is_paged_in_rank_order_with_ranks_over_everyone(review_world, login_as):
    client = login_as(review_world.admin)

    def employee_table(page):
        html = client.get("/reports/", query_string=q3("company", per_page=2, page=page)).get_data(as_text=True)
        return html[html.index("员工考核"):]

    first, second = employee_table(1), employee_table(2)
    assert "李娜" in first and "王芳" in first and "张伟" not in first and "赵敏" not in first
    assert "张伟" in second and "赵敏" in second and "李娜" not in second
    assert "<td class=\"num\">3</td>" in second  # 张伟 keeps rank 3, counted over everyone
    assert "共 5 条，第 2 / 3 页" in second and 'rel="prev"' in second


def test_pdf_html_lists_every_employee_whatever_the_web_page(review_world, login_as, app):
    from portal.reports import services
    from portal.reports.periods import Period

    with app.test_request_context("/reports/?per_page=1"):
        scope = services.resolve_scope(review_world.admin, "company")
        review = services.review_for(review_world.admin, Period.of("quarter", 2026, 3), scope)
        html = services.review_html(review, review_world.admin)
    assert all(name in html for name in ("李娜", "王芳", "张伟", "赵敏"))
