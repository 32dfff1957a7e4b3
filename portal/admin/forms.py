"""Admin forms: users, departments and the tunable rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.auth.passwords import password_problem
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models.auth import ROLE_LABELS, Department, User
from portal.rules.funnel import OPEN_STAGES
from portal.rules.kpi import KPI_DEFINITIONS
from portal.rules.sla import SEVERITIES


def department_choices() -> list[tuple[str, str]]:
    departments = db.session.scalars(select(Department).order_by(Department.id))
    return [("", _l("（无部门）"))] + [(str(d.id), d.name) for d in departments]


class UserForm(FlaskForm):
    version = HiddenField()
    username = StringField(
        _l("用户名"),
        validators=[
            DataRequired(_l("请填写用户名")),
            Length(max=64, message=_l("用户名不能超过64个字符")),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、下划线、点和横线")),
        ],
    )
    display_name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    role = SelectField(_l("角色"), choices=[(code, _l(label)) for code, label in ROLE_LABELS.items()])
    department_id = SelectField(_l("部门"), choices=[], validators=[Optional()])
    # Language names read as themselves in every interface language; "" stores None (follow the browser).
    language = SelectField(_l("界面语言"), choices=[("", _l("跟随浏览器")), *LANGUAGES.items()],
                           validators=[Optional()])

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.department_id.choices = department_choices()

    def validate_username(self, field):
        query = select(User.id).where(func.lower(User.username) == field.data.strip().lower())
        if self.editing is not None:
            query = query.where(User.id != self.editing.id)
        if db.session.scalar(query):
            raise ValidationError(_l("该用户名已被使用"))


class NewUserForm(UserForm):
    password = PasswordField(_l("初始密码"), validators=[DataRequired(_l("请填写初始密码"))])

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请填写新密码"))])

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class DepartmentForm(FlaskForm):
    name = StringField(_l("部门名称"), validators=[DataRequired(_l("请填写部门名称")), Length(max=64)])
    head_id = SelectField(_l("部门负责人"), choices=[], validators=[Optional()])

    def __init__(self, *args, editing: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        users = db.session.scalars(select(User).where(User.is_active_user).order_by(User.display_name))
        self.head_id.choices = [("", _l("（未指定）"))] + [(str(u.id), f"{u.display_name}（{u.username}）") for u in users]

    def validate_name(self, field):
        query = select(Department.id).where(Department.name == field.data.strip())
        if self.editing is not None:
            query = query.where(Department.id != self.editing.id)
        if db.session.scalar(query):
            raise ValidationError(_l("已有同名部门"))


def positive_int(label: str, maximum: int = 3650, description: str = "") -> IntegerField:
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(_l("请填写%(label)s", label=label)),
            NumberRange(min=0, max=maximum, message=_l("%(label)s应在0到%(maximum)s之间", label=label, maximum=maximum)),
        ],
    )


# One row per tunable value: (form field name, setting key, sub-key or None, label, maximum).
SETTING_FIELDS: list[tuple[str, str, str | None, str, int]] = [
    *[(f"cadence_{g}", "cadence_days", g, _l("%(g)s级客户跟进周期（自然日）", g=g), 365) for g in ("A", "B", "C")],
    ("dormant_days", "dormant_days", None, _l("无互动转为沉睡（天）"), 3650),
    *[(f"pool_days_{g}", "pool_return_days", g, _l("%(g)s级客户未跟进退回公海（天）", g=g), 3650) for g in ("A", "B", "C")],
    ("pool_warning_workdays", "pool_warning_workdays", None, _l("退回公海前提前提醒（工作日）"), 60),
    ("supervisor_overdue_workdays", "supervisor_overdue_workdays", None, _l("逾期多少工作日后主管可见"), 60),
    ("late_record_minutes", "late_record_minutes", None, _l("跟进记录补录时限（分钟）"), 1440),
    ("followup_edit_hours", "followup_edit_hours", None, _l("跟进记录作者可修改时限（小时）"), 720),
    *[
        (f"sla_{i}_{part}", "sla", f"{severity}.{part}", _l("%(severity)s：%(label)s", severity=_l(severity), label=label), 720)
        for i, severity in enumerate(SEVERITIES)
        for part, label in (("respond_hours", _l("响应时限（小时）")), ("resolve_workdays", _l("解决时限（工作日）")))
    ],
    ("dispatch_confirm_hours", "dispatch_confirm_hours", None, _l("派工确认时限（小时）"), 720),
    ("revisit_registration", "revisit_windows", "registration", _l("新注册首次回访（工作日内）"), 60),
    ("revisit_deal", "revisit_windows", "deal", _l("成交后售后回访（工作日内）"), 60),
    ("revisit_event", "revisit_windows", "event", _l("事件触发回访（工作日内）"), 60),
    ("revisit_inactive_months", "revisit_windows", "inactive_months", _l("不活跃客户回访周期（月）"), 24),
    ("attribution_window_days", "attribution_window_days", None, _l("市场活动效果归因窗口（天）"), 730),
    ("review_snapshot_minutes", "review_snapshot_minutes", None, _l("考核页面数据最长沿用（分钟）"), 1440),
    ("session_idle_minutes", "session_idle_minutes", None, _l("空闲自动退出（分钟）"), 1440),
    ("session_lifetime_hours", "session_lifetime_hours", None, _l("登录最长有效期（小时）"), 168),
    ("remember_days", "remember_days", None, _l("“在此电脑上保持登录”有效期（天，0 为关闭）"), 90),
    # 赢单 and 输单 are 100 % and 0 % by definition; the open stages weigh the funnel's expected amount.
    *[(f"probability_{i}", "opportunity_probabilities", stage, _l("商机赢率：%(stage)s（百分比）", stage=_l(stage)), 100)
      for i, stage in enumerate(OPEN_STAGES)],
]
KPI_WEIGHT_FIELDS = [(f"weight_{code}", code, _l("权重：%(name)s", name=_l(name) if isinstance(name, str) else name))
                     for code, (name, _definition) in KPI_DEFINITIONS.items()]


# Help shown under a setting, where its unit alone could mislead.
SETTING_HELP = {
    "cadence_days": _l("按自然日计算（含周末、节假日）；到期日落在节假日或周末时顺延到下一个工作日（调休上班日算工作日）。"),
}
CLOCK_TIME = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("时间格式应为 HH:MM，例如 09:00"))


class SettingsForm(FlaskForm):
    pool_return_enabled = BooleanField(_l("启用未跟进客户自动退回公海"))
    revisit_members_on_registration = BooleanField(_l("会员注册后也生成首次回访任务（非会员始终生成）"))
    tech_sees_order_amounts = BooleanField(_l("技术支持可以看到订单的金额、成本、回款和发票（不勾选则隐藏）"))
    respond_in_working_hours = BooleanField(
        _l("工单响应时限按工作时间计算（不勾选则按自然时间，夜间、节假日照常计时）"))
    work_start = StringField(_l("工作时间开始（HH:MM）"), validators=[InputRequired(_l("请填写工作时间开始")), CLOCK_TIME])
    work_end = StringField(_l("工作时间结束（HH:MM）"), validators=[InputRequired(_l("请填写工作时间结束")), CLOCK_TIME],
                           description=_l("工单暂停（待客户反馈）期间占用的工作时间按此计算，并顺延解决时限。"))

    def validate_work_end(self, field):
        if self.work_start.data and field.data and not self.work_start.errors and field.data <= self.work_start.data:
            raise ValidationError(_l("工作时间结束应晚于开始"))


for _name, _key, _sub, _label, _max in SETTING_FIELDS:
    setattr(SettingsForm, _name, positive_int(_label, _max, SETTING_HELP.get(_key, "")))
for _name, _code, _label in KPI_WEIGHT_FIELDS:
    setattr(
        SettingsForm,
        _name,
        DecimalField(
            _label,
            places=1,
            validators=[InputRequired(_l("请填写%(label)s", label=_label)), NumberRange(min=0, max=100, message=_l("权重应在0到100之间"))],
        ),
    )
