from tests.access import Rule

ADMIN = frozenset({"admin"})
MANAGERS = frozenset({"supervisor", "admin"})


def spare(world):
    return {"user_id": world.spare_user.id}


def department(world):
    return {"department_id": world.departments["sales"].id}


RULES = [
    Rule("admin.users", "GET", ADMIN),
    Rule("admin.user_create", "GET", ADMIN),
    Rule("admin.user_create", "POST", ADMIN),
    Rule("admin.user_edit", "GET", ADMIN, url_values=spare),
    Rule("admin.user_edit", "POST", ADMIN, url_values=spare),
    Rule("admin.user_reset_password", "POST", ADMIN, url_values=spare),
    Rule("admin.user_deactivate", "POST", ADMIN, url_values=spare),
    Rule("admin.user_activate", "POST", ADMIN, url_values=spare),
    Rule("admin.user_unlock", "POST", ADMIN, url_values=spare),
    Rule("admin.departments", "GET", ADMIN),
    Rule("admin.department_form", "GET", ADMIN),
    Rule("admin.department_form", "POST", ADMIN),
    Rule("admin.settings", "GET", ADMIN),
    Rule("admin.settings", "POST", ADMIN),
    Rule("audit.index", "GET", MANAGERS),
]
