"""Migration 0016 on a database that has deals: every figure and link is kept in the orders."""
from datetime import date, datetime
from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from portal import create_app
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from tests.conftest import POSTGRES_URL, recreate_postgres_database

DEALS = [
    # id, customer, owner, amount, signed_on, product, payment status, note
    (7, 1, 1, "128000.50", date(2026, 3, 31), "年度运维服务", "已付清", "框架合同"),
    (8, 1, 2, "0.01", date(2026, 3, 31), "加购模块", "部分付款", ""),
    (12, 2, None, "99999999.99", date(2026, 4, 1), "实施服务", "未付款", "老客户"),
]


def database_url(tmp_path):
    if POSTGRES_URL:
        from sqlalchemy.engine import make_url

        url = make_url(POSTGRES_URL).set(database="portal_test_deals_migration").render_as_string(hide_password=False)
        recreate_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path / 'deals.db'}"


def money(value) -> Decimal:
    """Raw SQL on SQLite hands NUMERIC back as float: compare to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def figures(connection, sql):
    return [tuple(row) for row in connection.execute(text(sql))]


def test_deals_become_orders_with_every_figure_and_link(tmp_path):
    url = database_url(tmp_path)
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0011")
        engine = create_engine(url)
        # Users and customers are unchanged by 0016: written through the tables (Core), so no later area's
        # ORM hook (e.g. the health row of a new customer) reaches for a table 0011 does not have.
        with engine.begin() as c:
            c.execute(User.__table__.insert(), [dict(id=1, username="a", display_name="甲", role="sales", password_hash="x"),
                                                dict(id=2, username="b", display_name="乙", role="sales", password_hash="x")])
            c.execute(Customer.__table__.insert(),
                      [dict(id=cid, code=f"KH2026{cid:06d}", name=f"客户{cid}", stage="成交") for cid in (1, 2)])
            for d in DEALS:
                c.execute(text("INSERT INTO deal (id, customer_id, owner_id, amount, signed_on, product, payment_status, "
                               "note, created_at, updated_at, version) VALUES (:id, :c, :o, :a, :s, :p, :ps, :n, :at, :at, 1)"),
                          dict(id=d[0], c=d[1], o=d[2], a=d[3], s=d[4], p=d[5], ps=d[6], n=d[7], at=datetime(2026, 4, 2, 9)))
            before_total = c.execute(text("SELECT sum(amount) FROM deal")).scalar()
            before_by_owner = figures(c, "SELECT owner_id, customer_id, sum(amount) FROM deal "
                                         "GROUP BY owner_id, customer_id ORDER BY customer_id, owner_id")
        upgrade(revision="0016")
        with engine.begin() as c:
            assert money(c.execute(text("SELECT sum(total) FROM sales_order")).scalar()) == money(before_total)
            after_by_owner = figures(c, "SELECT owner_id, customer_id, sum(total) FROM sales_order "
                                        "GROUP BY owner_id, customer_id ORDER BY customer_id, owner_id")
            assert [(o, cu, money(t)) for o, cu, t in after_by_owner] == [(o, cu, money(t)) for o, cu, t in before_by_owner]
            orders = figures(c, "SELECT id, number, customer_id, owner_id, total, signed_on, received_amount, status, note, "
                                "created_at FROM sales_order ORDER BY id")
            assert [(o[0], o[1], o[2], o[3], money(o[4]), str(o[5])[:10]) for o in orders] == [
                (7, "DD20260331001", 1, 1, Decimal("128000.50"), "2026-03-31"),
                (8, "DD20260331002", 1, 2, Decimal("0.01"), "2026-03-31"),
                (12, "DD20260401001", 2, None, Decimal("99999999.99"), "2026-04-01"),
            ]
            assert [(money(o[6]), o[7], o[8]) for o in orders] == [
                (Decimal("128000.50"), "已完成", "框架合同"), (Decimal("0"), "执行中", "（原付款状态：部分付款）"),
                (Decimal("0"), "执行中", "老客户")]
            lines = figures(c, "SELECT order_id, product_name, amount, quantity FROM order_line ORDER BY order_id")
            assert [(l[0], l[1], money(l[2]), money(l[3])) for l in lines] == [
                (7, "年度运维服务", Decimal("128000.50"), 1), (8, "加购模块", Decimal("0.01"), 1),
                (12, "实施服务", Decimal("99999999.99"), 1)]
            assert [(p[0], money(p[1])) for p in figures(c, "SELECT order_id, amount FROM payment")] == [
                (7, Decimal("128000.50"))]
            plan = figures(c, "SELECT order_id, amount, paid_amount FROM payment_instalment ORDER BY order_id")
            assert [(p[0], money(p[1]), money(p[2])) for p in plan] == [
                (7, Decimal("128000.50"), Decimal("128000.50")), (8, Decimal("0.01"), 0), (12, Decimal("99999999.99"), 0)]
            assert "deal" not in {name for (name,) in c.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if not POSTGRES_URL else
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
        # The next order signed on 2026-03-31 continues the day's sequence.
        from portal.sales.services import next_order_number

        assert next_order_number(date(2026, 3, 31)) == "DD20260331003"
        db.session.rollback()
        downgrade(revision="0011")
        with engine.begin() as c:
            back = figures(c, "SELECT id, customer_id, owner_id, amount, product, payment_status FROM deal ORDER BY id")
            assert [(b[0], b[1], b[2], money(b[3]), b[4], b[5]) for b in back] == [
                (7, 1, 1, Decimal("128000.50"), "年度运维服务", "已付清"), (8, 1, 2, Decimal("0.01"), "加购模块", "未付款"),
                (12, 2, None, Decimal("99999999.99"), "实施服务", "未付款")]
        engine.dispose()
        db.engine.dispose()
