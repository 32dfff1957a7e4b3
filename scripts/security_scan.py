"""`make security-scan`: attack tools against a scratch portal on 127.0.0.1 (issue 6, SECURITY.md #15, #29).

bandit over the code; then a throwaway instance (migrated SQLite in a temp dir, demo data, gunicorn with
2 workers on a free loopback port) attacked with a valid supervisor session by sqlmap (search, filter,
sort and paging parameters, and the main forms), crawled by wapiti (logout and password change
excluded, modules that call out to the internet off), and checked by axe-core injected by Playwright in
chromium into the main pages of several roles. Every tool is time-bounded. Prints a summary, writes
bench/results/security-latest.json, exits 1 when anything is found.

    .venv/bin/python scripts/security_scan.py [--only bandit,sqlmap,wapiti,axe] [--quick]
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

from tests.drills.harness import DRILL_SECRET_KEY, PortalClient, PortalServer  # noqa: E402

VENV_BIN = Path(sys.executable).parent
RESULTS = Path(os.environ.get("SCAN_RESULTS", PROJECT_ROOT / "bench" / "results" / "security-latest.json"))
AXE_SCRIPT = PROJECT_ROOT / "bench" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-portal-2026"
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


def sqlmap_targets(base: str, customer_id: int) -> list[dict]:
    """GET lists with their search/filter/sort/page parameters; the main forms as POSTs with CSRF."""
    q = quote("科技")
    gets = [
        f"/customers/?q={q}&grade=A&stage={quote('意向')}&source={quote('展会登记')}&member=yes&due=overdue&sort=name&page=1&per_page=50",
        f"/tickets/?q={q}&status={quote('处理中')}&severity={quote('一般')}&category={quote('产品')}&sort=received_at&page=1",
        f"/followups/?customer={q}&method={quote('电话')}&date_from=2026-01-01&date_to=2026-12-31&page=1",
        "/revisits/?scope=team&status=open&due=overdue&page=1",
        "/audit/?record_type=Customer&date_from=2026-01-01&page=1",
        "/reports/?kind=quarter&year=2026&number=4",
    ]
    posts = [
        ("/customers/new", f"name={quote('测试注入有限公司')}&industry=x&address=x&grade=A&tier={quote('普通')}&stage={quote('潜在')}"),
        (f"/followups/customers/{customer_id}/new", f"method={quote('电话')}&contacted_at=2026-11-24T09:00&content=x&result=x"),
        ("/tickets/new", f"customer_id={customer_id}&kind={quote('投诉')}&category={quote('产品')}&severity={quote('一般')}&description=x"),
    ]
    targets = [{"url": base + path} for path in gets]
    targets += [{"url": base + path, "data": "csrf_token=x&" + data, "csrf_url": base + path} for path, data in posts]
    return targets


def run_sqlmap(server: PortalServer, cookie: str, database_url: str, quick: bool) -> dict:
    """sqlmap --batch on every target; counts parameters it reports injectable."""
    if not shutil.which("sqlmap"):
        return {"skipped": "sqlmap not installed (make security-scan installs the Debian package)"}
    output_dir = Path(tempfile.mkdtemp(prefix="sqlmap-"))
    results = []
    for target in sqlmap_targets(server.base_url, first_customer_id(database_url)):
        command = ["sqlmap", "-u", target["url"], "--cookie", cookie, "--drop-set-cookie", "--batch",
                   "--level", "1" if quick else "2", "--risk", "1", "--technique", "BEUS" if quick else "BEUST",
                   "--time-sec", "2", "--timeout", "15", "--retries", "1", "--disable-coloring",
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
                        "http_errors": http_errors, "output_tail": "" if tested else output[-1500:],
                        "parameters_tested": tested, "injectable": injectable, "candidates_rejected_as_false_positive": rejected,
                        "seconds": round(time.monotonic() - started, 1),
                        "timed_out": "[timeout]" in output})
    shutil.rmtree(output_dir, ignore_errors=True)
    return {"targets": results, "injectable": sum(len(r["injectable"]) for r in results),
            "parameters_tested": sum(len(r["parameters_tested"]) for r in results)}


def run_wapiti(server: PortalServer, cookie: str, quick: bool) -> dict:
    """wapiti crawl + attack as the signed-in supervisor; high/medium findings (levels 3 and 2)."""
    if not shutil.which("wapiti"):
        return {"skipped": "wapiti not installed (make security-scan installs the Debian package)"}
    report = Path(tempfile.mkdtemp(prefix="wapiti-")) / "report.json"
    base = server.base_url + "/"
    command = ["/usr/bin/python3", str(PROJECT_ROOT / "scripts" / "wapiti_run.py"), "-u", base, "--scope", "folder", "-H", f"Cookie: {cookie}", "-m", WAPITI_MODULES,
               "-x", base + "logout", "-x", base + "account/password", "-x", base + "login",
               "--max-scan-time", "240" if quick else "600", "--max-attack-time", "30" if quick else "90",
               "--max-links-per-page", "40", "-d", "3", "--flush-session", "-f", "json", "-o", str(report),
               "--no-bugreport", "-v", "0"]
    started = time.monotonic()
    output = ""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600 if quick else 1500)
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
    parser.add_argument("--only", default="bandit,sqlmap,wapiti,axe")
    parser.add_argument("--quick", action="store_true", help="lower sqlmap level, shorter wapiti budget")
    args = parser.parse_args(argv)
    tools = set(args.only.split(","))
    report: dict = {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if "bandit" in tools:
        report["bandit"] = run_bandit()
        print(f"bandit: {report['bandit']['findings']} high/medium findings", flush=True)
    if tools & {"sqlmap", "wapiti", "axe"}:
        workdir = Path(tempfile.mkdtemp(prefix="portal-scan-"))
        server, database_url = scratch_instance(workdir)
        try:
            cookie = session_cookie(server, "zhaomin")
            if "axe" in tools:
                report["axe"] = run_axe(server, database_url)
                print(f"axe-core: {report['axe'].get('serious_or_critical', report['axe'].get('skipped'))} serious/critical "
                      f"on {report['axe'].get('pages', 0)} pages", flush=True)
            if "sqlmap" in tools:
                report["sqlmap"] = run_sqlmap(server, cookie, database_url, args.quick)
                print(f"sqlmap: {report['sqlmap'].get('injectable', report['sqlmap'].get('skipped'))} injectable of "
                      f"{report['sqlmap'].get('parameters_tested', 0)} parameters", flush=True)
            if "wapiti" in tools:
                report["wapiti"] = run_wapiti(server, session_cookie(server, "zhaomin"), args.quick)
                print(f"wapiti: high {report['wapiti'].get('high')}, medium {report['wapiti'].get('medium')}, "
                      f"low {report['wapiti'].get('low')}, anomalies (5xx) {len(report['wapiti'].get('anomalies', []))}",
                      flush=True)
            report["server_errors"] = [line for line in server.log_text().splitlines() if "Traceback" in line or "ERROR" in line][:20]
        finally:
            server.stop()
            shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    failed = (report.get("bandit", {}).get("findings", 0) or report.get("sqlmap", {}).get("injectable", 0)
              or report.get("wapiti", {}).get("high", 0) or report.get("wapiti", {}).get("medium", 0)
              or report.get("axe", {}).get("serious_or_critical", 0)
              or report.get("wapiti", {}).get("anomalies") or report.get("server_errors"))  # a 500 is a defect too
    print(f"written to {RESULTS}; {'FINDINGS' if failed else 'clean'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
