"""Admin operations that change users and settings (no commits here; views commit once)."""
from copy import deepcopy
from decimal import Decimal

from portal.admin.forms import KPI_WEIGHT_FIELDS, SETTING_FIELDS, SettingsForm
from portal.auth import throttle
from portal.auth.passwords import hash_password
from portal.models.auth import User
from portal.settings_store import load_settings, save_setting


def settings_form_data() -> dict:
    """Current settings flattened to the settings form's fields."""
    settings = load_settings()
    data = {"pool_return_enabled": settings["pool_return_enabled"],
            "revisit_members_on_registration": settings["revisit_members_on_registration"],
            "tech_sees_order_amounts": settings["tech_sees_order_amounts"],
            "respond_in_working_hours": settings["respond_in_working_hours"],
            "work_start": settings["work_hours"]["start"], "work_end": settings["work_hours"]["end"]}
    for name, key, sub, _label, _max in SETTING_FIELDS:
        data[name] = read_path(settings[key], sub)
    for name, code, _label in KPI_WEIGHT_FIELDS:
        data[name] = Decimal(str(settings["kpi_weights"].get(code, 0)))
    return data


def read_path(value, sub: str | None):
    for part in sub.split(".") if sub else ():
        value = value[part]
    return value


def write_path(container: dict, sub: str, new_value) -> None:
    *parents, last = sub.split(".")
    for part in parents:
        container = container.setdefault(part, {})
    container[last] = new_value


def save_settings_form(form: SettingsForm) -> None:
    """Write every setting the form carries, one audited row per key."""
    updated = deepcopy(load_settings())
    updated["pool_return_enabled"] = form.pool_return_enabled.data
    updated["revisit_members_on_registration"] = form.revisit_members_on_registration.data
    updated["tech_sees_order_amounts"] = form.tech_sees_order_amounts.data
    updated["respond_in_working_hours"] = form.respond_in_working_hours.data
    updated["work_hours"] = {"start": form.work_start.data, "end": form.work_end.data}
    for name, key, sub, _label, _max in SETTING_FIELDS:
        if sub is None:
            updated[key] = form[name].data
        else:
            write_path(updated[key], sub, form[name].data)
    updated["kpi_weights"] = {code: float(form[name].data) for name, code, _label in KPI_WEIGHT_FIELDS}
    current = load_settings()
    changed = {key: value for key, value in updated.items() if value != current[key]}
    for key, value in changed.items():
        save_setting(key, value)


def apply_user_form(user: User, form) -> None:
    user.username = form.username.data.strip()
    user.display_name = form.display_name.data.strip()
    user.department_id = int(form.department_id.data) if form.department_id.data else None
    user.language = form.language.data or None
    if user.role != form.role.data:
        user.role = form.role.data


def reset_password(user: User, password: str) -> None:
    """Admin reset: new hash, old sessions refused, throttle cleared."""
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    throttle.clear_failures(user.username)


def set_active(user: User, active: bool) -> None:
    user.is_active_user = active
    user.rotate_session_token()
