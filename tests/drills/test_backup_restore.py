"""Backup under load with `flask --app wsgi backup PATH`, restore into a new directory, boot, see the data
(SECURITY.md #26)."""
import os
import stat
import subprocess
import threading

import pytest

from tests.drills.harness import (
    DRILL_SECRET_KEY,
    PROJECT_ROOT,
    VENV_BIN,
    PortalClient,
    PortalServer,
    prepare_database,
    sqlite_integrity,
    sqlite_rows,
)


def keep_writing(base_url: str, username: str, prefix: str, stop: threading.Event, acked: list):
    client = PortalClient(base_url)
    assert client.login(username).status == 303
    sequence = 0
    while not stop.is_set():
        name = f"{prefix}-{sequence:04d}"
        if client.submit("/admin/departments/new", {"name": name, "head_id": ""}).status == 303:
            acked.append(name)
        sequence += 1


@pytest.mark.slow
def test_backup_while_writing_then_restore_and_boot(sqlite_only, database_template, tmp_path):
    """Writers keep going while the backup runs; the restored copy boots and shows what was acknowledged."""
    live_dir, restore_dir = tmp_path / "live", tmp_path / "restored"
    database = live_dir / "portal.db"
    prepare_database(database_template, database, admins=3)
    stop, acked = threading.Event(), {n: [] for n in (1, 2, 3)}
    with PortalServer(live_dir, f"sqlite:///{database}", workers=3) as server:
        writers = [threading.Thread(target=keep_writing, args=(server.base_url, f"drill_admin_{n:02d}", f"备份-{n}", stop, acked[n]))
                   for n in (1, 2, 3)]
        for writer in writers:
            writer.start()
        while sum(len(a) for a in acked.values()) < 30:
            threading.Event().wait(0.02)
        acked_before_backup = {name for names in acked.values() for name in list(names)}
        backup_file = tmp_path / "backups" / "portal-backup.db"
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": DRILL_SECRET_KEY,
                       "PORTAL_INSTANCE_DIR": str(live_dir), "PORTAL_ENV": "development"}
        result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "backup", str(backup_file)],
                                cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120)
        threading.Event().wait(0.3)  # writes continue after the backup
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert sqlite_integrity(backup_file) == "ok"
    written_after = {name for names in acked.values() for name in names} - acked_before_backup
    assert written_after, "the writers were still writing while the backup ran"

    restore_dir.mkdir()
    (restore_dir / "portal.db").write_bytes(backup_file.read_bytes())
    with PortalServer(restore_dir, None, workers=2) as restored:  # default instance/portal.db of the new dir
        client = PortalClient(restored.base_url)
        assert client.get("/healthz").status == 200
        assert client.login("drill_admin_01").status == 303
        listing = client.get("/admin/departments/")
        assert listing.status == 200
    restored_names = {name for (name,) in sqlite_rows(restore_dir / "portal.db", "SELECT name FROM department")}
    assert acked_before_backup - restored_names == set()
    assert [name for name in sorted(acked_before_backup) if name not in listing.text] == []
    print(f"\nbackup drill: {len(acked_before_backup)} writes acknowledged before the backup all restored; "
          f"{len(written_after)} more written during/after it; restored copy booted and served them")
