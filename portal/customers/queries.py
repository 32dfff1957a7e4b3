"""Read queries of the customers area: the filtered list, search, duplicates, detail helpers and the
timeline sources for stage and owner changes. Everything starts from portal.access.customers."""
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal import clock
from portal.access.customers import customer_row_in_scope, visible_customers
from portal.auth.permissions import is_manager
from portal.database import on_sqlite
from portal.extensions import db
from portal.i18n import N_, to_simplified
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.models.customer_health import CustomerHealth
from portal.models.customers import (
    SYSTEM_REASONS,
    Contact,
    Customer,
    CustomerSearch,
    CustomerSearchBigram,
    OwnerChange,
    StageChange,
)
from portal.rules.customer_codes import KEY_FIELDS, completeness
from portal.rules.dedupe import (
    mask_company_name,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    phone_digits,
)
from portal.settings_store import get_setting
from portal.timeline import TimelineEvent, register_timeline_source

PHONE_SEPARATORS = re.compile(r"[\s\-()+]")

SORT_COLUMNS = {
    "code": Customer.code,
    "name": Customer.name,
    "grade": Customer.grade,
    "tier": Customer.tier,
    "stage": Customer.stage,
    "owner": Customer.owner_id,
    "last_contacted": Customer.last_contacted_at,
    "next_due": Customer.next_due_on,
    "health": CustomerHealth.score,
}

KEY_FIELD_LABELS = {
    "name": N_("客户名称"), "credit_code": N_("统一社会信用代码"), "industry": N_("行业"), "scale": N_("规模"),
    "address": N_("地址"),
    "main_business": N_("主营业务"), "source_channel": N_("来源渠道"), "owner_id": N_("负责人"), "grade": N_("意向等级"),
    "tier": N_("客户分层"), "stage": N_("生命周期阶段"), "contact_phone": N_("联系人电话"), "pain_points": N_("痛点"),
    "decision_maker": N_("决策人"),
}


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_terms(q: str) -> list[str]:
    """Lower-case terms that must all match; a phone typed with separators is one digit string."""
    text = to_simplified(q.strip().lower())
    compact = PHONE_SEPARATORS.sub("", text)
    if compact.isdigit():
        return [compact]
    return [term for term in text.split() if term][:5]


SEARCH_PROBE_ROWS = 1000


GLOB_SPECIALS = set("*?[]")


def sqlite_contains(term: str):
    """Substring test on the lower-case search text. GLOB compares bytes without case folding and is the
    fastest scan for an ASCII term (pinyin, initials, digits: 15 ms instead of 27 ms over 100k rows);
    instr() is faster for Chinese (25 ms instead of 36 ms) and needs no escaping."""
    if term.isascii() and not GLOB_SPECIALS.intersection(term):
        return CustomerSearch.text.op("GLOB")(f"*{term}*")
    return func.instr(CustomerSearch.text, term) > 0


@dataclass(frozen=True)
class Search:
    """A keyword search's condition on the list; `few`: it is a short list of ids (see search_condition)."""
    condition: object
    few: bool


def search_condition(q: str) -> Search | None:
    """customer.id among the search rows whose text contains every term.

    The narrow customer_search table is searched (1–2 character Chinese keywords are the common case and
    no trigram index answers them); on SQLite see sqlite_contains(). One probe query reads at most
    SEARCH_PROBE_ROWS + 1 matching ids, in table order, so it stops early for a common term (科: ~4,500
    rows read, 1 ms):

    - a rare term (≤ 1,000 matches, one scan of the narrow table) becomes `customer.id IN (those ids)`:
      the list fetches them by primary key and sorts only them, the capped count is as cheap;
    - a common term becomes a correlated EXISTS, so the list walks its sort index and probes
      customer_search by primary key until it has a page plus one row (0.5 ms for 科 instead of a
      full scan and a sort of 22,000 rows), and the capped count stops after 1,001 matches.

    A keyword with two adjacent Chinese characters (华信, 恒通科技) is only in the search rows of the
    customers holding that pair (CustomerSearchBigram): the probe reads those from the bigram table's
    primary key and tests only their rows, instead of scanning all 100,000 (华信, 29 customers: a ~30 ms
    scan → 0.1 ms; 科技 stops after 1,001 of 20,000 pairs: 1.4 ms)."""
    terms = search_terms(q)
    if not terms:
        return None
    if on_sqlite():
        conditions = [sqlite_contains(term) for term in terms]
    else:
        conditions = [CustomerSearch.text.like(f"%{escape_like(term)}%", escape="\\") for term in terms]
    probe = select(CustomerSearch.customer_id).where(*conditions).limit(SEARCH_PROBE_ROWS + 1)
    bigram = first_bigram(terms)
    if bigram:
        probe = probe.join(CustomerSearchBigram, CustomerSearchBigram.customer_id == CustomerSearch.customer_id).where(
            CustomerSearchBigram.bigram == bigram)
    ids = list(db.session.scalars(probe))
    if len(ids) <= SEARCH_PROBE_ROWS:
        return Search(Customer.id.in_(ids), few=True)
    return Search(select(CustomerSearch.customer_id).where(CustomerSearch.customer_id == Customer.id, *conditions)
                  .exists(), few=False)


def first_bigram(terms: list[str]) -> str | None:
    """The first pair of adjacent non-ASCII characters in the terms (every matching row holds it)."""
    for term in terms:
        for first, second in zip(term, term[1:]):
            if first > "\x7f" and second > "\x7f":
                return first + second
    return None


def not_archived():
    """archived_at IS NULL holds for nearly every row: on SQLite it is wrapped in likely() so the planner
    never drives the list from ix_customer_archived_at (which forces a sort of the whole table) and
    walks the sort column's index instead (PERFORMANCE.md: 0.3 ms instead of 130 ms at 100k)."""
    condition = Customer.archived_at.is_(None)
    return func.likely(condition) if on_sqlite() else condition


def archived_choice(user: User, filters: dict) -> str:
    """Archived files leave lists but stay searchable for managers: by default a manager's keyword search
    includes them (marked 已归档); the 归档 filter can say otherwise. Others never see them listed."""
    if not is_manager(user):
        return "without"
    choice = filters.get("archived") or ""
    if choice in ("with", "without", "only"):
        return choice
    return "with" if filters.get("q") else "without"


def filtered_customers(user: User, filters: dict) -> Select:
    """The list query: scoped, filtered, sorted (allow-listed), with the owner joined (no per-row queries)."""
    search = search_condition(filters["q"]) if filters.get("q") else None
    query = scoped_list(user, search).options(joinedload(Customer.owner))
    archived = archived_choice(user, filters)
    if archived == "only":
        query = query.where(Customer.archived_at.is_not(None))
    elif archived == "without":
        query = query.where(not_archived())
    for name, column in (("grade", Customer.grade), ("tier", Customer.tier), ("stage", Customer.stage),
                         ("industry", Customer.industry), ("source", Customer.source_channel)):
        if filters.get(name):
            query = query.where(column == filters[name])
    owner = filters.get("owner")
    if owner == "me":
        query = query.where(Customer.owner_id == user.id)
    elif owner == "pool":
        query = query.where(Customer.owner_id.is_(None))
    elif owner and owner.isdigit():
        query = query.where(Customer.owner_id == int(owner))
    if filters.get("member") == "yes":
        query = query.where(Customer.is_member.is_(True))
    elif filters.get("member") == "no":
        query = query.where(Customer.is_member.is_(False))
    if filters.get("due") == "overdue":
        query = query.where(Customer.next_due_on < clock.today())
    elif filters.get("due") == "dormant":
        query = query.where(Customer.stage == "沉睡")
    query = with_health(query, filters)
    return query.order_by(*sort_order(filters.get("sort", "-last_contacted")))


def scoped_list(user: User, search: Search | None) -> Select:
    """The user's customers, narrowed to the search's matches. A few matches are fetched by primary key and
    the scope is tested on those rows alone: as the id list a walked list uses, a rep's scope cost 20 ms
    to build for the 5 matches of 恒通科技."""
    if search is None:
        return visible_customers(user, for_sorted_list=True)
    if search.few:
        scope = customer_row_in_scope(user)
        query = select(Customer) if scope is None else select(Customer).where(scope)
        return query.where(search.condition)
    return visible_customers(user, for_sorted_list=True).where(search.condition)


def with_health(query: Select, filters: dict) -> Select:
    """The health score and level (customer health's 1:1 row): joined when the list filters or sorts by
    them (ix_customer_health_level_score), otherwise loaded for the page's rows in one extra query."""
    if filters.get("health") or filters.get("sort", "").lstrip("-") == "health":
        query = query.join(CustomerHealth, CustomerHealth.customer_id == Customer.id).options(
            contains_eager(Customer.health))
        if filters.get("health"):
            # Sorted by score, the level index answers both; sorted otherwise, `level || ''` keeps the
            # database from fetching and sorting every customer of that level (a third of them): it
            # walks the list's sort index and tests each row's level until it has a page.
            by_score = filters.get("sort", "").lstrip("-") == "health"
            level = CustomerHealth.level if by_score else CustomerHealth.level.concat("")
            query = query.where(level == filters["health"])
        return query
    return query.options(selectinload(Customer.health))


def sort_order(sort: str) -> list:
    key = sort.lstrip("-")
    if key == "health":
        # Walks ix_customer_health_score (score, customer_id) from either end; no NULLS LAST, which
        # would stop SQLite from using the index (a customer without any applicable factor has no score).
        # PostgreSQL puts NULLs first in descending order: NULLS LAST there (ix_customer_health_best_first).
        descending = sort.startswith("-")
        score = CustomerHealth.score.desc() if descending else CustomerHealth.score.asc()
        if descending and not on_sqlite():
            score = score.nulls_last()
        return [score, CustomerHealth.customer_id.desc() if descending else CustomerHealth.customer_id.asc()]
    column = SORT_COLUMNS.get(key, Customer.last_contacted_at)
    ordered = column.desc().nulls_last() if sort.startswith("-") else column.asc().nulls_last()
    return [ordered, Customer.id.desc() if sort.startswith("-") else Customer.id.asc()]


def owner_choices(user: User) -> list:
    """Owners a user may filter or assign by: sales people (and managers) in the user's reach, as
    (id, display_name) rows — the dropdowns need nothing else, and loading ~120 full User objects cost
    4 ms on every list view."""
    if user.role == "sales":
        return []
    query = select(User.id, User.display_name).where(User.role.in_(("sales", "supervisor")),
                                                      User.is_active_user.is_(True))
    if user.role == "supervisor" and user.department_id is not None:
        query = query.where(User.department_id == user.department_id)
    return list(db.session.execute(query.order_by(User.display_name, User.id)))


INDUSTRY_CACHE_SECONDS = 60


def industry_choices(user: User) -> list[str]:
    """Industries of the filter dropdown: those of all customers, cached per process for a minute.

    A short, non-sensitive label list: computing it over the user's visible set cost a rep 15 ms per
    list view; over all customers SQLite answers from ix_customer_industry in well under 1 ms, and
    the cache spares PostgreSQL its scan. A brand-new industry shows up within a minute."""
    cache = current_app.extensions.setdefault("customer_industries", {})
    now = time.monotonic()
    if cache.get("until", 0.0) > now:
        return cache["values"]
    query = (select(Customer.industry).where(Customer.industry != "").distinct()
             .order_by(Customer.industry).limit(200))
    values = list(db.session.scalars(query))
    cache.update(values=values, until=now + INDUSTRY_CACHE_SECONDS)
    return values


# --- duplicates ---------------------------------------------------------------------------------------

@dataclass
class Duplicate:
    customer: Customer
    reasons: list[str] = field(default_factory=list)


def find_duplicates(name: str = "", credit_code: str = "", phones=(), emails=(), exclude_id: int | None = None,
                    limit: int = 10) -> list[Duplicate]:
    """Likely duplicates across ALL customers (查重 must see other reps' files): by normalized name,
    credit code, phone digits or email. Merged files are skipped. Two queries."""
    normalized = normalize_company_name(name) if name else ""
    code = normalize_credit_code(credit_code) if credit_code else ""
    digits = sorted({d for d in (phone_digits(p) for p in phones if p) if len(d) >= 7})
    addresses = sorted({normalize_email(e) for e in emails if e and "@" in e})
    conditions = []
    if normalized:
        conditions.append(Customer.name_normalized == normalized)
    if code:
        conditions.append(Customer.credit_code == code)
    contact_match = []
    if digits:
        contact_match.append(Contact.phone_digits.in_(digits))
    if addresses:
        contact_match.append(Contact.email_normalized.in_(addresses))
    if contact_match:
        conditions.append(Customer.id.in_(select(Contact.customer_id).where(or_(*contact_match))))
    if not conditions:
        return []
    query = (
        select(Customer)
        .where(or_(*conditions), Customer.merged_into_id.is_(None))
        .options(joinedload(Customer.owner), selectinload(Customer.contacts))
        .order_by(Customer.id)
        .limit(limit)
    )
    if exclude_id:
        query = query.where(Customer.id != exclude_id)
    found = []
    for customer in db.session.scalars(query).unique():
        reasons = []
        if normalized and customer.name_normalized == normalized:
            reasons.append(_("名称相同"))
        if code and customer.credit_code == code:
            reasons.append(_("统一社会信用代码相同"))
        if digits and any(c.phone_digits in digits for c in customer.contacts):
            reasons.append(_("联系电话相同"))
        if addresses and any(c.email_normalized in addresses for c in customer.contacts):
            reasons.append(_("邮箱相同"))
        found.append(Duplicate(customer, reasons))
    return found


@dataclass(frozen=True)
class DuplicateRow:
    """One line of the 查重 panel. A file outside the user's scope shows only its owner and a masked
    name: no code, no link, no dates, so typing a phone or a credit code reveals no company."""
    name: str
    owner_name: str | None
    reasons: tuple[str, ...]
    customer_id: int | None = None
    code: str = ""
    last_contacted_at: object = None
    archived: bool = False


def duplicate_rows(duplicates: list[Duplicate], visible: set[int]) -> list[DuplicateRow]:
    """The panel's rows: files in `visible` in full, the others masked."""
    rows = []
    for duplicate in duplicates:
        customer = duplicate.customer
        owner_name = customer.owner.display_name if customer.owner else None
        if customer.id in visible:
            rows.append(DuplicateRow(customer.name, owner_name, tuple(duplicate.reasons), customer.id, customer.code,
                                     customer.last_contacted_at, customer.archived_at is not None))
        else:
            rows.append(DuplicateRow(mask_company_name(customer.name), owner_name, tuple(duplicate.reasons)))
    return rows


def clashing_owner(user: User, duplicates: list[Duplicate]) -> User | None:
    """撞单: the other rep who owns a duplicate (not the user, not the pool, not one they collaborate on)."""
    for duplicate in duplicates:
        customer = duplicate.customer
        if customer.owner_id is not None and customer.owner_id != user.id and customer.archived_at is None:
            if user not in customer.collaborators:
                return customer.owner
    return None


# --- detail ---------------------------------------------------------------------------------------------

def completeness_of(customer: Customer):
    """(percent as int, missing key field labels) for DESIGN.md's key fields."""
    primary = customer.primary_contact
    values = {name: getattr(customer, name, None) for name in KEY_FIELDS}
    values["scale"] = customer.scale_employees or customer.revenue_band
    values["contact_phone"] = primary.phone if primary else ""
    share, missing = completeness(values, KEY_FIELDS)
    return int(round(share * 100)), [_(KEY_FIELD_LABELS[name]) if name in KEY_FIELD_LABELS else name for name in missing]


def customer_audit_history(customer: Customer, limit: int = 30) -> list[AuditEntry]:
    """The file's own audit entries, newest first, with the acting user loaded."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.record_type == "Customer", AuditEntry.record_id == str(customer.id))
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


USER_ID_FIELDS = ("owner_id", "entered_by_id")


def user_names_in(entries: list[AuditEntry]) -> dict[int, str]:
    """Display names of the users that audit entries' owner fields point to (one query)."""
    ids = {value for entry in entries for name in USER_ID_FIELDS for value in (entry.changes or {}).get(name, [])
           if isinstance(value, int)}
    if not ids:
        return {}
    return {user_id: name for user_id, name in db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))}


def due_next(customer: Customer) -> dict:
    """What is due next: the follow-up due date and whether it is overdue, today or later."""
    today = clock.today()
    due = customer.next_due_on
    if due is None:
        return {"on": None, "state": "none"}
    return {"on": due, "state": "overdue" if due < today else ("today" if due == today else "later"),
            "days": (today - due).days}


def pool_warning_on(customer: Customer):
    """When an owned customer would return to the pool, if the rule is on."""
    if customer.owner_id is None or not get_setting("pool_return_enabled"):
        return None
    days = (get_setting("pool_return_days") or {}).get(customer.grade)
    last = customer.last_contacted_at or customer.created_at
    return (last + timedelta(days=int(days))).date() if days and last else None


def load_for_detail(user: User, customer_id: int) -> Customer | None:
    query = visible_customers(user).where(Customer.id == customer_id).options(
        joinedload(Customer.owner), joinedload(Customer.entered_by), selectinload(Customer.contacts),
        selectinload(Customer.collaborators),
    )
    return db.session.scalar(query)


def visible_ids(user: User, ids: list[int]) -> set[int]:
    """Which of these customer ids the user may see (posted ids are never trusted)."""
    if not ids:
        return set()
    query = visible_customers(user).with_only_columns(Customer.id).where(Customer.id.in_(ids))
    return set(db.session.scalars(query))


# --- timeline sources -------------------------------------------------------------------------------------

def shown_reason(reason: str) -> str:
    """A history reason in the reader's language when the portal wrote it, else as typed."""
    return _(reason) if reason in SYSTEM_REASONS else reason


@register_timeline_source
def stage_change_events(customer: Customer, limit: int) -> list[TimelineEvent]:
    query = (
        select(StageChange).where(StageChange.customer_id == customer.id)
        .options(joinedload(StageChange.changed_by))
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc()).limit(limit)
    )
    return [
        TimelineEvent(
            at=change.changed_at, kind=_("阶段变更"),
            title=(f"{_(change.from_stage)} → {_(change.to_stage)}" if change.from_stage
                   else _("建档：%(stage)s", stage=_(change.to_stage))),
            detail=shown_reason(change.reason), actor=change.changed_by.display_name if change.changed_by else _("系统"),
        )
        for change in db.session.scalars(query)
    ]


@register_timeline_source
def owner_change_events(customer: Customer, limit: int) -> list[TimelineEvent]:
    query = (
        select(OwnerChange).where(OwnerChange.customer_id == customer.id)
        .options(joinedload(OwnerChange.from_owner), joinedload(OwnerChange.to_owner),
                 joinedload(OwnerChange.changed_by))
        .order_by(OwnerChange.changed_at.desc(), OwnerChange.id.desc()).limit(limit)
    )
    events = []
    for change in db.session.scalars(query):
        before = change.from_owner.display_name if change.from_owner else _("公海")
        after = change.to_owner.display_name if change.to_owner else _("公海")
        events.append(TimelineEvent(
            at=change.changed_at, kind=_("负责人变更"), detail=shown_reason(change.reason),
            title=_("%(kind)s：%(before)s → %(after)s", kind=_(change.kind), before=before, after=after),
            actor=change.changed_by.display_name if change.changed_by else _("系统"),
        ))
    return events

