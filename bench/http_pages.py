"""Page times as users meet them (issue 18): the served app under gunicorn (2 workers), a real HTTP
client per role, sequential requests on a fresh connection each, wall time, p50/p95 per page type and
role. A page a role may not open (403/404) is listed as such, not timed."""
import os
import signal
import statistics
import time
from pathlib import Path
from urllib.parse import quote

TARGET_P95_MS = 50
TARGET_REVIEW_P95_MS = 100
TARGET_AGEING_P95_MS = 100
TARGET_EFFECT_P95_MS = 150  # issue 14: the comparison table over a year
TARGET_ARTICLE_P95_MS = 30  # issue 15
TARGET_WORKLIST_RPS = 100
WORKLIST_CONNECTIONS = 8

# Who is measured: the busy rep, each kind of department's supervisor, staff of every role, an admin.
# Supervisors follow demo_large.DEPARTMENTS: 001 销售一部, 005 客服部, 006 技术部, 007 市场部.
ROLES = (
    ("销售（忙碌）", "bench_sales_001"),
    ("销售主管", "bench_supervisor_001"),
    ("客服主管", "bench_supervisor_005"),
    ("技术主管", "bench_supervisor_006"),
    ("市场主管", "bench_supervisor_007"),
    ("客服", "bench_service_001"),
    ("技术支持", "bench_tech_001"),
    ("市场", "bench_marketing_001"),
    ("管理员", "bench_admin_001"),
)


def page_types(ids: dict) -> list[tuple[str, str, int]]:
    """(label, path, target p95 ms) for every page type a user opens daily; new areas add rows here."""
    search = lambda q: f"/customers/?q={quote(q)}"  # noqa: E731
    return [
        ("我的工作台", "/", TARGET_P95_MS),
        ("客户列表 第1页", "/customers/", TARGET_P95_MS),
        ("客户列表 第50页", "/customers/?page=50", TARGET_P95_MS),
        ("搜索 2字 科技", search("科技"), TARGET_P95_MS),
        ("搜索 4字 恒通科技", search("恒通科技"), TARGET_P95_MS),
        ("搜索 4字 繁體 恆通科技", search("恆通科技"), TARGET_P95_MS),
        ("搜索 2字 华信", search("华信"), TARGET_P95_MS),
        ("搜索 2字 繁體 華信", search("華信"), TARGET_P95_MS),
        ("客户详情 500条时间线", f"/customers/{ids['busy_customer']}", TARGET_P95_MS),
        ("跟进记录列表", "/followups/", TARGET_P95_MS),
        ("问题跟踪台账", "/tickets/", TARGET_P95_MS),
        ("回访任务", "/revisits/", TARGET_P95_MS),
        ("回访抽查", "/spot-checks/", TARGET_P95_MS),
        ("考核报表 季度", "/reports/?kind=quarter", TARGET_REVIEW_P95_MS),
        ("商机列表", "/sales/opportunities/", TARGET_P95_MS),
        ("销售漏斗", "/sales/funnel", TARGET_P95_MS),
        ("订单列表", "/sales/orders/", TARGET_P95_MS),
        ("应收账款 账龄", "/sales/receivables", TARGET_AGEING_P95_MS),
        ("销售统计", "/sales/statements", TARGET_P95_MS),
        ("费用", "/expenses/", TARGET_P95_MS),
        ("市场活动列表", "/marketing/", TARGET_P95_MS),
        ("市场活动 5000人展会", f"/marketing/{ids['big_fair']}", TARGET_P95_MS),
        ("活动效果对比 一年", "/marketing/effect?date_from=2025-12-01&date_to=2026-11-30", TARGET_EFFECT_P95_MS),
        ("知识库搜索 1字", f"/knowledge/search?q={quote('卡')}", TARGET_P95_MS),
        ("知识库搜索 2字", f"/knowledge/search?q={quote('登录')}", TARGET_P95_MS),
        ("知识库搜索 4字", f"/knowledge/search?q={quote('打印失败')}", TARGET_P95_MS),
        ("知识库搜索 繁體 2字", f"/knowledge/search?q={quote('登錄')}", TARGET_P95_MS),
        ("知识库 文章页", f"/knowledge/articles/{ids['article']}", TARGET_ARTICLE_P95_MS),
        ("知识库 工单描述推荐", f"/knowledge/suggest?description={quote('客户反映打印机卡纸，报表导出失败')}", TARGET_P95_MS),
        ("资料库", "/knowledge/documents/", TARGET_P95_MS),
        ("流失预警", "/health/warnings", TARGET_P95_MS),
    ]


def timed_gets(client, path: str, requests: int, warmup: int, budget_seconds: float) -> list[float]:
    for _ in range(warmup):
        client.get(path)
    times = []
    budget_ends = time.perf_counter() + budget_seconds
    for number in range(requests):
        if number >= 5 and time.perf_counter() > budget_ends:
            break  # a very slow page gets fewer samples; `requests` in the row says how many
        started = time.perf_counter()
        reply = client.get(path)
        times.append(time.perf_counter() - started)
        if reply.status != 200:
            raise RuntimeError(f"{path}: HTTP {reply.status} while timing")
    return sorted(times)


def measure_role_pages(base_url: str, ids: dict, requests: int, warmup: int = 3,
                       budget_seconds: float = 20.0) -> list[dict]:
    """Every page type for every role, timed over HTTP."""
    from portal.demo_large import LARGE_PASSWORD
    from tests.drills.harness import PortalClient

    rows = []
    for role_label, username in ROLES:
        client = PortalClient(base_url)
        if client.login(username, LARGE_PASSWORD).status != 303:
            raise SystemExit(f"login as {username} failed")
        for label, path, target in page_types(ids):
            row = {"page": label, "role": role_label, "user": username, "path": path, "target_ms": target}
            status = client.get(path).status
            if status != 200:
                rows.append(row | {"note": "无权访问" if status in (403, 404) else f"HTTP {status}"})
                continue
            times = timed_gets(client, path, requests, warmup, budget_seconds)
            p95 = times[max(0, int(len(times) * 0.95) - 1)] * 1000
            rows.append(row | {"requests": len(times), "p50_ms": round(statistics.median(times) * 1000, 1),
                               "p95_ms": round(p95, 1), "meets_target": p95 <= target})
            print(f"  {role_label} · {label}: p50 {rows[-1]['p50_ms']} ms, p95 {p95:.1f} ms", flush=True)
    return rows


def measure_worklist_throughput(base_url: str, seconds: float) -> dict:
    """The sales supervisor's work list under 8 concurrent connections."""
    from bench.load import hammer
    from portal.demo_large import LARGE_PASSWORD
    from tests.drills.harness import PortalClient

    client = PortalClient(base_url)
    assert client.login("bench_supervisor_001", LARGE_PASSWORD).status == 303
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
    hammer(base_url + "/", cookie, connections=WORKLIST_CONNECTIONS, seconds=1.0)  # warm-up
    result = hammer(base_url + "/", cookie, connections=WORKLIST_CONNECTIONS, seconds=seconds)
    return result | {"connections": WORKLIST_CONNECTIONS, "target_rps": TARGET_WORKLIST_RPS,
                     "meets_target": result["rps"] >= TARGET_WORKLIST_RPS}


def measure_over_http(database_url: str, workdir: Path, ids: dict, requests: int, throughput_seconds: float | None,
                      budget_seconds: float = 20.0) -> dict:
    """Serve the bench database with gunicorn (2 workers) and time every role's pages against it."""
    from bench.run import gunicorn, wait_for
    from tests.drills.harness import free_port

    env = {k: v for k, v in os.environ.items() if k != "PORTAL_ENV"} | {
        "DATABASE_URL": database_url, "PORTAL_INSTANCE_DIR": str(workdir), "PORTAL_ENV": "development"}
    port = free_port()
    server = gunicorn("wsgi:app", port, env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(base_url + "/healthz")
        result = {"server": "gunicorn, 2 sync workers", "load_average_at_start": os.getloadavg(),
                  "pages": measure_role_pages(base_url, ids, requests, budget_seconds=budget_seconds)}
        if throughput_seconds:
            result["worklist_throughput"] = measure_worklist_throughput(base_url, throughput_seconds)
        result["load_average_at_end"] = os.getloadavg()
        return result
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def print_http_table(result: dict) -> None:
    start, end = result["load_average_at_start"][0], result["load_average_at_end"][0]
    print(f"\nover HTTP ({result['server']}, wall time, a new connection per request) · load average "
          f"{start:.1f} → {end:.1f}")
    print(f"{'page type':<22} {'role':<12} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}  target")
    for row in result["pages"]:
        if "note" in row:
            print(f"{row['page']:<22} {row['role']:<12} {'—':>4} {'—':>8} {'—':>8}  {row['note']}")
            continue
        verdict = "ok" if row["meets_target"] else f"MISSED (≤ {row['target_ms']} ms)"
        print(f"{row['page']:<22} {row['role']:<12} {row['requests']:>4} {row['p50_ms']:>8} {row['p95_ms']:>8}  {verdict}")
    throughput = result.get("worklist_throughput")
    if throughput:
        print(f"销售主管 work list, {throughput['connections']} connections: {throughput['rps']} req/s "
              f"(p95 {throughput['p95_ms']} ms, errors {throughput['errors']}) "
              f"{'ok' if throughput['meets_target'] else 'MISSED'} ≥ {throughput['target_rps']}")
