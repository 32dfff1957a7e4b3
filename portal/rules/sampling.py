"""Spot-check sampling (抽查): a reproducible random draw of revisit records per staff member."""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

SEED_BITS = 48


def new_seed() -> int:
    """Return a fresh random seed; 48 bits fit a BIGINT column and a JavaScript number exactly."""
    return secrets.randbits(SEED_BITS)


def draw_sample(
    records_by_staff: Mapping[int, Sequence[int]],
    seed: int | str,
    *,
    percent: float | None = None,
    count: int | None = None,
    exclude: Collection[int] = (),
) -> dict[int, list[int]]:
    """Return, per staff member, the sorted record ids drawn for spot-checking.

    Exactly one of `percent` (0 < p <= 100, rounded up, at least one record when any is
    eligible) or `count` (>= 1, capped at what is eligible) must be given. Ids in `exclude`
    (e.g. already checked) are never drawn. The same inputs give the same draw whatever their
    order, so a supervisor can re-run a period's draw from its stored seed; str(seed) is what
    counts, so 42 and "42" draw alike.
    """
    _check_size(percent, count)
    excluded = set(exclude)
    sample: dict[int, list[int]] = {}
    for staff_id in sorted(records_by_staff):
        eligible = sorted(set(records_by_staff[staff_id]) - excluded)
        size = _sample_size(len(eligible), percent, count)
        # A seeded PRNG is the point: the draw must be repeatable from the stored seed; nothing secret.
        rng = random.Random(_staff_seed(seed, staff_id))  # noqa: S311  # nosec B311
        sample[staff_id] = sorted(rng.sample(eligible, size))
    return sample


def _check_size(percent: float | None, count: int | None) -> None:
    if (percent is None) == (count is None):
        raise ValueError("give exactly one of percent or count")
    if percent is not None and not 0 < percent <= 100:
        raise ValueError("percent must be in (0, 100]")
    if count is not None and count < 1:
        raise ValueError("count must be >= 1")


def _sample_size(eligible: int, percent: float | None, count: int | None) -> int:
    if count is not None:
        return min(count, eligible)
    # Decimal keeps 8.8% of 375 at exactly 33; float gives 33.00000000000001, which rounds up to 34.
    share = Decimal(str(percent)) * eligible / 100
    return min(eligible, math.ceil(share))


def _staff_seed(seed: int | str, staff_id: int) -> int:
    # Python's hash() is salted per process; a digest gives the same stream on every server.
    digest = hashlib.sha256(f"{seed}:{staff_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
