"""`make security-scan`: attack tools against a scratch portal on 127.0.0.1 (issue 6, issue 11, SECURITY.md #15,
#29, #34, #35).

bandit over the code; then a throwaway instance (migrated SQLite in a temp dir, demo data with hostile
spreadsheet strings planted in its free text, gunicorn with 2 workers on a free loopback port) is attacked:

- the targets come from the app itself (scripts/scan_targets.py): every list, filter, search, drill-down and
  export with every parameter of its WTForms filter form (and what it reads from the query string), plus
  the duplicate check and the main forms, each attacked as a role that may open it;
- fuzz: every parameter of every target with hostile values, as every role that may open the target;
  any 5xx fails the scan;
- sqlmap with blind techniques (boolean B and time-based T always; E, U, S too outside --quick);
- wapiti crawls and attacks as each role (logout and password change excluded, offline modules only);
- exports: every export downloaded as every role that may, failing on any formula cell;
- axe-core in chromium on the main pages of several roles.

Every tool is time-bounded. Prints a summary, writes bench/results/security-latest.json, exits 1 when
anything is found (including any 5xx seen by any tool or in the server log).

    .venv/bin/python scripts/security_scan.py [--only bandit,fuzz,exports,sqlmap,wapiti,axe] [--quick]
                                              [--roles zhaomin,zhangwei] [--targets customers.,tickets.index]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from scripts.scan_targets import Target  # noqa: E402
from tests.drills.harness import DRILL_SECRET_KEY, PortalClient, PortalServer  # noqa: E402

VENV_BIN = Path(sys.executable).parent
RESULTS = Path(os.environ.get("SCAN_RESULTS", PROJECT_ROOT / "bench" / "results" / "security-latest.json"))
AXE_SCRIPT = PROJECT_ROOT / "bench" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-portal-2026"
# The demo's accounts, one per role (portal/demo.py); the supervisor first: she opens the most lists.
ROLE_USERS = ("zhaomin", "admin", "zhangwei", "wangfang", "liuyang", "chenjing", "sunli")
# Text a spreadsheet would run as a formula (SECURITY.md #34): planted in the scratch data before exports.
HOSTILE_TEXT = ('=HYPERLINK("http://127.0.0.1/x","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1",
                "\r=1+1")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FUZZ_VALUES = ("'", "\"", "1' OR '1'='1", "1 AND SLEEP(2)", "-1", "0", "99999999999999999999", "1e309",
               "2026-02-30", "\x00", "\u202e反转", "<div hx-get=/admin hx-trigger=load>", "a" * 5000, "%")
QUICK_FUZZ_VALUES = ("'", "-1", "99999999999999999999", "\x00", "a" * 5000)
# Wapiti modules that work offline; ssrf/xxe need wapiti's external endpoint, wapp/nikto download databases.
WAPITI_MODULES = "backup,cookieflags,crlf,csp,csrf,exec,file,htaccess,http_headers,methods,permanentxss,redirect,shellshock,sql,xss"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_bandit() -> dict:
    """bandit -ll over portal/: medium and high findings."""
    result = subprocess.run([str(VENV_BIN / "bandit"), "-q", "-r", "portal", "-ll", "-f", "json"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    findings = json.loads(result.stdout or "{}").get("results", [])
    summary = [f"{f['issue_severity']} {f['test_id']} {f['filename']}:{f['line_number']}" for f in findings]
    return {"findings": len(findings), "details": summary}


def scratch_instance(workdir: Path) -> tuple[PortalServer, str]:
    """Migrated SQLite + demo data + gunicorn on loopback; returns the server and its database URL."""
    database_url = f"sqlite:///{workdir / 'portal.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_INSTANCE_DIR": str(workdir),
           "SECRET_KEY": DRILL_SECRET_KEY, "PORTAL_ENV": "development"}
    for command in (["db", "upgrade"], ["demo", "seed", "--customers", "80"]):
        subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *command], cwd=PROJECT_ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
    plant_hostile_text(database_url)
    return PortalServer(workdir, database_url, workers=2, log_name="scan-gunicorn").start(), database_url


def session_cookie(server: PortalServer, username: str) -> str:
    client = PortalClient(server.base_url)
    reply = client.login(username, DEMO_PASSWORD)
    if reply.status != 303:
        raise RuntimeError(f"login as {username} failed: {reply.status}")
    # A page with a form puts the CSRF secret into the session cookie; the tools then drop Set-Cookie,
    # so the cookie they carry must already hold it, or every POST they send is a 400 (CSRF), not a test.
    client.get("/customers/new")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies)


def first_customer_id(database_url: str) -> int:
    import sqlite3

    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT min(id) FROM customer").fetchone()[0] or 1


def plant_hostile_text(database_url: str) -> int:
    """Put formula-like strings into the free text of the scratch data, so every export meets them."""
    import sqlite3

    columns = {"customer": ("name", "industry", "address", "tags", "main_business"), "contact": ("name", "position"),
               "follow_up": ("participants", "content", "result", "next_action"),
               "ticket": ("complainant", "description", "solution"), "revisit_record": ("contact_person", "notes"),
               "deal": ("product", "note")}
    planted = 0
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        for table, names in columns.items():
            try:
                ids = [row[0] for row in connection.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 12")]  # noqa: S608
            except sqlite3.OperationalError:
                continue
            for number, row_id in enumerate(ids):
                for name in names:
                    value = HOSTILE_TEXT[(number + len(name)) % len(HOSTILE_TEXT)]
                    connection.execute(f"UPDATE {table} SET {name} = ? WHERE id = ?", (value, row_id))  # noqa: S608
                    planted += 1
        connection.execute("UPDATE user SET display_name = ? WHERE username = 'lina'", (HOSTILE_TEXT[0],))
    return planted


def derived_targets(database_url: str) -> list[Target]:
    """Every list/filter/search/export of the app with all its parameters (scripts/scan_targets.py)."""
    from portal import create_app
    from scripts.scan_targets import scan_targets

    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": DRILL_SECRET_KEY})
    with app.app_context():
        return scan_targets(app, {"customer_id": first_customer_id(database_url)})


def fetch(base: str, path: str, cookie: str, data: dict | None = None, timeout: float = 60) -> tuple[int, bytes, str]:
    """(status, body bytes, content type) of one request with a session cookie; never raises on HTTP errors."""
    import urllib.error
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(base + path, data=body, headers={"Cookie": cookie})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")
    except Exception as error:  # noqa: BLE001 - a dropped connection is a finding, not a crash of the scan
        return 599, str(error).encode(), ""


def request_path(target: Target, params: dict | None = None) -> str:
    from urllib.parse import urlencode

    params = target.params if params is None else params
    return target.path + ("?" + urlencode(params) if params and target.method == "GET" else "")


SELECT_RE = re.compile(r"<select[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)
OPTION_RE = re.compile(r"<option[^>]*\bvalue=\"([^\"]*)\"")


def live_choices(html: str) -> dict[str, str]:
    """name → first non-empty option of each <select> on a page: values the filter forms really accept."""
    import html as html_lib

    found = {}
    for name, body in SELECT_RE.findall(html):
        values = [html_lib.unescape(v) for v in OPTION_RE.findall(body) if v]
        if values:
            found.setdefault(html_lib.unescape(name), values[0])
    return found


def access_map(server: PortalServer, cookies: dict[str, str], targets: list[Target]) -> dict[str, list[str]]:
    """endpoint → the roles that may open it (a plain request answers 200; others get 403/404 and are not
    attacked there). Select-field samples are replaced by the first option the page really offers."""
    allowed, learned = {}, {}
    for target in targets:
        allowed[target.endpoint] = []
        for role, cookie in cookies.items():
            data = {**hidden_csrf(server, cookie), **target.params} if target.method == "POST" else None
            status, body, content_type = fetch(server.base_url, target.path, cookie, data)
            if status != 200:
                continue
            allowed[target.endpoint].append(role)
            if "html" in content_type and target.method == "GET":
                choices = live_choices(body.decode("utf-8", "replace"))
                target.params.update({name: value for name, value in choices.items() if name in target.params})
                learned.update({(form, name): value for form in target.forms for name, value in choices.items()})
    # Exports and drill-downs have no selects of their own: they take the values their list page offered.
    for target in targets:
        target.params.update({name: learned[(form, name)] for form in target.forms for name in target.params
                              if (form, name) in learned})
    return allowed


def hidden_csrf(server: PortalServer, cookie: str) -> dict:
    from tests.drills.harness import hidden_inputs

    page = fetch(server.base_url, "/customers/new", cookie)[1].decode("utf-8", "replace")
    token = hidden_inputs(page).get("csrf_token")
    return {"csrf_token": token} if token else {}


def run_fuzz(server: PortalServer, cookies: dict[str, str], targets: list[Target], allowed: dict, quick: bool) -> dict:
    """Each parameter of each target with hostile values, as every role that may open it: any 5xx is a finding."""
    values = QUICK_FUZZ_VALUES if quick else FUZZ_VALUES
    errors, requests = [], 0
    for target in targets:
        for role in allowed.get(target.endpoint, []):
            extra = hidden_csrf(server, cookies[role]) if target.method == "POST" else {}
            for name in target.params:
                for value in values:
                    params = {**target.params, name: value}
                    status, _, _ = fetch(server.base_url, request_path(target, params), cookies[role],
                                         {**extra, **params} if target.method == "POST" else None)
                    requests += 1
                    if status >= 500:
                        errors.append(f"{status} {role} {target.method} {target.path} {name}={value[:40]!r}")
    return {"requests": requests, "server_errors": len(errors), "details": errors[:50],
            "targets": len(targets), "parameters": sum(len(t.params) for t in targets)}


def formula_cells(body: bytes, content_type: str) -> tuple[list[str], int]:
    """Cells a spreadsheet would run as formulas, and how many cells carried planted hostile text."""
    import csv
    import io

    found, hostile = [], 0
    if body[:2] == b"PK":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body))
        cells = ((sheet.title, cell) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)
        for title, cell in cells:
            text = cell.value if isinstance(cell.value, str) else ""
            hostile += any(h.lstrip("\t\r") in text for h in HOSTILE_TEXT)
            # In .xlsx only a formula cell runs: text cells (a computed "-19.1%" too) stay text.
            if cell.data_type == "f":
                found.append(f"{title}!{cell.coordinate} {str(cell.value)[:40]!r}")
    elif "csv" in content_type:
        for number, row in enumerate(csv.reader(io.StringIO(body.decode("utf-8-sig", "replace")))):
            for column, text in enumerate(row):
                hostile += any(h.lstrip("\t\r") in text for h in HOSTILE_TEXT)
                if text.startswith(FORMULA_PREFIXES):
                    found.append(f"row {number + 1} col {column + 1} {text[:40]!r}")
    return found, hostile


def run_exports(server: PortalServer, cookies: dict[str, str], targets: list[Target], allowed: dict) -> dict:
    """Every export as every role that may: no formula cell anywhere, no 5xx."""
    checked, findings, hostile_seen, errors = [], [], 0, []
    for target in (t for t in targets if t.is_export):
        for role in allowed.get(target.endpoint, []):
            for params in ({}, target.params):  # unfiltered (all the role's rows) and with every filter set
                status, body, content_type = fetch(server.base_url, request_path(target, params), cookies[role], timeout=120)
                if status >= 500:
                    errors.append(f"{status} {role} {target.path}")
                    continue
                if status != 200:
                    continue
                found, hostile = formula_cells(body, content_type)
                hostile_seen += hostile
                checked.append(f"{role} {request_path(target, params)[:80]}")
                findings += [f"{role} {target.path}: {cell}" for cell in found]
    return {"exports_checked": len(checked), "formula_cells": len(findings), "details": findings[:50],
            "hostile_cells_seen": hostile_seen, "server_errors": errors,
            "export_endpoints": sorted({t.endpoint for t in targets if t.is_export})}


def sqlmap_targets(base: str, customer_id: int, targets: list[Target], allowed: dict) -> list[dict]:
    """Every derived target with all its parameters, as the first role that may open it; the main forms as POSTs."""
    found = []
    for target in targets:
        roles = allowed.get(target.endpoint, [])
        if not roles:
            continue
        if target.method == "GET":
            found.append({"url": target.url(base), "role": roles[0]})
        else:
            found.append({"url": base + target.path, "role": roles[0], "data": "csrf_token=x&" + target.query(),
                          "csrf_url": base + "/customers/new"})
    posts = [
        ("/customers/new", f"name={quote('测试注入有限公司')}&industry=x&address=x&grade=A&tier={quote('普通')}&stage={quote('潜在')}"),
        (f"/followups/customers/{customer_id}/new", f"method={quote('电话')}&contacted_at=2026-11-24T09:00&content=x&result=x"),
        ("/tickets/new", f"customer_id={customer_id}&kind={quote('投诉')}&category={quote('产品')}&severity={quote('一般')}&description=x"),
    ]
    found += [{"url": base + path, "role": ROLE_USERS[0], "data": "csrf_token=x&" + data, "csrf_url": base + path}
              for path, data in posts]
    return found


def run_sqlmap(server: PortalServer, cookies: dict[str, str], database_url: str, targets: list[Target],
               allowed: dict, quick: bool) -> dict:
    """sqlmap --batch on every target, blind techniques included; counts injectable parameters and 5xx."""
    if not shutil.which("sqlmap"):
        return {"skipped": "sqlmap not installed (make security-scan installs the Debian package)"}
    output_dir = Path(tempfile.mkdtemp(prefix="sqlmap-"))
    results = []
    for target in sqlmap_targets(server.base_url, first_customer_id(database_url), targets, allowed):
        # B (boolean-based blind) and T (time-based blind) always; the scratch database is SQLite.
        command = ["sqlmap", "-u", target["url"], "--cookie", cookies[target["role"]], "--drop-set-cookie", "--batch",
                   "--level", "1" if quick else "2", "--risk", "1", "--technique", "BT" if quick else "BEUST",
                   "--dbms", "SQLite", "--time-sec", "2", "--timeout", "15", "--retries", "1", "--disable-coloring",
                   "--output-dir", str(output_dir), "--flush-session"]
        if "data" in target:  # sqlmap refuses --threads with --csrf-url
            command += ["--data", target["data"], "--csrf-token", "csrf_token", "--csrf-url", target["csrf_url"]]
        else:
            command += ["--threads", "2"]
        started = time.monotonic()
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=240 if quick else 600)
            output = result.stdout
        except subprocess.TimeoutExpired as timeout:
            output = (timeout.stdout or b"").decode("utf-8", "replace") if isinstance(timeout.stdout, bytes) else (timeout.stdout or "")
            output += "\n[timeout]"
        # Only sqlmap's final verdict counts: "appears to be ... injectable" lines are candidates that its
        # false-positive check may still reject ("false positive or unexploitable injection point").
        confirmed = output.split("sqlmap identified the following injection point", 1)
        injectable = sorted(set(re.findall(r"^Parameter: (\S+) \((?:GET|POST)\)", confirmed[1], re.M))) if len(confirmed) > 1 else []
        rejected = sorted(set(re.findall(r"(?:GET|POST) parameter '([^']+)' appears to be .* injectable", output)) - set(injectable))
        tested = sorted(set(re.findall(r"testing for SQL injection on (?:GET|POST) parameter '([^']+)'", output)))
        http_errors = dict(re.findall(r"^(\d{3}) \([^)]*\) - (\d+) times", output, re.M))
        results.append({"target": target["url"].replace(server.base_url, "") + (" POST" if "data" in target else ""),
                        "role": target["role"],
                        "http_errors": http_errors, "output_tail": "" if tested else output[-1500:],
                        "parameters_tested": tested, "injectable": injectable, "candidates_rejected_as_false_positive": rejected,
                        "seconds": round(time.monotonic() - started, 1),
                        "timed_out": "[timeout]" in output})
    shutil.rmtree(output_dir, ignore_errors=True)
    server_errors = [f"{r['target']}: {code} ×{times}" for r in results for code, times in r["http_errors"].items()
                     if code.startswith("5")]
    return {"targets": results, "injectable": sum(len(r["injectable"]) for r in results),
            "parameters_tested": sum(len(r["parameters_tested"]) for r in results), "server_errors": server_errors}


def run_wapiti_roles(server: PortalServer, cookies: dict[str, str], quick: bool) -> dict:
    """wapiti as each role in turn (each sees other pages); findings summed, details per role."""
    per_role = {role: run_wapiti(server, cookie, quick) for role, cookie in cookies.items()}
    total = {level: sum(r.get(level) or 0 for r in per_role.values()) for level in ("high", "medium", "low")}
    anomalies = [f"{role} {a}" for role, r in per_role.items() for a in r.get("anomalies", [])]
    errors = [f"{role}: {r['error']}" for role, r in per_role.items() if r.get("error")]
    return {**total, "anomalies": anomalies, "errors": errors, "roles": per_role}


def run_wapiti(server: PortalServer, cookie: str, quick: bool) -> dict:
    """wapiti crawl + attack as one signed-in user; high/medium findings (levels 3 and 2)."""
    if not shutil.which("wapiti"):
        return {"skipped": "wapiti not installed (make security-scan installs the Debian package)"}
    report = Path(tempfile.mkdtemp(prefix="wapiti-")) / "report.json"
    base = server.base_url + "/"
    command = ["/usr/bin/python3", str(PROJECT_ROOT / "scripts" / "wapiti_run.py"), "-u", base, "--scope", "folder", "-H", f"Cookie: {cookie}", "-m", WAPITI_MODULES,
               "-x", base + "logout", "-x", base + "account/password", "-x", base + "login",
               "-x", base + "admin/users/*/deactivate", "-x", base + "admin/users/*/password",
               "--max-scan-time", "60" if quick else "600", "--max-attack-time", "10" if quick else "90",
               "--max-links-per-page", "40", "-d", "3", "--flush-session", "-f", "json", "-o", str(report),
               "--no-bugreport", "-v", "0"]
    started = time.monotonic()
    output = ""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=180 if quick else 1500)
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired:
        pass
    if not report.exists():
        return {"error": "wapiti wrote no report", "output": output[-2000:], "seconds": round(time.monotonic() - started, 1)}
    data = json.loads(report.read_text())
    by_level: dict[str, list[str]] = {"high": [], "medium": [], "low": []}
    for category, items in (data.get("vulnerabilities") or {}).items():
        for item in items:
            level = {3: "high", 2: "medium"}.get(item.get("level"), "low")
            by_level[level].append(f"{category}: {item.get('method')} {item.get('path')} {item.get('parameter', '')}".strip())
    anomalies = [f"{category}: {item.get('path')}" for category, items in (data.get("anomalies") or {}).items() for item in items]
    return {"high": len(by_level["high"]), "medium": len(by_level["medium"]), "low": len(by_level["low"]),
            "details": by_level, "anomalies": anomalies, **wapiti_session_counts(server.port),
            "seconds": round(time.monotonic() - started, 1)}


def wapiti_session_counts(port: int) -> dict:
    """How much wapiti crawled and attacked, from its session database (the JSON report does not say)."""
    import sqlite3

    sessions = sorted((Path.home() / ".wapiti" / "scans").glob(f"127.0.0.1_{port}_*.db"), key=lambda p: p.stat().st_mtime)
    if not sessions:
        return {}
    with sqlite3.connect(sessions[-1]) as connection:
        crawled = connection.execute("SELECT count(*) FROM paths").fetchone()[0]
        attacks = dict(connection.execute("SELECT module_name, count(*) FROM attack_log GROUP BY module_name").fetchall())
    return {"crawled_requests": crawled, "attacked_requests_by_module": attacks}


def axe_pages(customer_id: int) -> dict[str, list[str]]:
    return {
        "zhangwei": ["/", "/customers/", f"/customers/{customer_id}", "/customers/new", "/followups/"],
        "wangfang": ["/", "/tickets/", "/tickets/new", "/revisits/"],
        "zhaomin": ["/", "/reports/", "/customers/?due=overdue", "/audit/"],
        "admin": ["/admin/users/", "/admin/settings", "/admin/departments/"],
    }


def run_axe(server: PortalServer, database_url: str) -> dict:
    """axe-core in chromium on the main pages of four roles (and the login page): serious/critical only."""
    if not AXE_SCRIPT.exists():
        return {"skipped": "bench/node_modules/axe-core missing (make security-scan runs npm ci in bench/)"}
    from playwright.sync_api import sync_playwright

    results, serious = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            pages = {None: ["/login"], **axe_pages(first_customer_id(database_url))}
            for username, paths in pages.items():
                # axe is injected as a script tag: the portal's CSP (rightly) forbids that, so bypass it here only.
                context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True, locale="zh-CN")
                page = context.new_page()
                if username:
                    page.goto(server.base_url + "/login")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", DEMO_PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("networkidle")
                for path in paths:
                    response = page.goto(server.base_url + path)
                    page.wait_for_load_state("networkidle")
                    page.add_script_tag(path=str(AXE_SCRIPT))
                    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                               ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
                                               " help: v.help, target: v.nodes[0] && v.nodes[0].target.join(' ')}))")
                    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
                    results.append({"user": username or "anonymous", "path": path, "status": response.status if response else None,
                                    "violations": violations})
                    serious += [f"{username or 'anonymous'} {path}: {v['impact']} {v['id']} ×{v['nodes']} ({v['target']})" for v in bad]
                context.close()
        finally:
            browser.close()
    return {"pages": len(results), "serious_or_critical": len(serious), "details": serious,
            "minor_or_moderate": sum(len([v for v in r["violations"] if v["impact"] not in ("serious", "critical")]) for r in results),
            "statuses": {f"{r['user']} {r['path']}": r["status"] for r in results if r["status"] != 200}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="portal security scan on loopback")
    parser.add_argument("--only", default="bandit,fuzz,exports,sqlmap,wapiti,axe")
    parser.add_argument("--quick", action="store_true",
                        help="fewer fuzz values, sqlmap level 1 with B and T only, 60 s of wapiti per role")
    parser.add_argument("--roles", default=",".join(ROLE_USERS), help="demo accounts to attack as (one per role)")
    parser.add_argument("--targets", default="", help="only endpoints starting with one of these (comma-separated)")
    args = parser.parse_args(argv)
    tools = set(args.only.split(","))
    roles = [role for role in args.roles.split(",") if role]
    report: dict = {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "roles": roles}
    if "bandit" in tools:
        report["bandit"] = run_bandit()
        print(f"bandit: {report['bandit']['findings']} high/medium findings", flush=True)
    if tools & {"fuzz", "exports", "sqlmap", "wapiti", "axe"}:
        workdir = Path(tempfile.mkdtemp(prefix="portal-scan-"))
        server, database_url = scratch_instance(workdir)
        try:
            targets = derived_targets(database_url)
            if args.targets:
                targets = [t for t in targets if t.endpoint.startswith(tuple(args.targets.split(",")))]
            cookies = {role: session_cookie(server, role) for role in roles}
            allowed = access_map(server, cookies, targets)
            report["targets"] = [{"endpoint": t.endpoint, "method": t.method, "path": t.path, "forms": t.forms,
                                  "parameters": sorted(t.params), "roles": allowed.get(t.endpoint, [])} for t in targets]
            print(f"targets: {len(targets)} endpoints, {sum(len(t.params) for t in targets)} parameters, "
                  f"{sum(len(r) for r in allowed.values())} endpoint × role pairs", flush=True)
            if "axe" in tools:
                report["axe"] = run_axe(server, database_url)
                print(f"axe-core: {report['axe'].get('serious_or_critical', report['axe'].get('skipped'))} serious/critical "
                      f"on {report['axe'].get('pages', 0)} pages", flush=True)
            if "fuzz" in tools:
                report["fuzz"] = run_fuzz(server, cookies, targets, allowed, args.quick)
                print(f"fuzz: {report['fuzz']['server_errors']} server errors in {report['fuzz']['requests']} requests",
                      flush=True)
            if "exports" in tools:
                report["exports"] = run_exports(server, cookies, targets, allowed)
                print(f"exports: {report['exports']['formula_cells']} formula cells in "
                      f"{report['exports']['exports_checked']} downloads ({report['exports']['hostile_cells_seen']} cells "
                      f"held planted formula text, neutralised)", flush=True)
            if "sqlmap" in tools:
                report["sqlmap"] = run_sqlmap(server, cookies, database_url, targets, allowed, args.quick)
                print(f"sqlmap: {report['sqlmap'].get('injectable', report['sqlmap'].get('skipped'))} injectable of "
                      f"{report['sqlmap'].get('parameters_tested', 0)} parameters, "
                      f"5xx: {len(report['sqlmap'].get('server_errors', []))}", flush=True)
            if "wapiti" in tools:
                # Last, and admin last of all: a crawler signed in as admin may change accounts.
                ordered = sorted(roles, key=lambda role: role == "admin")
                report["wapiti"] = run_wapiti_roles(server, {role: session_cookie(server, role) for role in ordered},
                                                    args.quick)
                print(f"wapiti ({len(ordered)} roles): high {report['wapiti'].get('high')}, "
                      f"medium {report['wapiti'].get('medium')}, low {report['wapiti'].get('low')}, "
                      f"anomalies (5xx) {len(report['wapiti'].get('anomalies', []))}", flush=True)
            report["server_errors"] = [line for line in server.log_text().splitlines() if "Traceback" in line or "ERROR" in line][:20]
        finally:
            server.stop()
            shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    failures = findings_of(report)
    for failure in failures:
        print(f"  FAIL {failure}")
    print(f"written to {RESULTS}; {'FINDINGS' if failures else 'clean'}")
    return 1 if failures else 0


def findings_of(report: dict) -> list[str]:
    """Why the scan fails: any finding of any tool, any 5xx anywhere, any formula cell in any export."""
    checks = {
        "bandit high/medium": report.get("bandit", {}).get("findings", 0),
        "sqlmap injectable": report.get("sqlmap", {}).get("injectable", 0),
        "sqlmap saw 5xx": len(report.get("sqlmap", {}).get("server_errors", [])),
        "wapiti high": report.get("wapiti", {}).get("high", 0),
        "wapiti medium": report.get("wapiti", {}).get("medium", 0),
        "wapiti anomalies (5xx)": len(report.get("wapiti", {}).get("anomalies", [])),
        "axe serious/critical": report.get("axe", {}).get("serious_or_critical", 0),
        "fuzz 5xx": report.get("fuzz", {}).get("server_errors", 0),
        "export formula cells": report.get("exports", {}).get("formula_cells", 0),
        "export 5xx": len(report.get("exports", {}).get("server_errors", [])),
        "server log errors": len(report.get("server_errors", [])),
    }
    return [f"{name}: {count}" for name, count in checks.items() if count]


if __name__ == "__main__":
    sys.exit(main())
