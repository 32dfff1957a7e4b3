"""Lost updates (SECURITY.md #23): 8 clients edit one record through its real edit form, each save
carrying the version it read; a stale save gets 409 and is retried. The final state equals the
acknowledged writes and no save was silently overwritten. Run on a user (admin form) and a customer file."""
import threading
import time
from collections import Counter

import pytest

from tests.drills.harness import PortalClient, PortalServer, drill_scale, form_fields, prepare_database, sqlite_rows

THREADS = 8


class Editor(threading.Thread):
    """Sets `field` on the shared record `edits` times, re-reading the form after every 409."""

    def __init__(self, base_url: str, number: int, path: str, field: str, edits: int):
        super().__init__(name=f"editor-{number}")
        self.client = PortalClient(base_url)
        self.number, self.path, self.field, self.edits = number, path, field, edits
        self.acked: list[tuple[int, str]] = []  # (version the save was based on, value written)
        self.statuses: Counter = Counter()
        self.errors: list[str] = []

    def run(self):
        try:
            assert self.client.login(f"drill_admin_{self.number:02d}").status == 303
            for edit in range(self.edits):
                value = f"编辑{self.number}-{edit:03d}"
                for _attempt in range(500):
                    form = self.client.get(self.path)
                    self.statuses[form.status] += 1
                    fields = form_fields(form.text, self.path)
                    base_version = int(fields["version"])
                    fields[self.field] = value
                    reply = self.client.post(self.path, fields)
                    self.statuses[reply.status] += 1
                    if reply.status == 303:
                        self.acked.append((base_version, value))
                        break
                    if reply.status != 409:
                        self.errors.append(f"{reply.status}: {' '.join(reply.text.split())[:300]}")
                        return
                else:
                    self.errors.append("gave up after 500 conflicts")
                    return
        except Exception as error:  # noqa: BLE001
            self.errors.append(repr(error))


def add_customer(database) -> int:
    """One customer file written through the customers area's own service."""
    from portal import create_app
    from portal.customers.services import create_customer
    from portal.extensions import db

    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        customer = create_customer({"name": "杭州并发测试科技有限公司", "industry": "软件和信息技术服务业",
                                    "source_channel": "电话咨询"},
                                   [{"name": "张伟", "phone": "13812345678", "is_primary": True}], None)
        db.session.commit()
        customer_id = customer.id
        db.session.remove()
        db.engine.dispose()
    return customer_id


RECORDS = {
    # record type: (table, how to get its id, edit path, field edited, audited model name)
    "user": ("user", lambda db: sqlite_rows(db, "SELECT id FROM user WHERE username = 'drill_user_01'")[0][0],
             "/admin/users/{id}/edit", "display_name", "User"),
    "customer": ("customer", add_customer, "/customers/{id}/edit", "main_business", "Customer"),
}


@pytest.mark.slow
@pytest.mark.parametrize("record", sorted(RECORDS))
def test_eight_editors_with_version_checks(sqlite_only, database_template, tmp_path, record):
    """Every acknowledged save was based on a distinct version, and the last one is what is stored."""
    table, make_record, path, field, model = RECORDS[record]
    database = tmp_path / "portal.db"
    prepare_database(database_template, database, admins=THREADS, extra_users=1)
    record_id = make_record(database)
    ((start_version,),) = sqlite_rows(database, f"SELECT version FROM {table} WHERE id = ?", record_id)
    edits = drill_scale(small=200 if record == "user" else 15, large=200)
    started = time.monotonic()
    with PortalServer(tmp_path, f"sqlite:///{database}", workers=3) as server:
        editors = [Editor(server.base_url, n, path.format(id=record_id), field, edits) for n in range(1, THREADS + 1)]
        for editor in editors:
            editor.start()
        for editor in editors:
            editor.join(timeout=900)
    elapsed = time.monotonic() - started
    assert [e for editor in editors for e in editor.errors] == []
    acked = sorted(a for editor in editors for a in editor.acked)
    statuses = sum((e.statuses for e in editors), Counter())
    print(f"\nlost-update drill ({record}): {THREADS}×{edits} acknowledged saves, {statuses[409]} stale saves "
          f"refused (409) and retried, in {elapsed:.1f} s; statuses {dict(statuses)}")

    assert len(acked) == THREADS * edits
    base_versions = [version for version, _ in acked]
    assert len(set(base_versions)) == len(base_versions), "two saves acknowledged on the same version: one was overwritten"
    assert base_versions == list(range(start_version, start_version + len(acked)))
    ((stored, final_version),) = sqlite_rows(database, f"SELECT {field}, version FROM {table} WHERE id = ?", record_id)
    assert final_version == start_version + len(acked)
    assert stored == acked[-1][1]
    audited = sqlite_rows(database, f"""SELECT json_extract(changes, '$.{field}[0]'), json_extract(changes, '$.{field}[1]')
                                       FROM audit_entry WHERE record_type = ? AND action = 'update'
                                       AND json_extract(changes, '$.{field}') IS NOT NULL ORDER BY id""", model)
    chain = [after for _before, after in audited]
    assert chain == [value for _version, value in acked]
    assert all(before == previous for (before, _), previous in zip(audited[1:], chain))
