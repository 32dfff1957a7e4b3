"""A small run of `make bench` (few hundred customers, a few requests) so the harness cannot rot."""
import json

import pytest

from bench import http_pages, run
from tests.conftest import POSTGRES_URL


@pytest.mark.slow
def test_bench_smoke(tmp_path, monkeypatch):
    """Every page type measured or noted, over HTTP per role and in process; queries per request stable;
    throughput of the work list and against the floor app."""
    if POSTGRES_URL:
        pytest.skip("the PostgreSQL bench runs against DATABASE_URL with the full data set")
    monkeypatch.setattr(run, "CACHE_DIR", tmp_path / "cache")
    output = tmp_path / "latest.json"
    report = run.main(["--customers", "300", "--requests", "3", "--http-requests", "2", "--in-process",
                       "--throughput-seconds", "1", "--output", str(output)])
    assert json.loads(output.read_text())["database"] == "SQLite"
    pages = report["pages"]
    assert len(pages) == len({p["page"] for p in pages}) >= 20
    measured = [p for p in pages if "p95_ms" in p]
    assert measured, pages
    for page in measured:
        assert page["p50_ms"] > 0 and page["queries"] >= 1
        assert page["queries"] == page["queries_min"], f"{page['page']}: query count varies between identical requests"
    notes = {p["note"] for p in pages if "note" in p}
    assert notes <= {"page not built yet"}, notes
    over_http = report["http"]["pages"]
    assert {row["role"] for row in over_http} == {label for label, _ in http_pages.ROLES}
    timed = [row for row in over_http if "p95_ms" in row]
    assert len(timed) >= 60 and all(row["p50_ms"] > 0 for row in timed)
    assert {row["note"] for row in over_http if "note" in row} <= {"无权访问"}
    # a rep has no 回访抽查 and no review of others; every role opens the work list and the customer list
    assert {(row["role"], row["page"]) for row in timed} >= {(label, "我的工作台") for label, _ in http_pages.ROLES}
    assert report["http"]["worklist_throughput"]["errors"] == 0
    throughput = report["throughput"]
    assert throughput["portal"]["ok"] > 0 and throughput["floor"]["ok"] > 0
    assert throughput["portal"]["errors"] == 0 and throughput["floor"]["errors"] == 0
    assert throughput["ratio"] > 0
