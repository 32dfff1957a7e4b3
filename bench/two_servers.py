"""Two app servers over one PostgreSQL (issue 6, "when one machine is not enough").

    scripts/with-postgres .venv/bin/python -m bench.two_servers [--seconds 8]

Migrates DATABASE_URL, writes demo data, starts two gunicorn servers (2 workers each, same
SECRET_KEY, no shared state but the database) on two loopback ports, then:
1. logs in on server A and continues on server B with the same cookie; logs out on B and shows the
   old cookie is refused on A (the session token lives in the database, not in a process);
2. opens the same customer's edit form on A and on B, saves on A (303), then saves the stale form on
   B: 409, nothing overwritten; the version check holds across servers;
3. measures customer-list throughput through one server (16 connections) and through both (8 + 8).
Prints the figures and writes bench/results/two_servers.json.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.load import hammer
from tests.drills.harness import DRILL_SECRET_KEY, PortalClient, PortalServer, form_fields

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results" / "two_servers.json"
DEMO_PASSWORD = "demo-portal-2026"


def flask(*args: str, env: dict) -> None:
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=env,
                   check=True, capture_output=True, timeout=600)


def cookie_header(client: PortalClient) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies)


def session_follows(server_a: PortalServer, server_b: PortalServer) -> dict:
    client = PortalClient(server_a.base_url)
    assert client.login("zhangwei", DEMO_PASSWORD).status == 303
    on_a = client.get("/customers/").status
    client.base_url = server_b.base_url
    on_b = client.get("/customers/").status
    stolen = cookie_header(client)
    logout_on_b = client.logout().status
    replay = PortalClient(server_a.base_url)
    replay_status = replay.get("/customers/", headers={"Cookie": stolen}).status
    result = {"list_on_a": on_a, "same_cookie_on_b": on_b, "logout_on_b": logout_on_b,
              "old_cookie_replayed_on_a": replay_status}
    assert on_a == 200 and on_b == 200 and logout_on_b == 303 and replay_status == 302, result
    return result


def version_check_across(server_a: PortalServer, server_b: PortalServer, customer_id: int) -> dict:
    path = f"/customers/{customer_id}/edit"
    editors = []
    for server in (server_a, server_b):
        client = PortalClient(server.base_url)
        assert client.login("zhaomin", DEMO_PASSWORD).status == 303
        editors.append((client, form_fields(client.get(path).text, path)))
    (client_a, form_a), (client_b, form_b) = editors
    form_a["main_business"] = "服务器A保存的内容"
    form_b["main_business"] = "服务器B基于旧版本的内容"
    saved_a = client_a.post(path, form_a).status
    stale_b = client_b.post(path, form_b).status
    stored = client_b.get(path).text
    result = {"form_version": form_a["version"], "save_on_a": saved_a, "stale_save_on_b": stale_b,
              "stored_is_a": "服务器A保存的内容" in stored and "服务器B基于旧版本的内容" not in form_fields(stored, path)["main_business"]}
    assert saved_a == 303 and stale_b == 409 and result["stored_is_a"], result
    return result


def throughput(server_a: PortalServer, server_b: PortalServer, seconds: float) -> dict:
    client = PortalClient(server_a.base_url)
    assert client.login("zhangwei", DEMO_PASSWORD).status == 303
    cookie = cookie_header(client)
    one = hammer(server_a.base_url + "/customers/", cookie, connections=16, seconds=seconds)
    both: dict = {}

    def run(name, server):
        both[name] = hammer(server.base_url + "/customers/", cookie, connections=8, seconds=seconds, processes=2)

    threads = [threading.Thread(target=run, args=(name, server)) for name, server in (("a", server_a), ("b", server_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    combined = round(both["a"]["rps"] + both["b"]["rps"], 1)
    return {"one_server": one, "two_servers": both, "two_servers_rps": combined,
            "ratio": round(combined / (one["rps"] or 1), 2)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="two app servers over one PostgreSQL")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL: scripts/with-postgres .venv/bin/python -m bench.two_servers")
    workdir = Path(tempfile.mkdtemp(prefix="two-servers-"))
    env = {**os.environ, "SECRET_KEY": DRILL_SECRET_KEY, "PORTAL_INSTANCE_DIR": str(workdir), "PORTAL_ENV": "development"}
    flask("db", "upgrade", env=env)
    flask("demo", "seed", "--customers", "300", "--if-empty", env=env)
    servers = [PortalServer(workdir / name, database_url, workers=2, log_name=f"gunicorn-{name}") for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as connection:
            customer_id = connection.execute(text("SELECT min(id) FROM customer WHERE archived_at IS NULL")).scalar()
        engine.dispose()
        report = {"servers": [s.base_url for s in servers],
                  "session": session_follows(*servers),
                  "version_check": version_check_across(*servers, customer_id),
                  "throughput": throughput(*servers, args.seconds)}
    finally:
        for server in servers:
            server.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    t = report["throughput"]
    print(json.dumps({k: report[k] for k in ("session", "version_check")}, ensure_ascii=False))
    print(f"customer list: one server {t['one_server']['rps']} req/s (p95 {t['one_server']['p95_ms']} ms); "
          f"two servers {t['two_servers_rps']} req/s → ×{t['ratio']} (same 2-core machine: both share its CPUs)")
    return report


if __name__ == "__main__":
    main()
