"""销售统计: per rep, per customer and per period — 销售金额, 回款额, 应收款, 发票金额, 费用, 毛利 — and the
seed's monthly product sheet (产品名称 · 数量 · 金额 · 利润 per month with 合计, one half-year per sheet).

Each figure is one grouped SQL SUM over NUMERIC columns (a constant number of queries per page).
Marketing sees company totals only (issue 13: "marketing sees totals, not individual orders")."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from portal.access import sales as access
from portal.access.expenses import visible_expenses
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.expenses import Expense
from portal.models.sales import Invoice, Order, OrderLine, Payment
from portal.reports.periods import MONTH_NAMES

ZERO = Decimal("0.00")
MEASURES = ("sales", "received", "receivable", "invoiced", "expenses", "gross_profit")
MEASURE_LABELS = {"sales": N_("销售金额"), "received": N_("回款额"), "receivable": N_("应收款"),
                  "invoiced": N_("发票金额"), "expenses": N_("费用"), "gross_profit": N_("毛利")}
TOTALS_ONLY_ROLES = frozenset({"marketing"})


def order_scope(user: User) -> tuple:
    """Orders counted for the user, as conditions on the order row: their scope; marketing: every
    order, but only as company totals.

    A test on the row, not `order.id IN (the scope's ids)`: with the id list the database read every
    order of the scope to sum one month (销售一部: 17,700 orders per figure, 130-160 ms each); on the
    row, it starts from the period (ix_sales_order_owner_signed per member, the payment and invoice
    date indexes) and checks the scope per candidate."""
    if user.role in TOTALS_ONLY_ROLES:
        return ()
    condition = access.visible_orders(user).whereclause
    return () if condition is None else (condition,)


@dataclass
class Statement:
    group: str
    rows: list = field(default_factory=list)   # (key, label, {measure: Decimal})
    totals: dict = field(default_factory=dict)


def _add(figures: dict, key, label: str, measure: str, value) -> None:
    entry = figures.setdefault(key, [label, {m: ZERO for m in MEASURES}])
    if label and not entry[0]:
        entry[0] = label
    entry[1][measure] += Decimal(value or 0)


def statement(user: User, start: date, end: date, group: str) -> Statement:
    """Figures for [start, end) grouped by rep ("rep") or customer ("customer")."""
    if user.role in TOTALS_ONLY_ROLES:
        group = "total"
    live = (Order.status != "已取消", *order_scope(user))
    if group == "customer":
        key, label, join = Order.customer_id, Customer.name, (Customer, Customer.id == Order.customer_id)
    elif group == "rep":
        key, label, join = Order.owner_id, User.display_name, (User, User.id == Order.owner_id)
    else:
        key, label, join = func.min(0), None, None

    def grouped(*columns, where, child=None):
        query = select(key.label("k"), (label if label is not None else func.min("")).label("l"), *columns)
        query = query.select_from(Order)
        if child is not None:
            query = query.join(child, child.order_id == Order.id)
        if join is not None:
            query = query.outerjoin(*join)
        query = query.where(*where)
        if group in ("customer", "rep"):
            query = query.group_by(key, label)
        return db.session.execute(query).all()

    figures: dict = {}
    signed = (Order.signed_on >= start, Order.signed_on < end, *live)
    for k, name, total, cost, received in grouped(func.sum(Order.total), func.sum(Order.cost),
                                                  func.sum(Order.received_amount), where=signed):
        _add(figures, k, name, "sales", total)
        _add(figures, k, name, "gross_profit", Decimal(total or 0) - Decimal(cost or 0))
        _add(figures, k, name, "receivable", Decimal(total or 0) - Decimal(received or 0))
    paid = grouped(func.sum(Payment.amount), where=(Payment.paid_on >= start, Payment.paid_on < end, *live),
                   child=Payment)
    for k, name, amount in paid:
        _add(figures, k, name, "received", amount)
    invoiced = grouped(func.sum(Invoice.amount), child=Invoice,
                       where=(Invoice.issued_on >= start, Invoice.issued_on < end, Invoice.status == "已开具", *live))
    for k, name, amount in invoiced:
        _add(figures, k, name, "invoiced", amount)
    for k, name, amount in expense_rows(user, start, end, group):
        _add(figures, k, name, "expenses", amount)
    result = Statement(group=group)
    for k, (name, values) in sorted(figures.items(), key=lambda item: (-item[1][1]["sales"], str(item[1][0]))):
        result.rows.append((k, name or "—", values))
    result.totals = {m: sum((values[m] for _k, _n, values in result.rows), ZERO) for m in MEASURES}
    if group == "total":
        result.rows = []
    return result


def expense_rows(user: User, start: date, end: date, group: str):
    """Approved expenses spent in the period: by submitter (rep), by linked customer, or in total."""
    scope = visible_expenses(user).whereclause if user.role not in TOTALS_ONLY_ROLES else None
    where = (Expense.status == "已批准", Expense.spent_on >= start, Expense.spent_on < end, Expense.archived_at.is_(None),
             *(() if scope is None else (scope,)))
    if group == "rep":
        query = (select(Expense.submitted_by_id, User.display_name, func.sum(Expense.amount))
                 .join(User, User.id == Expense.submitted_by_id).group_by(Expense.submitted_by_id, User.display_name))
    elif group == "customer":
        query = (select(Expense.customer_id, Customer.name, func.sum(Expense.amount))
                 .outerjoin(Customer, Customer.id == Expense.customer_id).group_by(Expense.customer_id, Customer.name))
    else:
        query = select(func.min(0), func.min(""), func.sum(Expense.amount))
    return db.session.execute(query.where(*where)).all()


# --- the monthly product sheet -----------------------------------------------------------------------

@dataclass
class ProductSheet:
    year: int
    half: int
    months: list            # [(year, month)]
    rows: list              # (product name, {(y, m): (qty, amount, profit)}, (qty, amount, profit) total)
    totals: dict            # {(y, m): (qty, amount, profit)}
    grand: tuple

    @property
    def title(self) -> str:
        """In the interface language (page, PDF, .xlsx)."""
        if self.half == 1:
            return _("%(year)s年上半年产品销售月报", year=self.year)
        return _("%(year)s年下半年产品销售月报", year=self.year)

    @property
    def log_title(self) -> str:
        """The same in 简体, for the audit log."""
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年产品销售月报"

    @property
    def sheet_name(self) -> str:
        """The .xlsx sheet's name: 2026上半年 / 2026 H1."""
        if self.half == 1:
            return _("%(year)s上半年", year=self.year)
        return _("%(year)s下半年", year=self.year)

    @property
    def month_names(self) -> list[str]:
        """The half-year's months in the interface language (7月 / Jul), named as the reviews name them."""
        return [_(MONTH_NAMES[month - 1]) for _year, month in self.months]


def half_year(year: int, half: int) -> tuple[date, date, list]:
    first = 1 if half == 1 else 7
    start = date(year, first, 1)
    end = date(year, 7, 1) if half == 1 else date(year + 1, 1, 1)
    return start, end, [(year, m) for m in range(first, first + 6)]


def product_sheet(user: User, year: int, half: int) -> ProductSheet:
    """产品名称 · 数量 · 金额 · 利润 per month of the half-year, with 合计 (one grouped query)."""
    start, end, months = half_year(year, half)
    y, m = extract("year", Order.signed_on), extract("month", Order.signed_on)
    query = (select(OrderLine.product_name, y, m, func.sum(OrderLine.quantity), func.sum(OrderLine.amount),
                    func.sum(OrderLine.amount - OrderLine.unit_cost * OrderLine.quantity))
             .join(Order, Order.id == OrderLine.order_id)
             .where(Order.signed_on >= start, Order.signed_on < end, Order.status != "已取消", *order_scope(user))
             .group_by(OrderLine.product_name, y, m))
    cells: dict = {}
    zero = (Decimal("0"), ZERO, ZERO)
    for name, year_, month, qty, amount, profit in db.session.execute(query):
        cells.setdefault(name, {})[(int(year_), int(month))] = (Decimal(qty or 0), Decimal(amount or 0).quantize(ZERO),
                                                                 Decimal(profit or 0).quantize(ZERO))

    def add(a, b):
        return tuple(x + y_ for x, y_ in zip(a, b))

    rows, totals = [], {key: zero for key in months}
    for name in sorted(cells, key=lambda n: (-sum(v[1] for v in cells[n].values()), n)):
        total = zero
        for key in months:
            total = add(total, cells[name].get(key, zero))
            totals[key] = add(totals[key], cells[name].get(key, zero))
        rows.append((name, cells[name], total))
    grand = zero
    for key in months:
        grand = add(grand, totals[key])
    return ProductSheet(year, half, months, rows, totals, grand)
