"""Knowledge search, suggestions and the article page at the issue's scale, measured in-process.

    .venv/bin/python -m bench.knowledge_bench [--articles 10000 --documents 100000 --repeat 20]

Builds a throwaway SQLite database by the migrations, 8 departments × 25 users, then the knowledge
part of the large data set (portal/knowledge/demo_large.py); prints p50/p95 in ms per measurement.
"""
import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-portal-2026"
ROLES = ("sales", "service", "tech", "marketing", "supervisor", "admin")


def timings(call, repeat: int) -> str:
    """p50/p95 of wall time and of this process's CPU time (the machine is shared: wall time also
    counts waiting for a core)."""
    wall, cpu = [], []
    call()  # warm the page cache and the templates
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    def p(samples, q):
        samples = sorted(samples)
        return samples[min(len(samples) - 1, int(len(samples) * q))]

    return (f"wall p50 {statistics.median(wall):.1f} p95 {p(wall, 0.95):.1f} ms · "
            f"cpu p50 {statistics.median(cpu):.1f} p95 {p(cpu, 0.95):.1f} ms")


def seed(articles: int, documents: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.knowledge.demo_large import seed_knowledge
    from portal.models.auth import Department, User

    upgrade()
    password_hash = hash_password(PASSWORD)
    for d in range(8):
        department = Department(name=f"部门{d}")
        db.session.add(department)
        db.session.flush()
        db.session.execute(insert(User), [dict(username=f"u{d}_{n}", display_name=f"员工{d}{n}", role=ROLES[n % 6],
                                               department_id=department.id, password_hash=password_hash)
                                          for n in range(25)])
    db.session.commit()
    started = time.perf_counter()
    counts = seed_knowledge(db.session.connection(), random.Random(1), articles, documents)
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    print(f"seeded {counts} in {time.perf_counter() - started:.1f} s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", help="reuse a database an earlier run seeded (its k.db)")
    args = parser.parse_args(argv)
    from portal import create_app

    workdir = Path(tempfile.mkdtemp(prefix="bench-knowledge-"))
    database = Path(args.database) if args.database else workdir / "k.db"
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "WTF_CSRF_ENABLED": False, "FILE_STORE": str(workdir / "files")})
    print(f"database: {database}")
    if not args.database:
        with app.app_context():
            seed(args.articles, args.documents)
    for username in ("u1_0", "u1_2", "u1_4", "u0_5"):  # sales, tech, supervisor, admin
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
        hx = {"HX-Request": "true"}
        for q in ("卡", "登录", "客户管理", "dlsb", "zzz无此词"):
            print(f"{username} search {q!r}: " + timings(lambda: client.get(f"/knowledge/search?q={q}", headers=hx),
                                                             args.repeat))
        print(f"{username} article page: " + timings(lambda: client.get("/knowledge/articles/1234"), args.repeat))
        print(f"{username} suggestion: " + timings(
            lambda: client.get("/knowledge/suggest?description=客户反映打印机卡纸，每天好几次", headers=hx), args.repeat))


if __name__ == "__main__":
    main()
