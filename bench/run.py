"""`make bench`: page times per role over HTTP against gunicorn on the large data set (issue 18), the
supervisor's work list and the customer list under 8 connections (the latter against the floor app),
and with --in-process the server time and SQL queries per page type (the profile view, issue 6).

    .venv/bin/python -m bench.run                 # SQLite, 100 HTTP requests per page type and role
    .venv/bin/python -m bench.run --quick         # 20 requests, shorter throughput runs
    DATABASE_URL=postgresql://... .venv/bin/python -m bench.run   # the same on PostgreSQL

The data set is `demo seed --scale large` (portal/demo_large.py). On SQLite the built file is cached
under bench/cache/ keyed by the migration head and size, and each run works on a copy. After the page
timings: PDF render time/memory/pages/size, WeasyPrint (the portal's path) beside headless chromium,
and a 10,000-row Excel import, preview and confirm (bench/pdf_bench.py; --quick: 1-page PDF, 500 rows).
Prints one table and writes bench/results/latest.json.
"""
import argparse
import atexit
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, func, select

from bench.http_pages import measure_over_http, print_http_table

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / "cache"
RESULTS_DIR = BENCH_DIR / "results"
SKIP_PREFIXES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")
TARGET_P95_MS = 50
TARGET_REVIEW_P95_MS = 300
# A live recount of this quarter + the previous one (issue 18): a department in ≤ 0.5 s, the company in ≤ 1 s.
TARGET_LIVE_REVIEW_MS = {"department": 500, "company": 1000}
TARGET_FLOOR_RATIO = 0.60
THROUGHPUT_CONNECTIONS = 8
MIN_REQUESTS = 5

os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "b" * 40)


def migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return "-".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def make_app(database_url: str):
    from portal import create_app

    scratch = [tempfile.mkdtemp(prefix="bench-files-"), tempfile.mkdtemp(prefix="bench-pdf-")]
    for directory in scratch:
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return create_app({"PORTAL_ENV": "development", "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                       "FILE_STORE": scratch[0], "PDF_CACHE_DIR": scratch[1]})


def build_database(database_url: str, customers: int) -> dict:
    """Migrate and write the large set (scaled to `customers`) into an empty database."""
    from flask_migrate import upgrade

    from portal.demo_large import Sizes, seed_large
    from portal.extensions import db

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        loaded = seed_large(Sizes() if customers == 100_000 else Sizes.scaled(customers))
        seconds = round(time.perf_counter() - started, 1)
        db.session.remove()
        db.engine.dispose()
    return {"seconds": seconds, "counts": loaded.counts, "steps": loaded.seconds}


def sqlite_database(customers: int, workdir: Path) -> tuple[str, dict]:
    """A working copy of the cached SQLite data set, building the cache first when missing."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached = CACHE_DIR / f"large-{migration_head()}-{customers}.db"
    build = {"cached": True}
    if not cached.exists():
        partial = cached.with_suffix(f".partial-{os.getpid()}")
        partial.unlink(missing_ok=True)
        build = build_database(f"sqlite:///{partial}", customers) | {"cached": False}
        os.replace(partial, cached)  # atomic: a concurrent run never sees half a file
        print(f"built {cached.name} in {build['seconds']} s: {build['counts']}", flush=True)
    copy = workdir / "bench.db"
    shutil.copyfile(cached, copy)
    return f"sqlite:///{copy}", build


def postgres_database(database_url: str, customers: int) -> dict:
    """Use DATABASE_URL as is when it already holds the bench users; otherwise migrate and seed it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        try:
            seeded = connection.execute(text("SELECT count(*) FROM \"user\" WHERE username LIKE 'bench_%'")).scalar()
        except Exception:  # noqa: BLE001  (no schema yet)
            seeded = 0
    engine.dispose()
    if seeded:
        return {"cached": True}
    return build_database(database_url, customers) | {"cached": False}


class StatementLog:
    """SQL statements (and their parameters) sent while it listens."""

    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, _conn, _cursor, statement, parameters, *_args):
        if not statement.lstrip().upper().startswith(SKIP_PREFIXES):
            self.statements.append((statement, parameters))


def page_types(app, users: dict, ids: dict) -> list[tuple[str, str, str]]:
    """(label, username, path) for every page type issue 6 names."""
    rep, supervisor, service, admin = users["rep"], users["supervisor"], users["service"], users["admin"]
    search = lambda q: f"/customers/?q={quote(q)}"  # noqa: E731
    return [
        ("客户列表 第1页（忙碌销售）", rep, "/customers/"),
        ("客户列表 深页 第50页（忙碌销售）", rep, "/customers/?page=50"),
        ("客户列表 深页 第1000页（客服，全部客户）", service, "/customers/?page=1000"),
        ("客户列表 筛选 等级A", service, "/customers/?grade=A"),
        ("客户列表 筛选 分层 重点", service, f"/customers/?tier={quote('重点')}"),
        ("客户列表 筛选 阶段 意向", service, f"/customers/?stage={quote('意向')}"),
        ("客户列表 筛选 来源 展会登记", service, f"/customers/?source={quote('展会登记')}"),
        ("客户列表 筛选 行业", service, f"/customers/?industry={quote('软件和信息技术服务业')}"),
        ("客户列表 筛选 会员", service, "/customers/?member=yes"),
        ("客户列表 筛选 已逾期", service, "/customers/?due=overdue"),
        ("客户列表 筛选 负责人", supervisor, f"/customers/?owner={ids['rep']}"),
        ("客户列表 排序 最近联系", service, "/customers/?sort=last_contacted_at"),
        ("搜索 1字 科", service, search("科")),
        ("搜索 2字 科技", service, search("科技")),
        ("搜索 3字 恒通科", service, search("恒通科")),
        ("搜索 6字 杭州恒通科技", service, search("杭州恒通科技")),
        ("搜索 1字 繁體 華", service, search("華")),
        ("搜索 2字 繁體 華信", service, search("華信")),
        ("搜索 6字 繁體 杭州恆通科技", service, search("杭州恆通科技")),
        ("搜索 拼音首字母 hzhd", service, search("hzhd")),
        ("搜索 电话号码 7位", service, search(ids["phone7"])),
        ("客户详情 500条时间线", rep, f"/customers/{ids['busy_customer']}"),
        ("工作台 忙碌销售", rep, "/"),
        ("工作台 主管", supervisor, "/"),
        ("工单台账 筛选", service, f"/tickets/?status={quote('处理中')}&severity={quote('一般')}"),
        ("跟进记录列表", rep, "/followups/"),
        ("回访任务", service, "/revisits/"),
        ("公司季度考核 网页", admin, "/reports/?kind=quarter"),
        ("订单列表（忙碌销售）", rep, "/sales/orders/"),
        ("订单列表 筛选 有应收（主管）", supervisor, "/sales/orders/?receivable=open"),
        ("订单列表 第1页（管理员）", admin, "/sales/orders/?sort=-total"),
        ("订单详情", rep, f"/sales/orders/{ids['busy_order']}") if ids.get("busy_order") else None,
        ("应收账款 账龄（主管）", supervisor, "/sales/receivables"),
        ("应收账款 账龄（管理员，全公司）", admin, "/sales/receivables"),
        ("商机列表（主管）", supervisor, "/sales/opportunities/"),
        ("销售漏斗（管理员）", admin, "/sales/funnel"),
        ("销售统计 按业务员（主管）", supervisor, "/sales/statements"),
        ("销售统计 按客户（管理员）", admin, "/sales/statements?group=customer"),
        ("产品销售月报 半年（管理员）", admin, "/sales/product-sheet?year=2026&half=1"),
        ("费用列表（主管）", supervisor, "/expenses/"),
        ("市场活动 5000人展会（管理员）", admin, f"/marketing/{ids['big_fair']}") if ids.get("big_fair") else None,
    ]


def route_exists(app, path: str) -> bool:
    from werkzeug.exceptions import NotFound

    try:
        app.url_map.bind("localhost").match(path.split("?")[0], method="GET")
        return True
    except NotFound:
        return False


def bench_ids(app) -> dict:
    """Record ids the page paths need: the busy rep, the busy customer, a phone prefix to search."""
    from portal.demo_large import BUSY_REP, busy_customer_id
    from portal.marketing.demo_large import biggest_activity_id
    from portal.models.knowledge import Article
    from portal.sales.demo_large import busy_order_id
    from portal.extensions import db
    from portal.models.auth import User
    from portal.models.customers import Contact

    with app.app_context():
        return {"rep": db.session.scalar(select(User.id).where(User.username == BUSY_REP)),
                "busy_customer": busy_customer_id(),
                "busy_order": busy_order_id(),
                "big_fair": biggest_activity_id(),
                "article": db.session.scalar(select(Article.id).where(Article.status == "已发布").order_by(Article.id).limit(1)),
                "phone7": (db.session.scalar(select(Contact.phone_digits).where(Contact.phone_digits.like("1%"))
                                             .order_by(Contact.id.desc()).limit(1)) or "1381234")[:7]}


def measure_pages(app, ids: dict, requests: int, warmup: int = 3, budget_seconds: float = 30.0) -> list[dict]:
    """Per page type: p50/p95 of in-process server time (Flask test client) and queries per request:
    the profile view beside the HTTP table."""
    from portal.demo_large import BUSY_REP, LARGE_PASSWORD
    from portal.extensions import db

    names = {"rep": BUSY_REP, "supervisor": "bench_supervisor_001", "service": "bench_service_001",
             "admin": "bench_admin_001"}
    with app.app_context():
        engine = db.engine
    clients = {}
    for key, username in names.items():
        client = app.test_client()
        reply = client.post("/login", data={"username": username, "password": LARGE_PASSWORD})
        if reply.status_code != 303:
            raise SystemExit(f"login as {username} failed: {reply.status_code}")
        clients[username] = client
    results = []
    logging.getLogger("portal").setLevel(logging.CRITICAL)  # a page that fails is reported as "HTTP 500" below
    for label, username, path in filter(None, page_types(app, names, ids)):
        row = {"page": label, "path": path, "user": username}
        if not route_exists(app, path):
            results.append(row | {"note": "page not built yet"})
            continue
        client = clients[username]
        status = client.get(path).status_code
        if status != 200:
            results.append(row | {"note": f"HTTP {status}"})
            continue
        first_started = time.perf_counter()
        client.get(path)
        if time.perf_counter() - first_started < 1.0:
            for _ in range(warmup - 2):
                client.get(path)
        times, queries = [], []
        budget_ends = time.perf_counter() + budget_seconds
        for number in range(requests):
            if number >= MIN_REQUESTS and time.perf_counter() > budget_ends:
                break  # a very slow page gets fewer samples; `requests` in the row says how many
            log = StatementLog()
            event.listen(engine, "before_cursor_execute", log)
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
            event.remove(engine, "before_cursor_execute", log)
            queries.append(len(log.statements))
        times.sort()
        target = TARGET_REVIEW_P95_MS if "考核" in label else TARGET_P95_MS
        p95 = times[max(0, int(len(times) * 0.95) - 1)] * 1000
        results.append(row | {
            "requests": len(times), "p50_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(p95, 1),
            "queries": max(queries), "queries_min": min(queries), "target_ms": target, "meets_target": p95 <= target,
        })
        print(f"  {label}: p95 {p95:.1f} ms, {max(queries)} queries", flush=True)
    return results


def measure_live_review_counts(app, repeats: int = 3) -> list[dict]:
    """What the review page's snapshots save: counting this quarter and the previous one live, for the
    company and for the biggest department (the work `flask reports snapshot` does from cron)."""
    from portal import clock
    from portal.extensions import db
    from portal.models.auth import Department, User
    from portal.reports.kpis import Scope, count_kpis
    from portal.reports.periods import Period

    rows = []
    with app.app_context():
        period = Period.containing("quarter", clock.today())
        biggest = db.session.scalar(select(Department).join(User, User.department_id == Department.id)
                                    .group_by(Department.id).order_by(func.count(User.id).desc()).limit(1))
        for scope in (Scope("company", "全公司"), Scope("department", biggest.name, department=biggest)):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                count_kpis(period, scope), count_kpis(period.previous(), scope)
                times.append(time.perf_counter() - started)
            p50_ms = round(statistics.median(times) * 1000)
            rows.append({"scope": scope.label, "period": period.label, "repeats": repeats, "p50_ms": p50_ms,
                         "max_ms": round(max(times) * 1000), "target_ms": TARGET_LIVE_REVIEW_MS[scope.kind],
                         "meets_target": p50_ms <= TARGET_LIVE_REVIEW_MS[scope.kind]})
            db.session.rollback()
    return rows


def capture_list_sql(app, username: str, path: str) -> list:
    """The statements and parameters of one customer-list request, for the floor app."""
    from portal.demo_large import LARGE_PASSWORD
    from portal.extensions import db

    client = app.test_client()
    client.post("/login", data={"username": username, "password": LARGE_PASSWORD})
    client.get(path)
    with app.app_context():
        engine = db.engine
    log = StatementLog()
    event.listen(engine, "before_cursor_execute", log)
    client.get(path)
    event.remove(engine, "before_cursor_execute", log)
    return [(sql, list(params) if isinstance(params, (tuple, list)) else params) for sql, params in log.statements]


def gunicorn(target: str, port: int, env: dict, workers: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--error-logfile", "-", "--log-level", "warning", target],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(url: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def measure_throughput(app, database_url: str, workdir: Path, seconds: float) -> dict:
    """Customer list under gunicorn (2 workers, 8 connections) vs the floor app, same SQL, same rows."""
    import signal

    from bench.load import hammer
    from portal.demo_large import BUSY_REP, LARGE_PASSWORD
    from tests.drills.harness import PortalClient, free_port

    path = "/customers/"
    statements = capture_list_sql(app, BUSY_REP, path)
    spec = workdir / "floor_sql.json"
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    database = database_url.removeprefix("sqlite:///") if dialect == "sqlite" else database_url.replace("+psycopg", "")
    spec.write_text(json.dumps({"dialect": dialect, "database": database, "statements": statements}, default=str,
                               ensure_ascii=False))
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_ENV"} | {
        "DATABASE_URL": database_url, "PORTAL_INSTANCE_DIR": str(workdir), "FLOOR_SQL": str(spec),
        "PORTAL_ENV": "development"}
    results = {"path": path, "connections": THROUGHPUT_CONNECTIONS, "workers": 2, "statements": len(statements)}
    for name, target in (("portal", "wsgi:app"), ("floor", "bench.floor_app:app")):
        port = free_port()
        server = gunicorn(target, port, env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + ("/healthz" if name == "portal" else "/"))
            cookie = ""
            if name == "portal":
                client = PortalClient(base)
                assert client.login(BUSY_REP, LARGE_PASSWORD).status == 303
                cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
            hammer(base + (path if name == "portal" else "/"), cookie, connections=THROUGHPUT_CONNECTIONS, seconds=1.0)  # warm-up
            results[name] = hammer(base + (path if name == "portal" else "/"), cookie, connections=THROUGHPUT_CONNECTIONS, seconds=seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        print(f"  {name}: {results[name]}", flush=True)
    floor_rps = results["floor"]["rps"] or 1
    results["ratio"] = round(results["portal"]["rps"] / floor_rps, 2)
    results["meets_target"] = results["ratio"] >= TARGET_FLOOR_RATIO
    return results


def print_table(report: dict) -> None:
    print()
    load = report["machine"]
    print(f"bench on {report['database']} · {report['customers']} customers · {report['requests']} requests per page type"
          f" · load average {load['load_average_at_start'][0]:.1f} → {load['load_average_at_end'][0]:.1f}"
          f" on {load['cpus']} CPUs (others' work on a shared machine slows every figure)")
    print_http_table(report["http"])
    if report.get("pages"):
        print("\nin process (Flask test client, server time only):")
        print(f"{'page type':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  target")
    for row in report.get("pages", []):
        if "note" in row:
            print(f"{row['page']:<34} {'—':>4} {'—':>8} {'—':>8} {'—':>8}  {row['note']}")
            continue
        verdict = "ok" if row["meets_target"] else f"MISSED (≤ {row['target_ms']} ms)"
        queries = str(row["queries"]) if row["queries"] == row["queries_min"] else f"{row['queries_min']}-{row['queries']}"
        print(f"{row['page']:<34} {row['requests']:>4} {row['p50_ms']:>8} {row['p95_ms']:>8} {queries:>8}  {verdict}")
    for row in report.get("live_review_counts", []):
        verdict = "ok" if row.get("meets_target") else f"MISSED (≤ {row.get('target_ms')} ms)"
        print(f"review counted live, no snapshot ({row['scope']} {row['period']} + previous quarter): "
              f"p50 {row['p50_ms']} ms, max {row['max_ms']} ms of {row['repeats']} {verdict} — the page reads "
              f"snapshots ≤ 10 min old; cron `flask reports snapshot` or 重新统计 pays this")
    throughput = report.get("throughput")
    if throughput:
        portal, floor = throughput["portal"], throughput["floor"]
        print(f"customer list, {throughput['connections']} connections, gunicorn 2 workers: portal {portal['rps']} req/s "
              f"(p95 {portal['p95_ms']} ms, errors {portal['errors']}), floor {floor['rps']} req/s "
              f"→ ratio {throughput['ratio']} ({'ok' if throughput['meets_target'] else 'MISSED'} ≥ {TARGET_FLOOR_RATIO})")
    print_pdf_and_import(report)
    print(f"results: {report.get('written_to', '')}")


def print_pdf_and_import(report: dict) -> None:
    if report.get("pdf"):
        print(f"{'PDF document':<44} {'renderer':<10} {'wall s':>7} {'PSS MB':>8} {'max proc MB':>11} "
              f"{'pages':>5} {'bytes':>9}")
        for row in report["pdf"]:
            for renderer in ("weasyprint", "chromium"):
                r = row[renderer]
                if "note" in r:
                    print(f"{row['document']:<44} {renderer:<10} {r['note']}")
                    continue
                failed = "" if r["exit"] == 0 else f"  FAILED (exit {r['exit']})"
                print(f"{row['document']:<44} {renderer:<10} {r['seconds']:>7} {r['peak_pss_mb']:>8} "
                      f"{r['peak_process_mb'] or '—':>11} {r['pages'] or '—':>5} {r['bytes'] or '—':>9}{failed}")
    result = report.get("import")
    if result:
        if result.get("unreadable"):
            print(f"Excel import {result['rows']} rows: unreadable: {result['unreadable']}")
            return
        print(f"Excel import {result['rows']} rows (.xlsx {result['file_bytes']} bytes): preview {result['preview_seconds']} s "
              f"({result['accepted']} accepted, {result['rejected']} rejected) · confirm {result['confirm_seconds']} s "
              f"({result['created']} created, {result['customers_added']} customers written"
              f"{'' if result['committed'] else ', rolled back'})")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 requests per page type, 3 s throughput runs")
    parser.add_argument("--requests", type=int, default=None, help="in-process requests per page type")
    parser.add_argument("--http-requests", type=int, default=None, help="HTTP requests per page type and role (100)")
    parser.add_argument("--in-process", action="store_true",
                        help="also time pages inside the process, with SQL queries per request (the profile view)")
    parser.add_argument("--customers", type=int, default=100_000, help="data set size (smoke test: a few hundred)")
    parser.add_argument("--throughput-seconds", type=float, default=None)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per page type (at least 5 requests)")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--import-rows", type=int, default=None, help="rows of the Excel import (10,000; quick: 500)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    args = parser.parse_args(argv)
    requests = args.requests or (30 if args.quick else 200)
    http_requests = args.http_requests or (20 if args.quick else 100)
    seconds = args.throughput_seconds or (3.0 if args.quick else 10.0)
    database_url = os.environ.get("DATABASE_URL", "")
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        if database_url.startswith("postgresql"):
            build = postgres_database(database_url, args.customers)
            database = "PostgreSQL"
        else:
            database_url, build = sqlite_database(args.customers, workdir)
            database = "SQLite"
        app = make_app(database_url)
        report = {"started_at": datetime.now().isoformat(timespec="seconds"), "database": database,
                  "customers": args.customers, "requests": requests, "http_requests": http_requests, "build": build,
                  "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "load_average_at_start": os.getloadavg()}}
        from bench.health_bench import measure_health_job

        print("customer health job:", flush=True)
        report["health_job"] = measure_health_job(app)
        ids = bench_ids(app)
        print("pages over HTTP, per role:", flush=True)
        report["http"] = measure_over_http(database_url, workdir, ids, http_requests,
                                           None if args.no_throughput else seconds, budget_seconds=args.budget)
        if args.in_process:
            print("page types in process:", flush=True)
            report["pages"] = measure_pages(app, ids, requests, budget_seconds=args.budget)
        report["live_review_counts"] = measure_live_review_counts(app)
        if not args.no_throughput:
            print("throughput:", flush=True)
            report["throughput"] = measure_throughput(app, database_url, workdir, seconds)
        # A quick run, or a small data set (the smoke test in `make test`), renders only the 1-page PDF
        # and imports 500 rows; the full run renders the department review and its ≈10/≈50-page cuts.
        small = args.quick or args.customers < 10_000
        if not args.no_pdf:
            from bench.pdf_bench import measure_pdfs

            print("pdf:", flush=True)
            report["pdf"] = measure_pdfs(app, small, workdir)
        if not args.no_import:
            from bench.pdf_bench import measure_import

            print("excel import:", flush=True)
            rows = args.import_rows or (500 if small else 10_000)
            report["import"] = measure_import(app, rows, workdir, commit=database == "SQLite")
        report["machine"]["load_average_at_end"] = os.getloadavg()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        report["written_to"] = str(args.output)
        print_table(report)
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
