"""The WeasyPrint fetcher and environment check (SECURITY.md #20, #22)."""
import pytest

from portal.pdf import PDF_BASE_URL, RefusedURL, StaticOnlyFetcher, cjk_font_families, pdf_environment_problems


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.css").write_text("html { color: black; }")
    return StaticOnlyFetcher(tmp_path)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.com/logo.png",
    "https://example.com/x.css",
    "ftp://example.com/x",
    PDF_BASE_URL + "etc/passwd",
    PDF_BASE_URL + "static/../../../etc/passwd",
    PDF_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
    PDF_BASE_URL + "static/css/missing.css",
])
def test_fetcher_refuses_anything_but_static_files(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_fetcher_serves_static_and_data(fetcher):
    response = fetcher.fetch(PDF_BASE_URL + "static/css/pdf.css")
    assert response.read() == b"html { color: black; }" and response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read().decode() == "中文"


def test_environment_here_is_fine():
    assert pdf_environment_problems() == ()
    assert any("CJK" in family for family in cjk_font_families())


def test_environment_problems_are_reported(monkeypatch):
    import weasyprint.text.ffi as ffi

    pdf_environment_problems.cache_clear()
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    monkeypatch.setattr("portal.pdf.cjk_font_families", lambda: [])
    try:
        problems = pdf_environment_problems()
        assert any("libharfbuzz-subset0" in p for p in problems) and any("fonts-noto-cjk" in p for p in problems)
    finally:
        pdf_environment_problems.cache_clear()


def test_old_job_files_are_pruned(tmp_path):
    import os
    import time

    from portal.pdf import JOB_RETENTION_SECONDS, prune_jobs

    old, fresh, other = tmp_path / ("a" * 32 + ".pdf"), tmp_path / ("b" * 32 + ".pdf"), tmp_path / "keep.txt"
    for path in (old, fresh, other):
        path.write_text("x")
    stale = time.time() - JOB_RETENTION_SECONDS - 60
    os.utime(old, (stale, stale))
    os.utime(other, (stale, stale))
    prune_jobs(tmp_path)
    assert (old.exists(), fresh.exists(), other.exists()) == (False, True, True)
