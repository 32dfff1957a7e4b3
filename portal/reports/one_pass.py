"""Several KPI parts summed in one grouped query over the rows they share.

Parts of different KPIs often read the same rows (every customer of the scope, every scored revisit
record of the period) and differ only in which rows they count. Summing each part under its own
condition in one GROUP BY reads those rows once instead of once per part.
"""
from decimal import Decimal

from sqlalchemy import case, func, select

from portal.extensions import db


def sums_in_one_pass(facts, parts: dict) -> dict[tuple[str, str], dict[int | None, Decimal]]:
    """{(code, part): {owner_id: SUM(value)}} for parts given as {(code, part): (condition, value)} over
    the `facts` subquery. CASE without ELSE is NULL for an owner with no row in a part, and such owners
    are left out, as the part's own grouped query leaves them out (kpis.sums_by_owner)."""
    sums = [func.sum(case((condition, value))) for condition, value in parts.values()]
    rows = db.session.execute(select(facts.c.owner_id, *sums).group_by(facts.c.owner_id)).all()
    return {key: {row[0]: Decimal(str(row[index])) for row in rows if row[index] is not None}
            for index, key in enumerate(parts, start=1)}
