"""Every parameter of every list, filter, search and export (derived like `make security-scan` does) with a
number beyond the database's integer range: never a 500 (a 404 for an id that names nothing, an empty page)."""
import pytest

from scripts.scan_targets import scan_targets

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_out_of_range_numbers_never_give_a_500(app, login_as, make_user, make_department, new_customer, role):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, so a crash shows as a 500
    user = make_user(role, department=make_department("销售部"))
    customer = new_customer(user)
    client = login_as(user)
    errors = []
    for target in scan_targets(app, {"customer_id": customer.id}):
        for name in target.params:
            params = {**target.params, name: TOO_BIG}
            if target.method == "GET":
                response = client.get(target.path, query_string=params)
            else:
                response = client.post(target.path, data=params)
            if response.status_code >= 500:
                errors.append(f"{target.method} {target.path} {name}")
    assert errors == []


def test_a_page_beyond_the_last_is_an_empty_page(app, login_as, make_user):
    client = login_as(make_user("admin"))
    response = client.get("/customers/", query_string={"page": TOO_BIG})
    assert response.status_code == 200


def test_an_id_out_of_range_names_no_record(app, login_as, make_user):
    client = login_as(make_user("admin"))
    assert client.get("/tickets/", query_string={"assignee_id": TOO_BIG}).status_code == 404
