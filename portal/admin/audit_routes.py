"""The audit log browser for admins and supervisors."""
from datetime import timedelta

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from portal.access.audit import visible_audit_entries
from portal.admin.audit_display import audited_record_types, describe_entries, translated
from portal.auth.permissions import guard_area
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.auth import User
from portal.web import paginate, render_page_or_fragment

bp = Blueprint("audit", __name__, url_prefix="/audit")
guard_area(bp, "audit")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user_id = SelectField(_l("操作人"), choices=[], validators=[Optional()])
    record_type = SelectField(_l("记录类型"), choices=[], validators=[Optional()])
    record_id = StringField(_l("记录编号"), validators=[Optional()])
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = db.session.scalars(select(User).order_by(User.display_name))
        self.user_id.choices = [("", _("全部"))] + [(str(u.id), u.display_name) for u in users]
        types = sorted(((name, translated(label)) for name, label in audited_record_types().items()),
                       key=lambda item: item[1])
        self.record_type.choices = [("", _("全部"))] + types


def filtered_entries(form: AuditFilterForm):
    query = visible_audit_entries(current_user).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if form.user_id.data and not form.user_id.errors:
        query = query.where(AuditEntry.user_id == int(form.user_id.data))
    if form.record_type.data and not form.record_type.errors:
        query = query.where(AuditEntry.record_type == form.record_type.data)
    if form.record_id.data:
        query = query.where(AuditEntry.record_id == form.record_id.data.strip())
    if form.date_from.data:
        query = query.where(AuditEntry.at >= form.date_from.data)
    if form.date_to.data:
        query = query.where(AuditEntry.at < form.date_to.data + timedelta(days=1))
    return query


@bp.get("/")
def index():
    """操作日志: entries filtered by person, record type, record and date, newest first, in words (managers)."""
    form = AuditFilterForm(request.args)
    form.validate()
    page = paginate(filtered_entries(form))
    return render_page_or_fragment("audit/index.html", "audit/_table.html", form=form, page=page,
                                   rows=describe_entries(page.items))
