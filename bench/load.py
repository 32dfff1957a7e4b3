"""A small closed-loop HTTP load generator: C connections spread over processes, each request on a
fresh connection (gunicorn's sync workers close after every response, as browsers then reconnect)."""
import http.client
import multiprocessing
import statistics
import threading
import time
from urllib.parse import urlsplit


def _thread_loop(url: str, headers: dict, deadline: float, results: list):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        results.append((status, time.perf_counter() - started))


def _process(url: str, headers: dict, threads: int, seconds: float, queue):
    deadline = time.monotonic() + seconds
    results: list = []
    workers = [threading.Thread(target=_thread_loop, args=(url, headers, deadline, results)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(results)


def hammer(url: str, cookie: str = "", connections: int = 16, seconds: float = 8.0, processes: int = 4) -> dict:
    """Requests per second, latency p50/p95 (ms) and non-200 count for `connections` concurrent clients."""
    headers = {"Cookie": cookie} if cookie else {}
    queue = multiprocessing.get_context("fork").Queue()
    per_process = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    procs = [multiprocessing.get_context("fork").Process(target=_process, args=(url, headers, n, seconds, queue))
             for n in per_process if n]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    results = [row for _ in procs for row in queue.get()]
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started
    latencies = sorted(latency for status, latency in results if status == 200)
    return {
        "requests": len(results),
        "ok": len(latencies),
        "errors": len(results) - len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else None,
    }
