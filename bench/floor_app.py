"""The floor: the customer list's own SQL, replayed with the raw driver, rendering the same 50 rows in a
bare table — no login, no scoping layer, no ORM, no layout. `bench/run.py` captures the statements the
portal sends for one customer-list request and writes them to FLOOR_SQL (JSON); gunicorn serves this
app with the same worker count as the portal, so list throughput ÷ floor throughput is the portal's
overhead ratio (issue 6 target ≥ 60%)."""
import json
import os
import sqlite3

from flask import Flask, g, render_template_string

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>客户档案</title></head><body>
<table><thead><tr>{% for name in columns %}<th>{{ name }}</th>{% endfor %}</tr></thead><tbody>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value if value is not none else '' }}</td>{% endfor %}</tr>{% endfor %}
</tbody></table><p>{{ total }}</p></body></html>"""

with open(os.environ["FLOOR_SQL"], encoding="utf-8") as spec_file:
    SPEC = json.load(spec_file)

app = Flask(__name__)


def connection():
    if "db" not in g:
        if SPEC["dialect"] == "sqlite":
            g.db = sqlite3.connect(SPEC["database"])
        else:
            import psycopg

            g.db = psycopg.connect(SPEC["database"])
    return g.db


@app.teardown_appcontext
def close(_error):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.get("/")
def customers():
    """Every statement of one portal customer-list request; the one returning the page rows is shown."""
    cursor = connection().cursor()
    rows, columns, total = [], [], None
    for sql, params in SPEC["statements"]:
        if SPEC["dialect"] == "postgresql" and isinstance(params, list):
            params = tuple(params)
        cursor.execute(sql, params)
        if cursor.description is None:
            continue
        result = cursor.fetchall()
        if len(result) == 1 and len(result[0]) == 1:
            total = result[0][0]
        elif len(result) >= len(rows):
            rows, columns = result[:50], [d[0] for d in cursor.description]
    return render_template_string(PAGE, rows=rows, columns=columns, total=total)
