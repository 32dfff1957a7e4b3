"""Customer file services: create, update, stage and owner changes, duplicates, pool, handover, merge.

Nothing here commits: views and CLI commands commit once. Other areas plug into handover and merge
through the `handover_movers` and `merge_movers` registries (see their docstrings).
"""
from collections.abc import Callable, Iterable
from functools import lru_cache
from datetime import timedelta

from pypinyin import Style, lazy_pinyin
from pypinyin.core import Pinyin
from sqlalchemy import delete, func, insert, or_, select, update

from portal import clock, events
from portal.audit import audit_note, loggable, request_actor
from portal.database import upsert
from portal.extensions import db
from portal.i18n import N_, to_simplified
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.models.customers import (
    STAGES,
    Contact,
    Customer,
    CustomerCodeSequence,
    CustomerSearch,
    CustomerSearchBigram,
    OwnerChange,
    StageChange,
    customer_collaborator,
)
from portal.rules.customer_codes import format_customer_code
from portal.rules.dedupe import normalize_company_name, normalize_credit_code, normalize_email, phone_digits

CONTACT_FIELDS = ("name", "position", "phone", "email", "decision_role", "is_primary")

# --- registries other areas append to -------------------------------------------------------------

HandoverMover = Callable[[User, dict[int, int], bool], dict[str, int]]
handover_movers: list[HandoverMover] = []
"""Each mover is called as mover(from_user, to_user_for_customer, dry_run) inside the handover
transaction, where to_user_for_customer maps customer id -> receiving user id. It moves (or, when
dry_run, only counts) the departing user's open records for those customers and returns counts by a
Chinese label marked with N_ (shown through gettext), e.g. {N_("待跟进"): 3}. It must not commit."""

MergeMover = Callable[[Customer, Customer, User], dict[str, int]]
merge_movers: list[MergeMover] = []
"""Each mover is called as mover(kept, merged, by) inside the merge transaction and re-points the
area's records from `merged` to `kept`; it returns counts by an N_-marked label (e.g. {N_("跟进记录"): 4}). No commit."""


# --- derived fields ---------------------------------------------------------------------------------

_pinyin_segmenter = Pinyin()


@lru_cache(maxsize=20_000)
def word_pinyin(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="default"))


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin (syllables joined, no tones) and initials of a name, lower-case.

    pypinyin segments the name into words and converts word by word; company names repeat the same
    words (城市, 科技, 有限公司), so words are converted once and cached (10k-row imports stay fast)."""
    syllables, initials = [], []
    for word in _pinyin_segmenter.seg(name):
        if word.isascii():
            # Latin letters and digits are their own "pinyin": keep them whole in both forms.
            text = "".join(word.split()).lower()
            syllables.append(text)
            initials.append(text)
            continue
        for part in word_pinyin(word):
            part = part.strip().lower()
            if part:
                syllables.append(part)
                initials.append(part[0] if part.isalpha() and part.isascii() else part)
    return "".join(syllables), "".join(initials)


def apply_derived_fields(customer: Customer) -> None:
    """Normalized name, pinyin and credit code form kept in step with the name (查重 and search)."""
    customer.name = (customer.name or "").strip()
    customer.name_normalized = normalize_company_name(customer.name)
    customer.name_pinyin, customer.name_initials = name_pinyin(customer.name)
    customer.credit_code = normalize_credit_code(customer.credit_code) if customer.credit_code else None


def apply_contact_fields(contact: Contact) -> None:
    contact.phone_digits = phone_digits(contact.phone or "")
    contact.email_normalized = normalize_email(contact.email or "")


def search_text(customer: Customer, contacts: Iterable[Contact] | None = None) -> str:
    """Every searchable string of a customer in one lower-case line (see CustomerSearch)."""
    people = customer.contacts if contacts is None else contacts
    parts = [customer.name, customer.name_normalized, customer.name_pinyin, customer.name_initials, customer.code,
             customer.credit_code or ""]
    for contact in people:
        parts += [contact.name, contact.phone_digits or phone_digits(contact.phone or "")]
    return search_line(parts)


def search_line(parts: Iterable[str]) -> str:
    """The search row's text: the non-empty parts joined, lower-cased and in simplified characters, so a
    keyword typed in either script finds the file (see search_terms)."""
    return to_simplified("|".join(part.lower() for part in parts if part))


def search_bigrams(text: str) -> set[str]:
    """Pairs of adjacent non-ASCII (Chinese) characters in a search text (see CustomerSearchBigram)."""
    return {text[i:i + 2] for i in range(len(text) - 1) if text[i] > "\x7f" and text[i + 1] > "\x7f"}


def bigram_rows(customer_id: int, text: str) -> list[dict]:
    """customer_search_bigram rows for one search text, for bulk inserts."""
    return [{"bigram": bigram, "customer_id": customer_id} for bigram in sorted(search_bigrams(text))]


def refresh_search(customer: Customer) -> None:
    """Rewrite the customer's search row and its bigrams (after create, edit, contact changes, merge)."""
    row = db.session.get(CustomerSearch, customer.id)
    text = search_text(customer)
    if row is None:
        db.session.add(CustomerSearch(customer_id=customer.id, text=text))
    elif row.text == text:
        return
    else:
        row.text = text
    db.session.execute(delete(CustomerSearchBigram).where(CustomerSearchBigram.customer_id == customer.id))
    rows = bigram_rows(customer.id, text)
    if rows:
        db.session.execute(insert(CustomerSearchBigram.__table__), rows)


def reserve_customer_codes(year: int, count: int) -> list[str]:
    """`count` consecutive codes KH+year+sequence; one atomic upsert, so concurrent creates and
    imports never share a number (the row lock / SQLite write lock serializes the bump)."""
    if count <= 0:
        return []
    table = CustomerCodeSequence.__table__
    statement = (
        upsert(table)
        .values(year=year, last_seq=count)
        .on_conflict_do_update(index_elements=[table.c.year], set_={"last_seq": table.c.last_seq + count})
        .returning(table.c.last_seq)
    )
    last = db.session.execute(statement).scalar_one()
    return [format_customer_code(year, seq) for seq in range(last - count + 1, last + 1)]


def next_customer_code(year: int) -> str:
    """The next customer code of the year."""
    return reserve_customer_codes(year, 1)[0]


# --- create, update, stage --------------------------------------------------------------------------

def set_contacts(customer: Customer, contacts: list[dict]) -> None:
    """Make the customer's contacts match the rows given (rows with an `id` update that contact)."""
    existing = {contact.id: contact for contact in customer.contacts if contact.id is not None}
    kept = []
    for row in contacts:
        if not (row.get("name") or "").strip():
            continue
        contact = existing.get(row.get("id")) if row.get("id") else None
        if contact is None:
            contact = Contact()
        for field in CONTACT_FIELDS:
            if field in row:
                value = row[field]
                setattr(contact, field, value.strip() if isinstance(value, str) else bool(value) if field == "is_primary" else value)
        apply_contact_fields(contact)
        kept.append(contact)
    if kept and not any(contact.is_primary for contact in kept):
        kept[0].is_primary = True
    customer.contacts = kept


def create_customer(data: dict, contacts: list[dict], by: User | None) -> Customer:
    """A new customer file with its contacts; code, derived fields, stage and owner history. No commit.

    `data` holds Customer column values. Without an `owner_id` key a sales user owns what they
    enter and anyone else's entries go to the public pool."""
    values = dict(data)
    if "owner_id" not in values:
        values["owner_id"] = by.id if by is not None and by.role == "sales" else None
    customer = Customer(**values)
    customer.entered_by_id = by.id if by is not None else None
    customer.code = next_customer_code((customer.created_at or clock.now()).year)  # the year the file was opened
    if customer.owner_id is None:
        customer.pool_since = clock.now()
    apply_derived_fields(customer)
    set_contacts(customer, contacts)
    db.session.add(customer)
    db.session.flush()
    db.session.add(StageChange(customer_id=customer.id, from_stage=None, to_stage=customer.stage or "潜在",
                               reason="新建客户档案", changed_by_id=by.id if by else None))
    if customer.owner_id is not None:
        db.session.add(OwnerChange(customer_id=customer.id, kind="分配", from_owner_id=None,
                                   to_owner_id=customer.owner_id, reason="新建客户档案",
                                   changed_by_id=by.id if by else None))
    refresh_search(customer)
    if customer.registered_on:
        # The revisits area decides who gets a first revisit (non-members; members by setting).
        events.customer_registered.send(customer)
    return customer


def update_customer(customer: Customer, data: dict, contacts: list[dict] | None, by: User | None,
                    stage_reason: str = "编辑客户档案") -> None:
    """Apply edited values (stage through change_stage, owner through assign_owner). No commit."""
    values = dict(data)
    to_stage = values.pop("stage", None)
    new_owner = values.pop("owner_id", customer.owner_id)
    registration_before = (customer.is_member, customer.registered_on)
    for field, value in values.items():
        setattr(customer, field, value)
    apply_derived_fields(customer)
    if contacts is not None:
        set_contacts(customer, contacts)
    if to_stage and to_stage != customer.stage:
        change_stage(customer, to_stage, stage_reason, by)
    if new_owner != customer.owner_id:
        assign_owner(customer, new_owner, "分配", stage_reason, by)
    db.session.flush()
    refresh_search(customer)
    if customer.registered_on and (customer.is_member, customer.registered_on) != registration_before:
        events.customer_registered.send(customer)


def set_collaborators(customer: Customer, user_ids: list[int]) -> None:
    """Replace the customer's collaborators (the owner is never their own collaborator); audited. No commit."""
    wanted = sorted({user_id for user_id in user_ids if user_id != customer.owner_id})
    before = sorted(customer.collaborators, key=lambda user: user.id)
    if wanted == [user.id for user in before]:
        return
    customer.collaborators = list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []
    after = sorted(customer.collaborators, key=lambda user: user.id)
    db.session.flush()
    names = ("、".join(user.display_name for user in users) or None for users in (before, after))
    write_audit_entry("Customer", customer.id, {"collaborators": tuple(names)}, "修改协作人")


def change_stage(customer: Customer, to_stage: str, reason: str, by: User | None) -> None:
    """Move the customer to another lifecycle stage and write the StageChange. No commit."""
    if to_stage not in STAGES:
        raise ValueError(f"unknown stage {to_stage!r}")
    if to_stage == customer.stage:
        return
    db.session.add(StageChange(customer_id=customer.id, from_stage=customer.stage, to_stage=to_stage,
                               reason=(reason or "")[:256], changed_by_id=by.id if by else None))
    customer.stage = to_stage


# --- ownership ----------------------------------------------------------------------------------------

class InactiveReceiver(ValueError):
    """A customer or open work was to go to a deactivated account (who cannot log in to work on it)."""


def refuse_inactive(user_ids) -> None:
    """Raise InactiveReceiver when any of these accounts is deactivated (or does not exist)."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return
    active = set(db.session.scalars(select(User.id).where(User.id.in_(wanted), User.is_active_user.is_(True))))
    if wanted - active:
        raise InactiveReceiver(sorted(wanted - active))


def assign_owner(customer: Customer, to_owner_id: int | None, kind: str, reason: str, by: User | None) -> None:
    """Give the customer a new owner (None = public pool) and record it in the ownership history.
    Never to a deactivated account (InactiveReceiver)."""
    if to_owner_id == customer.owner_id:
        return
    refuse_inactive([to_owner_id])
    db.session.add(OwnerChange(customer_id=customer.id, kind=kind, from_owner_id=customer.owner_id,
                               to_owner_id=to_owner_id, reason=(reason or "")[:256],
                               changed_by_id=by.id if by else None))
    customer.owner_id = to_owner_id
    customer.pool_since = clock.now() if to_owner_id is None else None


def claim_from_pool(customer_id: int, user: User) -> bool:
    """Take a pool customer: one conditional UPDATE, so when two reps click at once one owner wins."""
    result = db.session.execute(
        update(Customer)
        .where(Customer.id == customer_id, Customer.owner_id.is_(None), Customer.archived_at.is_(None))
        .values(owner_id=user.id, pool_since=None, version=Customer.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.add(OwnerChange(customer_id=customer_id, kind="领取", from_owner_id=None, to_owner_id=user.id,
                               reason="从公海领取", changed_by_id=user.id))
    write_audit_entry("Customer", customer_id, {"owner_id": [None, user.id]}, "从公海领取")
    customer = db.session.get(Customer, customer_id)
    if customer is not None:
        db.session.refresh(customer)
    return True


def release_to_pool(customer: Customer, reason: str, by: User) -> None:
    """Give a customer back to the public pool with a reason. No commit."""
    audit_note(f"释放到公海：{reason}")
    assign_owner(customer, None, "释放", reason, by)


def customers_due_for_pool_return(settings: dict) -> list[Customer]:
    """Sales-owned customers not followed up within their grade's pool_return_days (when enabled)."""
    if not settings.get("pool_return_enabled"):
        return []
    days_by_grade = settings.get("pool_return_days") or {}
    now = clock.now()
    conditions = []
    for grade, days in days_by_grade.items():
        cutoff = now - timedelta(days=int(days))
        last_touch = func.coalesce(Customer.last_contacted_at, Customer.created_at)
        conditions.append((Customer.grade == grade) & (last_touch < cutoff))
    if not conditions:
        return []
    sales_users = select(User.id).where(User.role == "sales")
    query = select(Customer).where(
        Customer.owner_id.in_(sales_users), Customer.archived_at.is_(None), or_(*conditions)
    ).order_by(Customer.id)
    return list(db.session.scalars(query))


def return_to_pool(settings: dict, by: User | None = None) -> list[Customer]:
    """The auto-return rule (DESIGN.md): move overdue sales customers to the pool. No commit."""
    customers = customers_due_for_pool_return(settings)
    if customers:
        audit_note("超期未跟进，自动回收公海")
    for customer in customers:
        days = (settings.get("pool_return_days") or {}).get(customer.grade)
        assign_owner(customer, None, "自动回收", f"超过{days}天未跟进，自动回收公海", by)
    return customers


# --- handover -----------------------------------------------------------------------------------------

def handover_assignment(customer_ids: list[int], receiver_ids: list[int]) -> dict[int, int]:
    """Customer id -> receiver id: everything to one receiver, or spread evenly (round robin by id)."""
    if not receiver_ids:
        return {}
    ordered = sorted(customer_ids)
    return {customer_id: receiver_ids[index % len(receiver_ids)] for index, customer_id in enumerate(ordered)}


def handover_split(from_user: User, receiver_ids: list[int]) -> list[tuple[int, list[Customer]]]:
    """Which customers go to which receiver, in receiver order (the preview shows it)."""
    customers = departing_customers(from_user)
    assignment = handover_assignment([customer.id for customer in customers], receiver_ids)
    return [(receiver_id, [c for c in customers if assignment[c.id] == receiver_id]) for receiver_id in receiver_ids]


def departing_customers(from_user: User) -> list[Customer]:
    """Customers a departing employee owns (archived included: they stay attached to someone)."""
    return list(db.session.scalars(select(Customer).where(Customer.owner_id == from_user.id).order_by(Customer.id)))


def handover(from_user: User, receiver_ids: list[int], by: User, dry_run: bool) -> dict[str, int]:
    """Preview (dry_run) or perform the handover of all of from_user's customers and open work.

    Customers move by the ORM so each one gets an audit entry; other areas' movers move their
    open records. Returns counts by Chinese label. No commit."""
    refuse_inactive(receiver_ids)
    customers = departing_customers(from_user)
    assignment = handover_assignment([customer.id for customer in customers], receiver_ids)
    counts: dict[str, int] = {N_("客户"): len(customers)}
    if not dry_run:
        audit_note(f"交接：{from_user.display_name} 离岗交接")
        for customer in customers:
            assign_owner(customer, assignment[customer.id], "交接", f"{from_user.display_name} 交接", by)
        db.session.execute(
            delete(customer_collaborator).where(customer_collaborator.c.user_id == from_user.id)
        )
    for mover in handover_movers:
        for label, number in mover(from_user, assignment, dry_run).items():
            counts[label] = counts.get(label, 0) + number
    if not dry_run:
        db.session.flush()
    return counts


# --- archive, restore, merge --------------------------------------------------------------------------

def archive_customer(customer: Customer, reason: str) -> None:
    """Archive instead of delete: the file leaves lists but stays searchable for managers. No commit."""
    audit_note(f"归档：{reason}" if reason else "归档", action="archive")
    customer.archived_at = clock.now()


def restore_customer(customer: Customer) -> None:
    """Bring an archived (not merged) file back into the lists. No commit."""
    audit_note("恢复", action="restore")
    customer.archived_at = None


def merge_customers(kept: Customer, merged: Customer, by: User) -> dict[str, int]:
    """Move contacts, history and other areas' records from `merged` to `kept`; archive `merged`
    with a pointer to the kept file. No commit."""
    if kept.id == merged.id:
        raise ValueError("cannot merge a customer into itself")
    counts = {N_("联系人"): len(merged.contacts)}
    audit_note(f"合并：{merged.code} 并入 {kept.code}")
    for contact in list(merged.contacts):
        contact.is_primary = contact.is_primary and not kept.contacts
        contact.customer = kept
    for model in (StageChange, OwnerChange):
        db.session.execute(update(model).where(model.customer_id == merged.id).values(customer_id=kept.id)
                           .execution_options(synchronize_session=False))
    collaborator_ids = {user.id for user in kept.collaborators}
    for user in merged.collaborators:
        if user.id not in collaborator_ids and user.id != kept.owner_id:
            kept.collaborators.append(user)
    for mover in merge_movers:
        for label, number in mover(kept, merged, by).items():
            counts[label] = counts.get(label, 0) + number
    merged.merged_into_id = kept.id
    merged.archived_at = clock.now()
    for field in ("credit_code",):
        if not getattr(kept, field) and getattr(merged, field):
            value = getattr(merged, field)
            merged.credit_code = None
            setattr(kept, field, value)
    db.session.flush()
    db.session.expire(kept, ["contacts"])
    refresh_search(kept)
    refresh_search(merged)
    return counts


# --- helpers --------------------------------------------------------------------------------------------

def write_audit_entry(record_type: str, record_id: int, changes: dict, note: str, action: str = "update") -> None:
    """An audit entry for a change made by a Core statement (the session hook only sees ORM changes)."""
    user_id, address = request_actor()
    db.session.add(AuditEntry(
        user_id=user_id, address=address[:64], action=action, record_type=record_type, record_id=str(record_id),
        changes={field: [loggable(field, before), loggable(field, after)] for field, (before, after) in changes.items()},
        note=note[:256],
    ))
