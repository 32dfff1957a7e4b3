"""What `make security-scan` attacks, derived from the app itself so a new list is covered on its own.

Every GET rule of `app.url_map` is followed into its view and the portal functions it calls (through
their code objects); a view that builds a filter form (a FlaskForm with CSRF off, bound to the query
string) gets every field of that form as a parameter, plus whatever it reads with `request.args` /
`request.values`, plus `page`/`per_page` when it pages. Exports are simply the targets whose path
ends in .xlsx/.csv or whose endpoint is an export. A few POST endpoints that take search input with
CSRF off (the 查重 duplicate check) are listed by hand.

    from scripts.scan_targets import scan_targets, filter_forms
    with app.app_context(): targets = scan_targets(app, sample_ids={"customer_id": 12})
"""
from __future__ import annotations

import functools
import inspect
import re
import types
from dataclasses import dataclass, field
from urllib.parse import quote

from flask_wtf import FlaskForm
from wtforms import fields as wtf_fields
from wtforms.fields.core import UnboundField

REQUEST_ARG_RE = re.compile(r"request\.(?:args|values)\.get\(\s*[\"']([A-Za-z_][\w-]*)[\"']")
SAMPLE_TEXT = "科技"
SAMPLE_DATE = "2026-01-01"
# Query-string parameters shared by every paged list (portal.web.page_args).
PAGING = {"page": "1", "per_page": "20"}
# Not attack surface: sign-in redirects, static files, the health probe.
SKIPPED_ENDPOINTS = {"static", "auth.login", "auth.logout", "health.healthz"}
# Rendered documents (PDF) are attacked through the list and filter pages that share their parameters:
# rendering one per injected request would take the machine for hours.
SKIPPED_SUFFIXES = (".pdf",)
# Field names whose choices are built per request: a value the form accepts.
NAME_SAMPLES = {"year": "2026", "number": "4", "customer_query": SAMPLE_TEXT, "q": SAMPLE_TEXT}
# POST endpoints that read search input with CSRF off: fields → sample values.
EXTRA_POSTS = {
    "customers.duplicates_check": {"name": "杭州云帆科技", "credit_code": "91330100MA27XYU12L",
                                   "contacts-0-phone": "13812345678", "contacts-0-email": "a@b.cn"},
}


@dataclass
class Target:
    endpoint: str
    path: str
    method: str = "GET"
    params: dict[str, str] = field(default_factory=dict)
    forms: tuple[str, ...] = ()

    @property
    def is_export(self) -> bool:
        return self.path.endswith((".xlsx", ".csv")) or self.endpoint.endswith(".export")

    def query(self) -> str:
        return "&".join(f"{quote(name)}={quote(value)}" for name, value in self.params.items())

    def url(self, base: str) -> str:
        return base + self.path + (("?" + self.query()) if self.params and self.method == "GET" else "")


def all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *all_subclasses(sub)]
    return found


def is_filter_form(cls: type) -> bool:
    meta = getattr(cls, "Meta", None)
    return cls.__module__.startswith("portal.") and meta is not None and getattr(meta, "csrf", True) is False


@functools.cache
def subforms() -> frozenset[type]:
    """Forms nested in other forms (FormField, FieldList of FormField): CSRF off, but no filter of their own."""
    nested = set()
    for form in all_subclasses(FlaskForm):
        for unbound in form_fields(form).values():
            inner = unbound
            if issubclass(inner.field_class, wtf_fields.FieldList) and inner.args and isinstance(inner.args[0], UnboundField):
                inner = inner.args[0]
            if issubclass(inner.field_class, wtf_fields.FormField) and inner.args and isinstance(inner.args[0], type):
                nested.add(inner.args[0])
    return frozenset(nested)


def filter_forms() -> list[type]:
    """Every filter form of the portal (imported with the app's blueprints)."""
    nested = subforms()
    return sorted({c for c in all_subclasses(FlaskForm) if is_filter_form(c) and c not in nested},
                  key=lambda c: (c.__module__, c.__name__))


def form_fields(form_class: type) -> dict[str, UnboundField]:
    fields = {}
    for klass in reversed(form_class.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField):
                fields[name] = value
            elif name in fields and value is None:  # a subclass removed the field
                del fields[name]
    return fields


def sample_value(unbound: UnboundField) -> str:
    """A value the field accepts where that is knowable without a database; else a plausible one."""
    kind = unbound.field_class
    if issubclass(kind, wtf_fields.DateField | wtf_fields.DateTimeField):
        return SAMPLE_DATE
    if issubclass(kind, wtf_fields.IntegerField | wtf_fields.DecimalField):
        return "1"
    if issubclass(kind, wtf_fields.BooleanField):
        return "y"
    if issubclass(kind, wtf_fields.SelectFieldBase):
        choices = unbound.kwargs.get("choices") or (unbound.args[1] if len(unbound.args) > 1 else None)
        try:
            values = [str(c[0] if isinstance(c, tuple | list) else c) for c in (choices or [])]
        except TypeError:
            values = []
        return next((v for v in values if v), "1")
    return SAMPLE_TEXT


def form_params(form_class: type) -> dict[str, str]:
    return {name: NAME_SAMPLES.get(name) or sample_value(unbound) for name, unbound in form_fields(form_class).items()
            if not issubclass(unbound.field_class, wtf_fields.FormField | wtf_fields.FieldList | wtf_fields.HiddenField)}


def referenced(function, depth: int = 5, seen: set | None = None) -> tuple[set[type], set[str], bool]:
    """Filter forms, request-argument names and whether it pages, for a view and the portal functions it calls."""
    seen = seen if seen is not None else set()
    forms, args, pages = set(), set(), False
    if depth < 0 or function in seen or not inspect.isfunction(function):
        return forms, args, pages
    seen.add(function)
    try:
        args |= set(REQUEST_ARG_RE.findall(inspect.getsource(function)))
    except (OSError, TypeError):
        pass
    namespace = function.__globals__
    modules = [v for v in namespace.values() if isinstance(v, types.ModuleType) and v.__name__.startswith("portal")]
    for name in names_used(function.__code__):
        if name == "paginate":
            pages = True
        candidates = [namespace.get(name)] + [getattr(m, name, None) for m in modules]
        for obj in candidates:
            if isinstance(obj, type) and issubclass(obj, FlaskForm) and is_filter_form(obj) and obj not in subforms():
                forms.add(obj)
            elif inspect.isfunction(obj) and obj.__module__.startswith("portal"):
                more_forms, more_args, more_pages = referenced(obj, depth - 1, seen)
                forms |= more_forms
                args |= more_args
                pages = pages or more_pages
    return forms, args, pages


def names_used(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= names_used(const)
    return names


def path_for(rule, sample_ids: dict[str, object]) -> str | None:
    values = {}
    for argument in rule.arguments:
        if argument in sample_ids:
            values[argument] = sample_ids[argument]
        elif rule._converters[argument].__class__.__name__ == "IntegerConverter":
            values[argument] = 1
        else:
            return None  # a free-text path argument without a known sample (job ids, tokens): not a list
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a rule that cannot be built from samples is not scanned
        return None


def scan_targets(app, sample_ids: dict[str, object] | None = None) -> list[Target]:
    """Every GET list/filter/search/export endpoint with all its parameters, and the extra POST targets."""
    sample_ids = {**default_path_samples(), **(sample_ids or {})}
    targets = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if "GET" in (rule.methods or ()):
            forms, args, pages = referenced(view)
            if not forms and not args:
                continue
            path = path_for(rule, sample_ids)
            if path is None or path.endswith(SKIPPED_SUFFIXES):
                continue
            params = {}
            for form in sorted(forms, key=lambda c: c.__name__):
                params.update(form_params(form))
            params.update({name: NAME_SAMPLES.get(name, "1") for name in sorted(args) if name not in params})
            if pages:
                params.update(PAGING)
            targets.append(Target(rule.endpoint, path, "GET", params, tuple(sorted(c.__name__ for c in forms))))
        if rule.endpoint in EXTRA_POSTS and "POST" in (rule.methods or ()):
            path = path_for(rule, sample_ids)
            if path:
                targets.append(Target(rule.endpoint, path, "POST", dict(EXTRA_POSTS[rule.endpoint])))
    return targets


def default_path_samples() -> dict[str, object]:
    """Path arguments of list-like rules that are not ids: a KPI drill-down needs a real KPI."""
    samples: dict[str, object] = {"part": "numerator"}
    try:
        from portal.reports.kpis import KPIS

        samples["code"] = next(code for code, spec in KPIS.items() if spec.available)
    except (ImportError, StopIteration):
        pass
    return samples
