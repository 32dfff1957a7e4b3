"""Where a slow page spends its time: each SQL statement's duration and its query plan, plus the time
outside SQL. Works on a copy of the cached bench database, or on the PostgreSQL in DATABASE_URL (one a
`make bench` run has seeded).

    .venv/bin/python -m bench.profile bench_service_001 "/customers/?due=overdue"
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.profile bench_sales_001 /customers/
"""
import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from bench.run import CACHE_DIR, SKIP_PREFIXES, make_app, migration_head


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("path")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql-chars", type=int, default=400, help="how much of each statement to print")
    args = parser.parse_args(argv)
    from portal.demo_large import LARGE_PASSWORD
    from portal.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        copy = workdir / "profile.db"
        shutil.copyfile(CACHE_DIR / f"large-{migration_head()}-{args.customers}.db", copy)
        database_url = f"sqlite:///{copy}"
    app = make_app(database_url)
    explain = "EXPLAIN QUERY PLAN " if database_url.startswith("sqlite") else "EXPLAIN (ANALYZE, BUFFERS) "
    client = app.test_client()
    assert client.post("/login", data={"username": args.username, "password": LARGE_PASSWORD}).status_code == 303
    client.get(args.path)
    timings: list[list] = []

    def before(conn, _cursor, statement, parameters, context, _many):
        context._bench_started = time.perf_counter()

    def after(conn, _cursor, statement, parameters, context, _many):
        if not statement.lstrip().upper().startswith(SKIP_PREFIXES):
            timings.append([statement, parameters, (time.perf_counter() - context._bench_started) * 1000])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    totals = []
    for _ in range(args.repeat):
        timings.clear()
        started = time.perf_counter()
        status = client.get(args.path).status_code
        totals.append(((time.perf_counter() - started) * 1000, list(timings)))
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    total, statements = sorted(totals, key=lambda t: t[0])[len(totals) // 2]
    with app.app_context():
        # SQLite does its work while rows are fetched, after the cursor "executes": time each statement
        # again on its own, execute + fetchall, for the real cost.
        connection = db.session.connection()
        for entry in statements:
            started = time.perf_counter()
            connection.exec_driver_sql(entry[0], driver_parameters(entry[1])).fetchall()
            entry[2] = (time.perf_counter() - started) * 1000
        db.session.rollback()
    sql_ms = sum(t[2] for t in statements)
    print(f"{args.path} as {args.username}: HTTP {status}, median {total:.1f} ms, SQL {sql_ms:.1f} ms "
          f"in {len(statements)} statements, outside SQL {total - sql_ms:.1f} ms")
    with app.app_context():
        for statement, parameters, ms in sorted(statements, key=lambda t: -t[2]):
            print(f"\n{ms:8.1f} ms  {' '.join(statement.split())[:args.sql_chars]}")
            print(f"           params {str(parameters)[:200]}")
            if ms > 2:
                plan = db.session.connection().exec_driver_sql(explain + statement, driver_parameters(parameters))
                for row in plan:
                    print(f"           plan: {row[-1]}")
                db.session.rollback()
    shutil.rmtree(workdir, ignore_errors=True)


def driver_parameters(parameters):
    """As the driver took them: a tuple for SQLite's qmark style, a dict for psycopg's named style."""
    return tuple(parameters) if isinstance(parameters, (list, tuple)) else parameters


if __name__ == "__main__":
    main()
