from tests.sales.conftest import sales_world  # noqa: F401  (the same small selling world)
