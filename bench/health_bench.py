"""The nightly `customers score-health` on the large data set: a first run (writes every score, history
row and the first warnings) and a second one the same night (rewrites, raises nothing new), timed."""
import time

TARGET_SECONDS = 60


def measure_health_job(app) -> dict:
    from portal.customer_health.services import score_all
    from portal.extensions import db

    runs = []
    with app.app_context():
        for label in ("first", "again"):
            started = time.perf_counter()
            result = score_all()
            runs.append({"run": label, "wall_s": round(time.perf_counter() - started, 1), **result})
            print(f"  score-health ({label}): {runs[-1]}", flush=True)
        db.session.remove()
    return {"runs": runs, "target_s": TARGET_SECONDS,
            "meets_target": all(run["wall_s"] <= TARGET_SECONDS for run in runs)}
