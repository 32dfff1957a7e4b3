"""PDF and Excel-import sections of `make bench` (issue 6).

PDF: the print HTML is built in the app exactly as the routes build it (reports.services.review_html,
templates/pdf/customer.html), then rendered in a child process
  * by the portal's own path: `python -m portal.pdf <html> <pdf> <static>` (WeasyPrint, StaticOnlyFetcher),
    the very command start_pdf_job runs, and
  * by headless chromium `--print-to-pdf`, from the same HTML with the virtual static origin
    (https://portal.invalid/static/…) rewritten to file:// URLs of the same static folder, so both read
    the same pdf.css from disk (the charts are inline SVG; nothing else is referenced).
Each render is timed wall-clock around the child; memory is the peak RSS summed over the child's process
tree as PSS (shared pages divided among the processes that map them), sampled from /proc every 20 ms
(chromium is several processes; the Python wrapper, ≈10 MB, is included for both renderers), and the largest single process
(getrusage RUSAGE_CHILDREN ru_maxrss, measured inside a fresh wrapper process so earlier runs don't count).
Pages from pdfinfo, size in bytes.

Import: a generated .xlsx with the template's own headers (customers.excel.IMPORT_COLUMNS) goes through
store_upload → preview_import (the dry run of POST /customers/import) and run_import + commit (POST
/customers/import/confirm), in a request context logged in as an importing user, on the run's working
copy of the database (never the cache). On PostgreSQL the write is rolled back instead of committed.
"""
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")
RENDER_TIMEOUT = 600
IMPORT_USER = "bench_admin_001"
REVIEW_VIEWER = "bench_admin_001"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Run a command and print its children's peak RSS (KiB) on stderr's last line: a fresh process, so the
# figure is this render's alone.
WRAPPER = ("import resource, subprocess, sys\n"
           "code = subprocess.call(sys.argv[1:])\n"
           "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
           "sys.exit(code)\n")


# --- measuring a child process ---------------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    """Proportional set size (PSS) of `root` and all its descendants, in KiB (Linux /proc)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):  # proportional: shared pages split between chromium's processes
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(command: list[str], cwd: Path | None = None) -> dict:
    """Wall seconds, peak tree RSS (MB), peak single-process RSS (MB) and exit status of one command."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", WRAPPER, *command], cwd=cwd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(child.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = child.communicate(timeout=RENDER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)
        _, stderr = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    text = stderr.decode("utf-8", "replace")
    found = re.findall(r"MAXRSS_KB (\d+)", text)
    return {"seconds": round(seconds, 2), "peak_pss_mb": round(peak[0] / 1024, 1),
            "peak_process_mb": round(int(found[-1]) / 1024, 1) if found else None,
            "exit": child.returncode, "stderr_tail": text[-500:] if child.returncode else ""}


def pdf_pages(path: Path) -> int | None:
    if not shutil.which("pdfinfo") or not path.exists():
        return None
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return int(match.group(1)) if match else None


def render_weasyprint(html: str, static_root: str, workdir: Path, name: str) -> dict:
    html_path, pdf_path = workdir / f"{name}.html", workdir / f"{name}.weasyprint.pdf"
    html_path.write_text(html, encoding="utf-8")
    result = measure([sys.executable, "-m", "portal.pdf", str(html_path), str(pdf_path), static_root], cwd=PROJECT_ROOT)
    return result | {"pages": pdf_pages(pdf_path), "bytes": pdf_path.stat().st_size if pdf_path.exists() else None}


def chromium_html(html: str, static_root: str) -> str:
    """The same HTML with the renderer's virtual static origin pointed at the static folder on disk."""
    from portal.pdf import PDF_BASE_URL

    return html.replace(PDF_BASE_URL + "static/", Path(static_root).resolve().as_uri() + "/")


def render_chromium(html: str, static_root: str, workdir: Path, name: str) -> dict:
    if not os.access(CHROMIUM, os.X_OK):
        return {"note": f"{CHROMIUM} missing: chromium comparison skipped"}
    html_path, pdf_path = workdir / f"{name}.chromium.html", workdir / f"{name}.chromium.pdf"
    html_path.write_text(chromium_html(html, static_root), encoding="utf-8")
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-", dir=workdir))
    result = measure([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                      html_path.resolve().as_uri()])
    shutil.rmtree(profile, ignore_errors=True)
    return result | {"pages": pdf_pages(pdf_path), "bytes": pdf_path.stat().st_size if pdf_path.exists() else None}


# --- the documents -----------------------------------------------------------------------------------

def _login(username: str):
    from flask_login import login_user

    from portal.extensions import db
    from portal.models.auth import User

    user = db.session.scalar(select(User).where(User.username == username))
    login_user(user)
    return user


def review_documents(app, variants: bool) -> list[dict]:
    """The department-quarter review of the department with the most assessed staff, latest full quarter;
    with `variants` also a re-renderer with N employee blocks (for the ≈10/≈50-page cuts) and a 考核表."""
    from portal import clock
    from portal.extensions import db
    from portal.models.auth import User
    from portal.reports import services
    from portal.reports.periods import Period

    with app.test_request_context("/reports/pdf", method="POST"):
        viewer = _login(REVIEW_VIEWER)
        department_id, staff = db.session.execute(
            select(User.department_id, func.count()).where(User.department_id.is_not(None),
                                                           User.role.in_(services.ASSESSED_ROLES))
            .group_by(User.department_id).order_by(func.count().desc(), User.department_id).limit(1)).one()
        period = Period.containing("quarter", clock.today()).previous()  # the latest full quarter
        scope = services.resolve_scope(viewer, f"d{department_id}")
        review = services.review_for(viewer, period, scope)
        label = f"部门季度考核 {scope.label} {period.label}（{len(review.employees)}人）"
        documents = [{"name": "review", "label": label, "html": services.review_html(review, viewer),
                      "employees": len(review.employees), "department": scope.label, "period": period.label,
                      "assessed_staff": staff}]
        if variants:
            def with_employees(count: int) -> str:
                rows = [review.employees[i % len(review.employees)] for i in range(count)]
                return services.review_html(dataclasses.replace(review, employees=rows), viewer)

            documents.append({"with_employees": with_employees, "review": review})
            # The one-page document the portal prints: the first employee's 考核表, as its route renders it.
            from flask import render_template

            row = review.employees[0]
            documents.append({"name": "sheet", "label": f"员工考核表 {row.label}（1页）", "html": render_template(
                "pdf/assessment_sheet.html", review=review, row=row, ranked=len(review.employees),
                generated_at=services.generated_at(), printed_by=viewer)})
    return documents


def customer_document(app) -> dict:
    """The customer file (客户档案) of the newest customer (short history: the 1-page document), as its route
    builds it (contacts shown, as for a user who may see them)."""
    from portal import clock
    from portal.extensions import db
    from portal.models.customers import Customer, StageChange

    with app.app_context():
        customer_id = db.session.scalar(select(func.max(Customer.id)))
    with app.test_request_context(f"/reports/customers/{customer_id}.pdf"):
        from flask import render_template

        viewer = _login(REVIEW_VIEWER)
        customer = db.session.get(Customer, customer_id)
        history = db.session.scalars(select(StageChange).where(StageChange.customer_id == customer_id)
                                     .order_by(StageChange.changed_at)).all()
        html = render_template("pdf/customer.html", customer=customer, history=history, show_contacts=True,
                               generated_at=clock.now(), printed_by=viewer)
    return {"name": "customer", "label": f"客户档案 {customer.code}", "html": html}


def measure_pdfs(app, quick: bool, workdir: Path) -> list[dict]:
    """Rows of the PDF section: each document by WeasyPrint and by chromium, side by side."""
    static_root = app.static_folder
    workdir = workdir / "pdf"
    workdir.mkdir(exist_ok=True)
    rows = []

    def run(document: dict) -> dict:
        row = {"document": document["label"]} | {k: v for k, v in document.items()
                                                  if k in ("employees", "department", "period", "assessed_staff")}
        row["weasyprint"] = render_weasyprint(document["html"], static_root, workdir, document["name"])
        row["chromium"] = render_chromium(document["html"], static_root, workdir, document["name"])
        print(f"  {document['label']}: weasyprint {row['weasyprint']} · chromium {row['chromium']}", flush=True)
        rows.append(row)
        return row

    run(customer_document(app))
    if quick:
        return rows
    review_docs = review_documents(app, variants=True)
    run(review_docs[2])
    base = run(review_docs[0])
    with_employees, employees = review_docs[1]["with_employees"], review_docs[0]["employees"]
    pages = base["weasyprint"].get("pages") or 1
    per_employee = pages / max(employees, 1)
    # ≈10 pages: proportional cut; ≈50 pages: a line through the two measured points.
    ten = max(1, round(10 / per_employee))
    with app.test_request_context("/reports/pdf", method="POST"):
        _login(REVIEW_VIEWER)
        html = with_employees(ten)
    row10 = run({"name": "review10", "label": f"考核 ≈10页（{ten}个员工块）", "html": html, "employees": ten})
    p10 = row10["weasyprint"].get("pages") or 10
    slope = (pages - p10) / (employees - ten) if employees != ten else per_employee
    slope = slope if slope > 0 else per_employee
    fifty = max(1, round(ten + (50 - p10) / slope))
    with app.test_request_context("/reports/pdf", method="POST"):
        _login(REVIEW_VIEWER)
        html = with_employees(fifty)
    run({"name": "review50", "label": f"考核 ≈50页（{fifty}个员工块，重复）", "html": html, "employees": fifty})
    return rows


# --- Excel import ------------------------------------------------------------------------------------

def import_workbook(path: Path, rows: int, owners: list[str]) -> None:
    """`rows` new customers in the import template's columns (one contact each, every 4th unowned)."""
    from openpyxl import Workbook

    from portal.customers.excel import IMPORT_COLUMNS, header_row

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "客户导入"
    header_row(sheet, [header for header, _ in IMPORT_COLUMNS])
    grades, tiers, stages = "ABC", ("普通", "重点"), ("潜在", "意向")
    for i in range(rows):
        owner = "" if i % 4 == 3 else owners[i % len(owners)]
        sheet.append((f"基准导入{i:05d}号科技有限公司", "", "软件和信息技术服务业", "100-499人", "2000万-1亿",
                      f"杭州市滨江区基准路{i}号", "企业软件", f"www.bench{i}.example.cn", "展会登记", grades[i % 3],
                      tiers[i % 2], stages[i % 2], "否", "", "20万-50万", "王伟", "展会", owner, f"联系人{i}", "经理",
                      f"139{i:08d}", f"import{i}@example.cn", "决策者"))
    workbook.save(path)


def measure_import(app, rows: int, workdir: Path, commit: bool) -> dict:
    """Seconds for the dry run and for the write of a `rows`-row upload, as the two routes do them."""
    from werkzeug.datastructures import FileStorage

    from portal.customers import excel
    from portal.extensions import db
    from portal.models.auth import User
    from portal.models.customers import Customer

    path = workdir / f"import-{rows}.xlsx"
    with app.app_context():
        owners = list(db.session.scalars(select(User.username).where(User.role == "sales").order_by(User.id).limit(20)))
        db.session.remove()
    started = time.perf_counter()
    import_workbook(path, rows, owners)
    result = {"rows": rows, "generate_seconds": round(time.perf_counter() - started, 2),
              "file_bytes": path.stat().st_size}
    with app.test_request_context("/customers/import", method="POST"):
        user = _login(IMPORT_USER)
        before = db.session.scalar(select(func.count()).select_from(Customer))
        started = time.perf_counter()
        with path.open("rb") as stream:
            token = excel.store_upload(FileStorage(stream=stream, filename=path.name))
        preview = excel.preview_import(token, "skip", user)
        result["preview_seconds"] = round(time.perf_counter() - started, 2)
        result |= {"accepted": len(preview.accepted), "rejected": len(preview.rejected),
                   "unreadable": preview.unreadable}
        db.session.rollback()
    with app.test_request_context("/customers/import/confirm", method="POST"):
        user = _login(IMPORT_USER)
        started = time.perf_counter()
        written = excel.run_import(token, "skip", user)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        result["confirm_seconds"] = round(time.perf_counter() - started, 2)
        result |= {"created": written.created, "updated": written.updated, "skipped": written.skipped,
                   "committed": commit}
        if not commit:
            db.session.rollback()
        after = db.session.scalar(select(func.count()).select_from(Customer))
        result["customers_added"] = after - before
        db.session.remove()
    print(f"  import {rows} rows: {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result
