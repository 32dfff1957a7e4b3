"""Deny by default and the role × route table (SECURITY.md #8, #9)."""
import importlib
from pathlib import Path

import pytest

from portal import create_app
from tests.access import ROLES, Rule, World
from tests.conftest import HX, log_in

PUBLIC_ENDPOINTS = {"auth.login", "auth.set_language", "static", "health.healthz"}
ALLOWED_STATUSES = {200, 303, 302, 400, 409, 422}


def collect_rules() -> dict[tuple[str, str], Rule]:
    rules: dict[tuple[str, str], Rule] = {}
    for path in sorted(Path(__file__).parent.glob("**/access_rules.py")):
        module_name = ".".join(path.relative_to(Path(__file__).parent.parent).with_suffix("").parts)
        for rule in importlib.import_module(module_name).RULES:
            assert rule.key not in rules, f"{rule.key} listed twice"
            rules[rule.key] = rule
    return rules


RULES = collect_rules()


def url_rules():
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for url_rule in app.url_map.iter_rules():
        for method in sorted(url_rule.methods - {"HEAD", "OPTIONS"}):
            yield url_rule, method


def test_every_url_rule_is_classified():
    """A new route without a row in the table fails here."""
    unclassified = [f"{r.endpoint} {m}" for r, m in url_rules() if (r.endpoint, m) not in RULES]
    assert unclassified == []
    stale = set(RULES) - {(r.endpoint, m) for r, m in url_rules()}
    assert stale == set()


def test_only_allow_list_is_public():
    public = {key for key, rule in RULES.items() if rule.public}
    assert {endpoint for endpoint, _ in public} == PUBLIC_ENDPOINTS


@pytest.fixture
def world(app, make_user, make_department):
    sales_department = make_department("销售部")
    departments = {
        "sales": sales_department,
        "service": make_department("客服部"),
        "tech": make_department("技术部"),
        "marketing": make_department("市场部"),
        "supervisor": sales_department,
        "admin": None,
    }
    users = {role: make_user(role, department=departments[role], username=f"m_{role}") for role in ROLES}
    spare = make_user("sales", department=sales_department, username="m_spare")
    return World(users=users, departments=departments, spare_user=spare)


def request_as(app, client, rule: Rule, world: World, headers=None):
    from flask import url_for

    with app.test_request_context():
        url = url_for(rule.endpoint, **rule.url_values(world))
    if rule.method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=rule.method, data=rule.data(world), headers=headers)


@pytest.mark.parametrize("rule", [r for r in RULES.values() if not r.public], ids=lambda r: f"{r.endpoint}-{r.method}")
def test_anonymous_is_sent_to_login(app, world, rule):
    """Every non-public route needs a session; an htmx request gets HX-Redirect, not a login page."""
    client = app.test_client()
    response = request_as(app, client, rule, world)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = request_as(app, client, rule, world, headers=HX)
    assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]


@pytest.mark.parametrize("rule", [r for r in RULES.values() if not r.public], ids=lambda r: f"{r.endpoint}-{r.method}")
def test_role_route_table(app, world, rule):
    """Each role gets what the table says: 403 outside `roles`, never 5xx, and 404 where the record is out of scope."""
    outcomes = {}
    for role in ROLES:
        client = log_in(app.test_client(), world.users[role])
        outcomes[role] = request_as(app, client, rule, world).status_code
    expected = {}
    for role in ROLES:
        if role in rule.expect:
            expected[role] = rule.expect[role]
        elif role not in rule.roles:
            expected[role] = 403
        else:
            expected[role] = outcomes[role] if outcomes[role] in ALLOWED_STATUSES else "2xx/3xx/4xx-not-403"
    assert outcomes == expected
