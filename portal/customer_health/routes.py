"""客户健康度 pages: the customer page's health section, care actions, churn warnings and the
supervisor's at-risk list."""
from flask import Blueprint

from portal.customer_health import receivers  # noqa: F401  (rescoring on events)

bp = Blueprint("customer_health", __name__, url_prefix="/health")
