"""Several gunicorn workers × 16 clients × mixed requests on one SQLite file (issue 2 and 6):
zero "database is locked", zero 5xx, every acknowledged write present, integrity_check ok."""
import random
import threading
import time
from collections import Counter

import pytest

from tests.drills.harness import (
    PortalClient,
    PortalServer,
    drill_scale,
    prepare_database,
    sqlite_integrity,
    sqlite_rows,
)

CLIENTS = 16
PAGES = ("/", "/admin/users/", "/admin/departments/", "/audit/", "/admin/settings", "/account/password")


class MixedClient(threading.Thread):
    """One office worker: logs in, then reads pages, creates departments, renames its own user."""

    def __init__(self, base_url: str, number: int, requests: int):
        super().__init__(name=f"client-{number}")
        self.number, self.requests = number, requests
        self.client = PortalClient(base_url)
        self.rng = random.Random(number)
        self.statuses: Counter = Counter()
        self.acked_departments: list[str] = []
        self.last_display_name: str | None = None
        self.target_user_id: int | None = None
        self.errors: list[str] = []

    def record(self, reply):
        self.statuses[reply.status] += 1
        return reply

    def login(self):
        reply = self.record(self.client.login(f"drill_admin_{self.number:02d}"))
        if reply.status != 303:
            self.errors.append(f"login {reply.status}")

    def run(self):
        try:
            self.login()
            for step in range(self.requests):
                self.one_request(step)
        except Exception as error:  # noqa: BLE001  (a connection error is a finding, not a crash of the drill)
            self.errors.append(repr(error))

    def one_request(self, step: int):
        roll = self.rng.random()
        if roll < 0.40:
            self.record(self.client.get(self.rng.choice(PAGES)))
        elif roll < 0.65:
            name = f"压测部-{self.number:02d}-{step:04d}"
            reply = self.record(self.client.submit("/admin/departments/new", {"name": name, "head_id": ""}))
            if reply.status == 303:
                self.acked_departments.append(name)
        elif roll < 0.85:
            path = f"/admin/users/{self.target_user_id}/edit"
            name = f"演练用户{self.number:02d}-{step}"
            reply = self.record(self.client.submit(path, {
                "username": f"drill_user_{self.number:02d}", "display_name": name, "role": "sales", "department_id": "",
            }))
            if reply.status == 303:
                self.last_display_name = name
        elif roll < 0.95:
            self.record(self.client.get("/healthz"))
        else:
            self.record(self.client.logout())
            self.login()


def run_mixed_load(server: PortalServer, user_ids: dict[int, int], requests: int) -> list[MixedClient]:
    clients = [MixedClient(server.base_url, number, requests) for number in range(1, CLIENTS + 1)]
    for client in clients:
        client.target_user_id = user_ids[client.number]
        client.start()
    for client in clients:
        client.join(timeout=600)
    return clients


@pytest.mark.slow
def test_sixteen_clients_on_three_workers(sqlite_only, database_template, tmp_path):
    """16 clients × N mixed requests through 3 gunicorn workers: nothing locked, lost or broken."""
    database = tmp_path / "portal.db"
    prepare_database(database_template, database, admins=CLIENTS, extra_users=CLIENTS)
    user_ids = {int(name[-2:]): uid for uid, name in sqlite_rows(
        database, "SELECT id, username FROM user WHERE username LIKE 'drill_user_%'")}
    requests = drill_scale(small=150, large=500)
    started = time.monotonic()
    with PortalServer(tmp_path, f"sqlite:///{database}", workers=3) as server:
        clients = run_mixed_load(server, user_ids, requests)
    elapsed = time.monotonic() - started

    statuses = sum((c.statuses for c in clients), Counter())
    print(f"\nconcurrency drill: {CLIENTS} clients × {requests} requests in {elapsed:.1f} s: {dict(statuses)}")
    assert [e for c in clients for e in c.errors] == []
    assert [c.name for c in clients if c.is_alive()] == []
    assert {status for status in statuses if status >= 500} == set()
    assert set(statuses) <= {200, 303, 429}, statuses
    assert server.locked_errors() == []

    acked = {name for c in clients for name in c.acked_departments}
    stored = {name for (name,) in sqlite_rows(database, "SELECT name FROM department")}
    assert len(acked) > CLIENTS and acked - stored == set()
    for client in clients:
        if client.last_display_name:
            (display_name,) = sqlite_rows(database, "SELECT display_name FROM user WHERE id = ?", client.target_user_id)[0]
            assert display_name == client.last_display_name
    audited = {row[0] for row in sqlite_rows(
        database, "SELECT json_extract(changes, '$.name[1]') FROM audit_entry WHERE record_type='Department' AND action='create'")}
    assert acked - audited == set()
    assert sqlite_integrity(database) == "ok"
