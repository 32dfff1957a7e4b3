"""Excel import (template, dry-run preview, bulk write) and export of customer files.

The import writes with SQLAlchemy Core bulk inserts (PERFORMANCE.md: ~45k rows/s) inside the request's
single transaction, so 10,000 rows take seconds and a failure part-way leaves nothing behind.
"""
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import insert, select

from portal import clock, events
from portal.audit import request_actor
from portal.auth.permissions import can_see_contact_details
from portal.customers import services
from portal.customers.queries import visible_ids
from portal.extensions import db
from portal.i18n import LANGUAGES, N_
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.models.customers import (
    DECISION_ROLES,
    GRADES,
    SOURCE_CHANNELS,
    STAGES,
    TIERS,
    Contact,
    Customer,
    CustomerSearch,
    CustomerSearchBigram,
    OwnerChange,
    StageChange,
)
from portal.rules.contact_format import is_valid_phone
from portal.rules.dedupe import (
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    phone_digits,
)
from portal.spreadsheets import safe_cell

EXPORT_LIMIT = 50_000
MAX_IMPORT_ROWS = 20_000

# (header, field) in template order; * marks required columns.
IMPORT_COLUMNS = (
    (N_("客户名称*"), "name"), (N_("统一社会信用代码"), "credit_code"), (N_("行业"), "industry"), (N_("员工规模"), "scale_employees"),
    (N_("营收规模"), "revenue_band"), (N_("地址"), "address"), (N_("主营业务"), "main_business"), (N_("官网"), "website"),
    (N_("来源渠道*"), "source_channel"), (N_("意向等级"), "grade"), (N_("客户分层"), "tier"), (N_("生命周期阶段"), "stage"),
    (N_("会员(是/否)"), "is_member"), (N_("注册日期"), "registered_on"), (N_("预算范围"), "budget_range"), (N_("决策人"), "decision_maker"),
    (N_("标签"), "tags"), (N_("负责人用户名"), "owner_username"), (N_("联系人姓名"), "contact_name"), (N_("联系人职位"), "contact_position"),
    (N_("联系人电话"), "contact_phone"), (N_("联系人邮箱"), "contact_email"), (N_("决策角色"), "contact_role"),
)
EXAMPLE_ROW = ("杭州示例科技有限公司", "91330100MA27XL1234", "软件和信息技术服务业", "100-499人", "2000万-1亿",
               "杭州市滨江区示例路1号", "企业软件", "https://www.example.cn", "展会登记", "B", "普通", "意向", "否", "",
               "20万-50万", "王伟", "展会", "", "王伟", "总经理", "13812345678", "wangwei@example.cn", "决策者")
CUSTOMER_TEXT_FIELDS = ("industry", "scale_employees", "revenue_band", "address", "main_business", "website",
                        "budget_range", "decision_maker", "tags")
EXPORT_COLUMNS = (N_("客户编号"), N_("客户名称"), N_("意向等级"), N_("客户分层"), N_("阶段"), N_("负责人"), N_("行业"),
                  N_("来源渠道"), N_("会员"), N_("最近联系"), N_("下次跟进"), N_("主要联系人"), N_("联系电话"), N_("邮箱"),
                  N_("状态"))
# The member column's answers as stored in a sheet: 是 / 否 (and their translations on import).
YES, NO = N_("是"), N_("否")
# Columns whose cells are the portal's own values: the template shows them in the user's language and the
# import takes them in any interface language, storing the 简体 value.
ENUM_COLUMNS = {"source_channel": SOURCE_CHANNELS, "tier": TIERS, "stage": STAGES, "is_member": (YES, NO),
                "contact_role": DECISION_ROLES}


def in_every_language(messages) -> dict[str, set[str]]:
    """Each msgid with its translation in every interface language (an import may come from any of them)."""
    texts = {message: {message} for message in messages}
    for locale in LANGUAGES:
        with force_locale(locale):
            for message in messages:
                texts[message].add(_(message))
    return texts


def enum_readings() -> dict[str, dict[str, str]]:
    """Per enum column: every accepted spelling → the stored value."""
    readings = in_every_language([value for values in ENUM_COLUMNS.values() for value in values])
    return {name: {text: value for value in values for text in readings[value]} for name, values in ENUM_COLUMNS.items()}


def listing(values) -> str:
    return _("、").join(_(value) for value in values)


def header_row(sheet, headers) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")


# --- export ---------------------------------------------------------------------------------------------

def export_workbook(customers: list[Customer], user: User) -> Workbook:
    """The list as the user sees it; phone and email masked where the role must not see them."""
    contacts = {}
    ids = [customer.id for customer in customers]
    for start in range(0, len(ids), 500):
        for contact in db.session.scalars(select(Contact).where(Contact.customer_id.in_(ids[start:start + 500]))
                                          .order_by(Contact.is_primary.desc(), Contact.id)):
            contacts.setdefault(contact.customer_id, contact)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("客户档案")
    header_row(sheet, [_(header) for header in EXPORT_COLUMNS])
    from portal.rules.contact_format import mask_email, mask_phone

    for customer in customers:
        contact = contacts.get(customer.id)
        show = can_see_contact_details(user, customer)
        phone = (contact.phone if show else mask_phone(contact.phone)) if contact else ""
        email = (contact.email if show else mask_email(contact.email)) if contact else ""
        sheet.append([safe_cell(value) for value in (
            customer.code, customer.name, customer.grade, _(customer.tier), _(customer.stage),
            customer.owner.display_name if customer.owner else _("公海"), customer.industry,
            _(customer.source_channel) if customer.source_channel else "",
            _("会员") if customer.is_member else _("非会员"),
            customer.last_contacted_at.strftime("%Y-%m-%d %H:%M") if customer.last_contacted_at else "",
            customer.next_due_on.isoformat() if customer.next_due_on else "",
            contact.name if contact else "", phone, email, _("已归档") if customer.archived_at else _("正常"),
        )])
    return workbook


# --- import: template and storage -------------------------------------------------------------------------

def template_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("客户导入")
    header_row(sheet, [_(header) for header, _field in IMPORT_COLUMNS])
    # The example row is sample data (it stays as written) except the portal's own values, shown as the
    # user will type them.
    sheet.append([_(value) if name in ENUM_COLUMNS and value else value
                  for (_header, name), value in zip(IMPORT_COLUMNS, EXAMPLE_ROW)])
    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列"), _("说明")])
    notes.append([_("客户名称*"), _("必填；同一文件内名称相同的多行视为同一客户的多个联系人")])
    notes.append([_("来源渠道*"), _("必填，可选：%(values)s", values=listing(SOURCE_CHANNELS))])
    notes.append([_("意向等级"), _("A / B / C，默认 C")])
    notes.append([_("客户分层"), _("%(values)s，默认 %(default)s", values=listing(TIERS), default=_("普通"))])
    notes.append([_("生命周期阶段"), _("%(values)s，默认 %(default)s", values=listing(STAGES), default=_("潜在"))])
    notes.append([_("会员(是/否)"), listing((YES, NO))])
    notes.append([_("决策角色"), listing(DECISION_ROLES)])
    notes.append([_("日期"), _("格式 YYYY-MM-DD")])
    notes.append([_("联系人电话"), _("11位手机号，或带区号的座机，如 0571-88886666")])
    notes.append([_("负责人用户名"), _("留空则进入公海")])
    return workbook


def upload_dir() -> Path:
    path = Path(current_app.config["FILE_STORE"]) / "imports" / str(current_user.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(token: str) -> Path | None:
    if not token or not token.isalnum() or len(token) > 64:
        return None
    return upload_dir() / f"{token}.xlsx"


def store_upload(file_storage) -> str:
    """Keep the upload for the preview → confirm round trip, under the uploader's own folder."""
    token = secrets.token_hex(16)
    file_storage.save(upload_path(token))
    return token


def upload_exists(token: str) -> bool:
    path = upload_path(token)
    return path is not None and path.exists()


# --- import: parsing and checking -------------------------------------------------------------------------

@dataclass
class ImportRow:
    number: int  # the spreadsheet row number (header is row 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    match_id: int | None = None  # an existing customer with the same normalized name or credit code
    duplicate_note: str = ""
    contact_only: bool = False  # a later row of a customer named earlier in the same file

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    token: str = ""
    on_match: str = "skip"
    unreadable: str = ""
    created: int = 0
    updated: int = 0
    skipped: int = 0

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def accepted(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.accepted if row.match_id is None and not row.contact_only)

    @property
    def matched_count(self) -> int:
        return sum(1 for row in self.accepted if row.match_id is not None and not row.contact_only)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> tuple[list[ImportRow], str]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (any unreadable upload is the same answer to the user)
        return [], _("无法读取该文件，请使用下载的模板（.xlsx）")
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(value) for value in next(rows, ())]
    expected = [name for name, _field in IMPORT_COLUMNS]
    if not header_matches(header[: len(expected)]):
        workbook.close()
        return [], _("表头与模板不一致，请下载模板后按模板填写")
    parsed = []
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(value) for value in values[: len(expected)]]
        if not any(texts):
            continue
        texts += [""] * (len(expected) - len(texts))
        parsed.append(ImportRow(number, {name: text for (_header, name), text in zip(IMPORT_COLUMNS, texts)}))
        if len(parsed) > MAX_IMPORT_ROWS:
            workbook.close()
            return [], _("一次最多导入 %(n)s 行，请拆分文件", n=MAX_IMPORT_ROWS)
    workbook.close()
    return parsed, ""


def header_matches(header: list[str]) -> bool:
    """The template's header row in 简体 (as it always was) or in any interface language; the * that marks
    a required column is optional."""
    if len(header) != len(IMPORT_COLUMNS):
        return False
    readings = in_every_language([name for name, _field in IMPORT_COLUMNS])
    return all(text.rstrip("*").strip() in {reading.rstrip("*") for reading in readings[name]}
               for text, (name, _field) in zip(header, IMPORT_COLUMNS))


def parsed_rows(token: str) -> tuple[list[ImportRow], str]:
    """The upload's rows, parsed once at preview and cached as JSON beside it for the confirm step."""
    path = upload_path(token)
    cache = path.with_suffix(".json")
    if cache.exists():
        return [ImportRow(number, values) for number, values in json.loads(cache.read_text("utf-8"))], ""
    rows, problem = read_rows(path)
    if not problem:
        cache.write_text(json.dumps([(row.number, row.values) for row in rows], ensure_ascii=False), "utf-8")
    return rows, problem


def parse_date(text: str):
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return "bad"


def check_row(row: ImportRow, owners: dict[str, int], readings_by_column: dict[str, dict[str, str]]) -> None:
    """Per-row validation with plain reasons in the user's language; normalizes values in place (an enum
    cell written in any interface language becomes the stored 简体 value)."""
    v = row.values
    for name, readings in readings_by_column.items():
        v[name] = readings.get(v[name], v[name])
    if not v["name"]:
        row.errors.append(_("客户名称不能为空"))
    elif len(v["name"]) > 128:
        row.errors.append(_("客户名称不能超过128个字符"))
    if row.contact_only:
        pass
    else:
        if v["source_channel"] not in SOURCE_CHANNELS:
            row.errors.append(_("来源渠道应为：%(values)s", values=listing(SOURCE_CHANNELS)))
        v["grade"] = (v["grade"] or "C").upper()
        if v["grade"] not in GRADES:
            row.errors.append(_("意向等级应为 A、B 或 C"))
        v["tier"] = v["tier"] or "普通"
        if v["tier"] not in TIERS:
            row.errors.append(_("客户分层应为：%(values)s", values=listing(TIERS)))
        v["stage"] = v["stage"] or "潜在"
        if v["stage"] not in STAGES:
            row.errors.append(_("生命周期阶段应为：%(values)s", values=listing(STAGES)))
        if v["credit_code"] and not is_valid_credit_code(v["credit_code"]):
            row.errors.append(_("统一社会信用代码应为18位，且校验位正确"))
        if v["is_member"] not in ("", YES, NO):
            row.errors.append(_("会员一栏应填“%(yes)s”或“%(no)s”", yes=_(YES), no=_(NO)))
        registered = parse_date(v["registered_on"])
        if registered == "bad":
            row.errors.append(_("注册日期格式应为 YYYY-MM-DD"))
        elif v["is_member"] == YES and registered is None:
            row.errors.append(_("会员请填写注册日期"))
        if v["owner_username"] and v["owner_username"] not in owners:
            row.errors.append(_("负责人用户名“%(username)s”不存在或不是销售", username=v["owner_username"]))
    if v["contact_phone"] and not is_valid_phone(v["contact_phone"]):
        row.errors.append(_("联系人电话应为11位手机号，或带区号的座机"))
    if v["contact_email"] and ("@" not in v["contact_email"] or " " in v["contact_email"]):
        row.errors.append(_("联系人邮箱格式不正确"))
    if v["contact_role"] and v["contact_role"] not in DECISION_ROLES:
        row.errors.append(_("决策角色应为：%(values)s", values=listing(DECISION_ROLES)))
    if (v["contact_phone"] or v["contact_email"]) and not v["contact_name"]:
        row.errors.append(_("填写了联系人电话或邮箱时，请填写联系人姓名"))


def existing_matches(names: set[str], codes: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    by_name, by_code = {}, {}
    name_list, code_list = sorted(names), sorted(codes)
    for start in range(0, max(len(name_list), 1), 900):
        chunk = name_list[start:start + 900]
        if chunk:
            for customer_id, normalized in db.session.execute(
                select(Customer.id, Customer.name_normalized)
                .where(Customer.name_normalized.in_(chunk), Customer.merged_into_id.is_(None))
            ):
                by_name.setdefault(normalized, customer_id)
    for start in range(0, max(len(code_list), 1), 900):
        chunk = code_list[start:start + 900]
        if chunk:
            for customer_id, code in db.session.execute(
                select(Customer.id, Customer.credit_code)
                .where(Customer.credit_code.in_(chunk), Customer.merged_into_id.is_(None))
            ):
                by_code.setdefault(code, customer_id)
    return by_name, by_code


def existing_contact_keys(digits: set[str], emails: set[str]) -> set[str]:
    found = set()
    for values, column in ((sorted(digits), Contact.phone_digits), (sorted(emails), Contact.email_normalized)):
        for start in range(0, len(values), 900):
            found |= set(db.session.scalars(select(column).where(column.in_(values[start:start + 900]))))
    return found


def preview_import(token: str, on_match: str, user: User) -> ImportPreview:
    """Dry run: read, validate, find duplicates; writes nothing."""
    preview = ImportPreview(token=token, on_match=on_match if on_match in ("skip", "update") else "skip")
    rows, problem = parsed_rows(token)
    if problem:
        preview.unreadable = problem
        return preview
    owners = {username: user_id for username, user_id in db.session.execute(
        select(User.username, User.id).where(User.role.in_(("sales", "supervisor")), User.is_active_user.is_(True)))}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    readings = enum_readings()
    for row in rows:
        row.values["name_normalized"] = normalize_company_name(row.values["name"]) if row.values["name"] else ""
        row.values["credit_code"] = normalize_credit_code(row.values["credit_code"]) if row.values["credit_code"] else ""
        key = row.values["name_normalized"]
        if key and key in seen_names:
            row.contact_only = True
        elif key:
            seen_names[key] = row.number
        check_row(row, owners, readings)
        code = row.values["credit_code"]
        if code and not row.contact_only:
            if code in seen_codes:
                row.errors.append(_("统一社会信用代码与第%(row)s行重复", row=seen_codes[code]))
            seen_codes.setdefault(code, row.number)
    by_name, by_code = existing_matches(set(seen_names), set(seen_codes))
    digits = {phone_digits(r.values["contact_phone"]) for r in rows if r.values["contact_phone"]}
    emails = {normalize_email(r.values["contact_email"]) for r in rows if r.values["contact_email"]}
    contact_keys = existing_contact_keys(digits, emails)
    matched_ids = set()
    for row in rows:
        if row.contact_only:
            continue
        row.match_id = by_name.get(row.values["name_normalized"]) or by_code.get(row.values["credit_code"])
        if row.match_id:
            matched_ids.add(row.match_id)
            row.duplicate_note = _("已存在同名或同信用代码的客户")
        elif (phone_digits(row.values["contact_phone"]) in contact_keys
              or normalize_email(row.values["contact_email"]) in contact_keys):
            row.duplicate_note = _("联系人电话或邮箱与已有客户相同，请核对")
    allowed = visible_ids(user, sorted(matched_ids))
    for row in rows:
        if row.match_id and row.match_id not in allowed and not row.contact_only:
            row.errors.append(_("与他人负责的客户重复（撞单），不能导入或更新"))
    preview.rows = rows
    return preview


# --- import: writing ---------------------------------------------------------------------------------------

def run_import(token: str, on_match: str, user: User) -> ImportPreview:
    """Write every accepted row in the current transaction (the caller commits once; any failure rolls
    everything back). New customers go in with Core bulk inserts; matched ones are skipped or updated."""
    preview = preview_import(token, on_match, user)
    if preview.unreadable:
        return preview
    accepted = preview.accepted
    owners = {username: user_id for username, user_id in db.session.execute(
        select(User.username, User.id).where(User.is_active_user.is_(True)))}
    new_rows = [row for row in accepted if row.match_id is None and not row.contact_only]
    now, actor = clock.now(), request_actor()
    codes = services.reserve_customer_codes(clock.today().year, len(new_rows))
    customer_values = []
    for row, code in zip(new_rows, codes):
        customer_values.append(new_customer_values(row, code, owners, user, now))
    ids_by_name: dict[str, int] = {}
    if customer_values:
        inserted = db.session.execute(
            insert(Customer.__table__).returning(Customer.__table__.c.id, sort_by_parameter_order=True),
            customer_values,
        ).scalars().all()
        for values, customer_id in zip(customer_values, inserted):
            values["id"] = customer_id
            ids_by_name[values["name_normalized"]] = customer_id
    updated = update_matched(accepted, on_match, user) if on_match == "update" else 0
    preview.skipped = 0 if on_match == "update" else sum(1 for r in accepted if r.match_id and not r.contact_only)
    contact_values = new_contacts(accepted, ids_by_name, now)
    if contact_values:
        db.session.execute(insert(Contact.__table__), contact_values)
    write_history(customer_values, contact_values, user, now, actor)
    preview.created, preview.updated = len(customer_values), updated
    registered = [v["id"] for v in customer_values if v["registered_on"]]
    for start in range(0, len(registered), 500):
        for customer in db.session.scalars(select(Customer).where(Customer.id.in_(registered[start:start + 500]))):
            events.customer_registered.send(customer)
    return preview


def new_customer_values(row: ImportRow, code: str, owners: dict, user: User, now: datetime) -> dict:
    v = row.values
    full, initials = services.name_pinyin(v["name"])
    owner_id = owners.get(v["owner_username"]) if v["owner_username"] else None
    values = {name: v[name] for name in CUSTOMER_TEXT_FIELDS}
    values.update(
        code=code, name=v["name"], name_normalized=v["name_normalized"], name_pinyin=full, name_initials=initials,
        credit_code=v["credit_code"] or None, source_channel=v["source_channel"], grade=v["grade"], tier=v["tier"],
        stage=v["stage"], is_member=v["is_member"] == YES, registered_on=parse_date(v["registered_on"]),
        owner_id=owner_id, entered_by_id=user.id, pool_since=None if owner_id else now,
        created_at=now, updated_at=now, version=1,
    )
    if values["website"] and not values["website"].startswith(("http://", "https://")):
        values["website"] = "https://" + values["website"]
    return values


def new_contacts(rows: list[ImportRow], ids_by_name: dict[str, int], now: datetime) -> list[dict]:
    contacts, has_primary = [], set()
    for row in rows:
        v = row.values
        customer_id = ids_by_name.get(v["name_normalized"])
        if customer_id is None or not v["contact_name"]:
            continue
        contacts.append({
            "customer_id": customer_id, "name": v["contact_name"], "position": v["contact_position"],
            "phone": v["contact_phone"], "phone_digits": phone_digits(v["contact_phone"]),
            "email": v["contact_email"], "email_normalized": normalize_email(v["contact_email"]),
            "decision_role": v["contact_role"], "is_primary": customer_id not in has_primary,
            "created_at": now, "updated_at": now,
        })
        has_primary.add(customer_id)
    return contacts


def write_history(customers: list[dict], contacts: list[dict], user: User, now: datetime, actor) -> None:
    """Search rows, first stage and owner, and one audit entry per created customer, all in bulk."""
    if not customers:
        return
    by_customer: dict[int, list[dict]] = {}
    for contact in contacts:
        by_customer.setdefault(contact["customer_id"], []).append(contact)
    search_rows = []
    for values in customers:
        people = by_customer.get(values["id"], [])
        parts = [values["name"], values["name_normalized"], values["name_pinyin"], values["name_initials"],
                 values["code"], values["credit_code"] or ""]
        for person in people:
            parts += [person["name"], person["phone_digits"]]
        search_rows.append({"customer_id": values["id"], "text": services.search_line(parts)})
    db.session.execute(insert(CustomerSearch.__table__), search_rows)
    bigrams = [bigram for row in search_rows for bigram in services.bigram_rows(row["customer_id"], row["text"])]
    if bigrams:
        db.session.execute(insert(CustomerSearchBigram.__table__), bigrams)
    db.session.execute(insert(StageChange.__table__), [
        {"customer_id": v["id"], "from_stage": None, "to_stage": v["stage"], "reason": "Excel导入",
         "changed_by_id": user.id, "changed_at": now} for v in customers])
    owned = [v for v in customers if v["owner_id"]]
    if owned:
        db.session.execute(insert(OwnerChange.__table__), [
            {"customer_id": v["id"], "kind": "分配", "from_owner_id": None, "to_owner_id": v["owner_id"],
             "reason": "Excel导入", "changed_by_id": user.id, "changed_at": now} for v in owned])
    user_id, address = actor
    db.session.execute(insert(AuditEntry.__table__), [
        {"at": now, "user_id": user_id, "address": address[:64], "action": "create", "record_type": "Customer",
         "record_id": str(v["id"]), "changes": {"code": [None, v["code"]], "name": [None, v["name"]],
                                                 "owner_id": [None, v["owner_id"]]},
         "note": "Excel导入"} for v in customers])


def update_matched(rows: list[ImportRow], on_match: str, user: User) -> int:
    """Update matched customers the user may see with the non-empty cells of their row (ORM, audited)."""
    matched = [row for row in rows if row.match_id and not row.contact_only]
    if on_match != "update" or not matched:
        return 0
    customers = {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_([r.match_id for r in matched])))}
    for row in matched:
        customer = customers[row.match_id]
        v = row.values
        data = {name: v[name] for name in CUSTOMER_TEXT_FIELDS if v[name]}
        for name in ("source_channel", "grade", "tier"):
            data[name] = v[name]
        if v["credit_code"]:
            data["credit_code"] = v["credit_code"]
        contacts = None
        if v["contact_name"] and not any(c.name == v["contact_name"] for c in customer.contacts):
            contacts = [{"id": c.id, "name": c.name} for c in customer.contacts] + [{
                "name": v["contact_name"], "position": v["contact_position"], "phone": v["contact_phone"],
                "email": v["contact_email"], "decision_role": v["contact_role"], "is_primary": not customer.contacts}]
        data["stage"] = v["stage"]
        services.update_customer(customer, data, contacts, user, stage_reason="Excel导入更新")
    return len(matched)


def rejected_workbook(preview: ImportPreview) -> Workbook:
    """The rejected rows as uploaded, with the row number and the reasons, ready to fix and re-upload."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("被拒绝的行")
    header_row(sheet, [_("原行号"), _("拒绝原因")] + [_(header) for header, _field in IMPORT_COLUMNS])
    for row in preview.rejected:
        raw = [row.values.get(name, "") for _header, name in IMPORT_COLUMNS]
        sheet.append([row.number, _("；").join(row.errors)] + [safe_cell(value) for value in raw])
    return workbook
