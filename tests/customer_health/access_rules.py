"""Role × route rows of the customer-health area (tests/test_access_matrix.py checks them all)."""
from tests.access import EVERYONE, Rule
from tests.customers.access_rules import OUT_OF_SCOPE, others

RECORDERS = EVERYONE - {"marketing"}  # tech passes the guard but the customer is out of its scope (404)

RULES = [
    Rule("customer_health.customer_section", "GET", EVERYONE, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customer_health.care_create", "GET", RECORDERS, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customer_health.care_create", "POST", RECORDERS, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customer_health.warnings", "GET", EVERYONE),
    Rule("customer_health.at_risk", "GET", frozenset({"supervisor", "admin"})),
    Rule("customer_health.rules_settings", "GET", frozenset({"admin"})),
    Rule("customer_health.rules_settings", "POST", frozenset({"admin"})),
]
