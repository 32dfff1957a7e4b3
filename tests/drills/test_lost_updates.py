"""Lost updates (SECURITY.md #23): 8 clients edit one record through its edit form, each save carrying
the version it read; a stale save gets 409 and is retried. The final state equals the acknowledged
writes and no save was silently overwritten."""
import threading
import time
from collections import Counter

import pytest

from tests.drills.harness import PortalClient, PortalServer, drill_scale, hidden_inputs, input_value, prepare_database, sqlite_rows

THREADS = 8


class Editor(threading.Thread):
    """Renames the shared user `edits` times, re-reading the form after every 409."""

    def __init__(self, base_url: str, number: int, user_id: int, edits: int):
        super().__init__(name=f"editor-{number}")
        self.client = PortalClient(base_url)
        self.number, self.user_id, self.edits = number, user_id, edits
        self.acked: list[tuple[int, str]] = []  # (version the save was based on, value written)
        self.statuses: Counter = Counter()
        self.errors: list[str] = []

    def run(self):
        try:
            assert self.client.login(f"drill_admin_{self.number:02d}").status == 303
            path = f"/admin/users/{self.user_id}/edit"
            for edit in range(self.edits):
                value = f"编辑{self.number}-{edit:03d}"
                for _attempt in range(500):
                    form = self.client.get(path)
                    self.statuses[form.status] += 1
                    fields = hidden_inputs(form.text)
                    base_version = int(fields["version"])
                    fields.update(username=input_value(form.text, "username"), display_name=value, role="sales",
                                  department_id="")
                    reply = self.client.post(path, fields)
                    self.statuses[reply.status] += 1
                    if reply.status == 303:
                        self.acked.append((base_version, value))
                        break
                    if reply.status != 409:
                        self.errors.append(f"{reply.status}: {' '.join(reply.text.split())[:200]}")
                        return
                else:
                    self.errors.append("gave up after 500 conflicts")
                    return
        except Exception as error:  # noqa: BLE001
            self.errors.append(repr(error))


@pytest.mark.slow
def test_eight_editors_with_version_checks(sqlite_only, database_template, tmp_path):
    """Every acknowledged save was based on a distinct version, and the last one is what is stored."""
    database = tmp_path / "portal.db"
    prepare_database(database_template, database, admins=THREADS, extra_users=1)
    ((user_id, start_version),) = sqlite_rows(database, "SELECT id, version FROM user WHERE username = 'drill_user_01'")
    edits = drill_scale(small=200, large=200)
    started = time.monotonic()
    with PortalServer(tmp_path, f"sqlite:///{database}", workers=3) as server:
        editors = [Editor(server.base_url, number, user_id, edits) for number in range(1, THREADS + 1)]
        for editor in editors:
            editor.start()
        for editor in editors:
            editor.join(timeout=900)
    elapsed = time.monotonic() - started
    assert [e for editor in editors for e in editor.errors] == []
    acked = sorted(a for editor in editors for a in editor.acked)
    statuses = sum((e.statuses for e in editors), Counter())
    conflicts = statuses[409]
    print(f"\nlost-update drill: {THREADS}×{edits} acknowledged saves, {conflicts} stale saves refused (409) "
          f"and retried, in {elapsed:.1f} s; statuses {dict(statuses)}")

    assert len(acked) == THREADS * edits
    base_versions = [version for version, _ in acked]
    assert len(set(base_versions)) == len(base_versions), "two saves acknowledged on the same version: one was overwritten"
    assert base_versions == list(range(start_version, start_version + len(acked)))
    ((display_name, final_version),) = sqlite_rows(database, "SELECT display_name, version FROM user WHERE id = ?", user_id)
    assert final_version == start_version + len(acked)
    assert display_name == acked[-1][1]
    audited = sqlite_rows(database, """SELECT json_extract(changes, '$.display_name[0]'), json_extract(changes, '$.display_name[1]')
                                       FROM audit_entry WHERE record_type = 'User' AND record_id = ? AND action = 'update'
                                       ORDER BY id""", str(user_id))
    chain = [after for _before, after in audited]
    assert chain == [value for _version, value in acked]
    assert all(before == previous for (before, _), previous in zip(audited[1:], chain))
