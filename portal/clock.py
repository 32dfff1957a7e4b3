"""The portal's notion of now: China local time, naive, so every rule and test shares one clock."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Current local time (Asia/Shanghai) without tzinfo, second precision."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
