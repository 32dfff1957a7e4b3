"""PDF rendering with WeasyPrint: a fetcher confined to static/, an environment check, background jobs.

Templates reference static files with `url_for('static', ...)`; they are resolved against the
virtual origin PDF_BASE_URL, which never reaches the network: the fetcher maps it onto the app's
static folder (containment checked) and refuses every other URL (file://, http(s)://, ftp://, ...).
"""
import json
import logging
import mimetypes
import os
import resource
import shutil
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.i18n import N_

log = logging.getLogger(__name__)

# `.invalid` is reserved (RFC 2606): this origin can only ever mean "our static folder".
PDF_BASE_URL = "https://portal.invalid/"
CJK_FAMILY = "Noto Sans CJK SC"
# One render at a time: WeasyPrint is CPU-bound and the machine has two cores shared with requests.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
# Bounds of a background render (SECURITY.md #21): it runs in a child process that is killed after
# JOB_TIMEOUT_SECONDS and cannot grow past JOB_MEMORY_BYTES, so a runaway document never takes the
# web worker down. 50 dense pages measured ≈ 25 s and 0.5 GB.
JOB_TIMEOUT_SECONDS = 180
JOB_MEMORY_BYTES = 2 * 1024**3
# Rendered job files are kept for a day so the requester can download them again, then pruned.
JOB_RETENTION_SECONDS = 24 * 3600


class RefusedURL(ValueError):
    """A URL the PDF renderer must not fetch."""


class StaticOnlyFetcher(URLFetcher):
    """Serves files under `static_root` (via PDF_BASE_URL + static path) and data: URIs, nothing else."""

    def __init__(self, static_root: str | Path, static_url_path: str = "/static"):
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)
        self.static_root = Path(static_root).resolve()
        self.static_prefix = PDF_BASE_URL.rstrip("/") + static_url_path.rstrip("/") + "/"

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.static_path(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    def static_path(self, url: str) -> Path:
        """The file under static/ this URL names; RefusedURL for anything else."""
        if not url.startswith(self.static_prefix):
            raise RefusedURL(f"PDF 渲染拒绝访问外部地址: {url[:200]}")
        relative = unquote(urlsplit(url).path)[len(urlsplit(self.static_prefix).path):]
        path = (self.static_root / relative).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise RefusedURL(f"PDF 渲染拒绝访问静态目录以外的文件: {url[:200]}")
        return path


def app_fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher(current_app.static_folder, current_app.static_url_path or "/static")


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher) -> bytes:
    """Render an HTML string to PDF bytes (fonts subset, never full_fonts)."""
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    """Render a print template (templates/pdf/*) to PDF bytes in this thread: for short documents."""
    return html_to_pdf(render_template(template, **context), app_fetcher())


@lru_cache(maxsize=1)
def pdf_environment_problems() -> tuple[str, ...]:
    """What would make PDFs slow or unreadable here: HarfBuzz subsetting missing, no CJK font.

    The texts are msgids (cached once for every language): the page shows them through gettext."""
    problems = []
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
            problems.append(N_(
                "WeasyPrint 未找到 HarfBuzz 字体子集库（libharfbuzz-subset0，需 HarfBuzz ≥ 4.1）："
                "中文 PDF 每页将需 15–30 秒。请安装 Debian 软件包 libharfbuzz-subset0。"
            ))
    except (ImportError, OSError, AttributeError) as error:
        log.warning("PDF environment: HarfBuzz check failed: %s", error)
        problems.append(N_("无法检查 WeasyPrint 的 HarfBuzz 库，详见服务器日志。"))
    if not cjk_font_families():
        problems.append(N_("系统中没有中文（CJK）字体：PDF 中的中文将显示为方框。请安装 fonts-noto-cjk 字体包。"))
    return tuple(problems)


def cjk_font_families() -> list[str]:
    """Font families fontconfig knows that cover Simplified Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        result = subprocess.run(  # noqa: S603  (fixed argument list, no user input)
            [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})


def log_environment_problems() -> None:
    """Say at start-up, in the log, why PDFs would be slow or show boxes."""
    for problem in pdf_environment_problems():
        log.warning("PDF environment: %s", problem)


# --- background jobs: a PDF rendered outside the request thread, polled by htmx -------------------


def cache_dir() -> Path:
    path = Path(current_app.config["PDF_CACHE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _job_paths(directory: Path, job_id: str) -> tuple[Path, Path, Path]:
    return directory / f"{job_id}.json", directory / f"{job_id}.pdf", directory / f"{job_id}.error"


def start_pdf_job(html: str, owner_id: int, filename: str, on_done=None) -> str:
    """Queue the rendering of an HTML string; the PDF lands in PDF_CACHE_DIR. Returns the job id.

    The HTML is built in the request (scoped queries, escaping); the render runs in a bounded child
    process, so it needs no database session and holds no transaction open. `on_done(pdf_bytes)`
    runs in the worker thread when the file is there.
    """
    directory = cache_dir()
    prune_jobs(directory)
    job_id = uuid.uuid4().hex
    meta, _, _ = _job_paths(directory, job_id)
    meta.write_text(json.dumps({"owner_id": owner_id, "filename": filename}), encoding="utf-8")
    (directory / f"{job_id}.html").write_text(html, encoding="utf-8")
    _executor.submit(_run_job, directory, job_id, current_app.static_folder, on_done)
    return job_id


def prune_jobs(directory: Path) -> None:
    """Delete job files older than JOB_RETENTION_SECONDS (issued reviews live in the database)."""
    import time

    cutoff = time.time() - JOB_RETENTION_SECONDS
    for path in directory.iterdir():
        if path.is_file() and len(path.stem) == 32 and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _limit_child_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (JOB_MEMORY_BYTES, JOB_MEMORY_BYTES))


def _run_job(directory: Path, job_id: str, static_root: str, on_done) -> None:
    _, pdf_path, error_path = _job_paths(directory, job_id)
    html_path, partial = directory / f"{job_id}.html", directory / f"{job_id}.part"
    try:
        subprocess.run(  # noqa: S603  (our own module, paths we created)
            [sys.executable, "-m", "portal.pdf", str(html_path), str(partial), static_root],
            check=True, timeout=JOB_TIMEOUT_SECONDS, preexec_fn=_limit_child_memory,  # noqa: PLW1509
            capture_output=True, cwd=str(Path(__file__).resolve().parent.parent),
        )
        os.replace(partial, pdf_path)
        if on_done is not None:
            on_done(pdf_path.read_bytes())
    except Exception as error:  # noqa: BLE001  (a failed render must be reported to the poller, not lost)
        stderr = getattr(error, "stderr", b"") or b""
        log.error("PDF job %s failed: %s %s", job_id, error, stderr[-2000:].decode("utf-8", "replace"))
        error_path.write_text("failed", encoding="utf-8")
    finally:
        html_path.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


def pdf_job_state(job_id: str, owner_id: int) -> dict | None:
    """{'state': pending|done|failed, 'filename', 'path'} for the owner's job; None if not theirs."""
    if not job_id.isalnum() or len(job_id) != 32:
        return None
    meta_path, pdf_path, error_path = _job_paths(cache_dir(), job_id)
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["owner_id"] != owner_id:
        return None
    state = "done" if pdf_path.is_file() else "failed" if error_path.is_file() else "pending"
    return {"state": state, "filename": meta["filename"], "path": pdf_path}


def wait_for_jobs(timeout: float = 60) -> None:
    """Block until queued renders finish (tests and the CLI)."""
    done = threading.Event()
    _executor.submit(done.set)
    done.wait(timeout)


def _render_file(html_path: str, pdf_path: str, static_root: str) -> None:
    """Child-process entry: HTML file in, PDF file out, same fetcher rules as in the app."""
    html = Path(html_path).read_text(encoding="utf-8")
    Path(pdf_path).write_bytes(html_to_pdf(html, StaticOnlyFetcher(static_root)))


if __name__ == "__main__":
    _render_file(*sys.argv[1:4])
