"""Forms of the revisits area: task filters, the revisit itself, questionnaires, plans, spot-checks."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.access.customers import visible_customers
from portal.extensions import db
from portal.i18n import enum_choices
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.revisits import (
    ISSUE_CATEGORIES,
    METHODS,
    OUTCOMES,
    QUESTION_TYPES,
    SEGMENTS,
    SPOT_CHECK_RESULTS,
    TASK_STATUSES,
    Questionnaire,
)
from portal.revisits.services import shown_text
from portal.rules.sampling import SEED_BITS

ANY = [("", _l("全部"))]


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TaskFilterForm(FlaskForm):
    class Meta:
        csrf = False

    scope = SelectField(_l("范围"), choices=[("mine", _l("我的任务")), ("team", _l("团队任务"))], default="mine",
                        validators=[Optional()])
    status = SelectField(_l("状态"), choices=[("open", _l("待回访"))] + enum_choices(TASK_STATUSES[1:]) + [("all", _l("全部"))],
                         default="open", validators=[Optional()])
    due = SelectField(_l("到期"), choices=ANY + [("overdue", _l("已逾期")), ("today", _l("今日到期")), ("week", _l("7天内到期"))],
                      validators=[Optional()])
    method = SelectField(_l("方式"), choices=ANY + [(m, _l(m)) for m in METHODS], validators=[Optional()])
    plan_id = SelectField(_l("回访计划"), choices=[], validators=[Optional()])

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_id.choices = ANY + [(str(plan.id), plan.name) for plan in plans]


class RevisitForm(FlaskForm):
    """Outcome and notes; question fields `q_<key>` are added per questionnaire version."""

    version = HiddenField()
    questionnaire_version = HiddenField()
    outcome = RadioField(_l("回访结果"), choices=[(o, _l(o)) for o in OUTCOMES], validators=[InputRequired(_l("请选择回访结果"))])
    contact_person = StringField(_l("受访人"), validators=[Optional(), Length(max=64, message=_l("不能超过64个字符"))])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000, message=_l("不能超过2000个字符"))])
    issues_raised = TextAreaField(_l("客户提出的问题"), validators=[Optional(), Length(max=2000, message=_l("不能超过2000个字符"))])
    issue_category = SelectField(_l("问题类别"), choices=[("", _l("（请选择）"))] + [(c, _l(c)) for c in ISSUE_CATEGORIES], default="")
    open_ticket = BooleanField(_l("为该问题创建回访问题工单"))

    questions: list[dict] = []

    def validate_issue_category(self, field):
        if self.issues_raised.data and self.issues_raised.data.strip() and not field.data:
            raise ValidationError(_l("请选择问题类别"))

    def answers(self) -> dict:
        """Answers keyed by question key, validated against the version's choices."""
        result = {}
        for question in self.questions:
            value = self[f"q_{question['key']}"].data
            if value in (None, "", []):
                continue
            result[question["key"]] = int(value) if question["type"] == "score" else value
        return result


class RequiredWhenCompleted:
    """A required question must be answered when the revisit is 完成 (not when 未接通/拒访)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data in (None, "", []):
            field.errors[:] = []
            raise StopValidation(_l("请回答此问题") if form.outcome.data == "完成" else None)


def revisit_form_for(questions: list[dict], **kwargs) -> RevisitForm:
    """A RevisitForm subclass carrying one field per question of this questionnaire version."""

    class VersionRevisitForm(RevisitForm):
        pass

    for question in questions:
        name, label = f"q_{question['key']}", shown_text(question["text"])
        first = [RequiredWhenCompleted()] if question["required"] else [Optional()]
        if question["type"] == "score":
            field = RadioField(label, choices=[(str(n), str(n)) for n in range(1, 6)], validators=first)
        elif question["type"] == "single":
            field = RadioField(label, choices=[(o, shown_text(o)) for o in question["options"]], validators=first)
        elif question["type"] == "multiple":
            field = CheckboxListField(label, choices=[(o, shown_text(o)) for o in question["options"]], validators=first)
        else:
            field = TextAreaField(label, validators=first + [Length(max=2000, message=_l("不能超过2000个字符"))])
        setattr(VersionRevisitForm, name, field)
    VersionRevisitForm.questions = questions
    return VersionRevisitForm(**kwargs)


class QuestionForm(Form):
    text = StringField(_l("题目"), validators=[Optional(), Length(max=200, message=_l("题目不能超过200个字符"))])
    type = SelectField(_l("题型"), choices=[(key, _l(label)) for key, label in QUESTION_TYPES.items()], default="text")
    required = BooleanField(_l("必答"))
    options = TextAreaField(_l("选项（每行一个）"), validators=[Optional(), Length(max=2000)])

    def validate_options(self, field):
        if self.text.data and self.type.data in {"single", "multiple"} and len(self.option_list()) < 2:
            raise ValidationError(_l("单选、多选题至少需要两个选项"))

    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]


class QuestionnaireForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("问卷名称"), validators=[DataRequired(_l("请填写问卷名称")), Length(max=64, message=_l("不能超过64个字符"))])
    description = StringField(_l("说明"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])
    is_active = BooleanField(_l("启用"), default=True)
    questions = FieldList(FormField(QuestionForm), min_entries=1)

    def __init__(self, *args, editing: Questionnaire | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_name(self, field):
        query = select(Questionnaire.id).where(Questionnaire.name == field.data.strip())
        if self.editing is not None:
            query = query.where(Questionnaire.id != self.editing.id)
        if db.session.scalar(query):
            raise ValidationError(_l("已有同名问卷"))

    def validate_questions(self, field):
        if not self.question_list():
            raise ValidationError(_l("问卷至少需要一道题目"))

    def question_list(self) -> list[dict]:
        """Questions in the order entered; blank rows dropped; keys q1..qN."""
        rows = [entry.form for entry in self.questions if (entry.form.text.data or "").strip()]
        return [
            {"key": f"q{index}", "text": row.text.data.strip(), "type": row.type.data, "required": bool(row.required.data),
             "options": row.option_list() if row.type.data in {"single", "multiple"} else []}
            for index, row in enumerate(rows, start=1)
        ]


def revisitor_choices() -> list[tuple[str, str]]:
    users = db.session.scalars(
        select(User).where(User.role.in_(("service", "tech", "supervisor")), User.is_active_user.is_(True))
        .order_by(User.role, User.display_name)
    )
    return [(str(user.id), _("%(name)s（%(role)s）", name=user.display_name, role=_(user.role_label))) for user in users]


class PlanForm(FlaskForm):
    name = StringField(_l("计划名称"), validators=[DataRequired(_l("请填写计划名称")), Length(max=64, message=_l("不能超过64个字符"))])
    segment = SelectField(_l("目标客户"), choices=[(key, _l(label)) for key, label in SEGMENTS.items()], validators=[InputRequired(_l("请选择目标客户"))])
    method = SelectField(_l("回访方式"), choices=[(m, _l(m)) for m in METHODS])
    starts_on = DateField(_l("开始日期"), validators=[InputRequired(_l("请填写开始日期"))])
    window_workdays = IntegerField(_l("完成时限（工作日）"), default=5,
                                   validators=[InputRequired(_l("请填写完成时限")), NumberRange(1, 60, _l("应为1到60个工作日"))])
    questionnaire_id = SelectField(_l("问卷"), choices=[], validators=[InputRequired(_l("请选择问卷"))])
    assignee_ids = CheckboxListField(_l("回访人员"), choices=[], validators=[Optional()])
    customer_codes = TextAreaField(_l("客户编号名单（每行一个，仅手工名单使用）"), validators=[Length(max=20000)])
    # Customers ticked in the picker (the customer list's search and filters); merged with the codes above.
    picked_codes = SelectMultipleField(_l("已选客户"), choices=[], validate_choice=False, validators=[Optional()])

    def __init__(self, *args, planner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.planner = planner
        questionnaires = db.session.scalars(
            select(Questionnaire).where(Questionnaire.is_active.is_(True)).order_by(Questionnaire.id))
        self.questionnaire_id.choices = [(str(q.id), shown_text(q.name)) for q in questionnaires]
        self.assignee_ids.choices = revisitor_choices()

    def validate_customer_codes(self, field):
        if self.segment.data != "manual":
            return
        codes = self.code_list()
        if not codes:
            raise ValidationError(_l("手工名单请至少填写一个客户编号"))
        # One message for "no such file" and "not yours": out of scope must not confirm a code exists.
        missing = [code for code in codes if code not in self.codes_in_scope(codes)]
        if missing:
            codes = _("、").join(missing[:20])
            if len(missing) > 20:
                codes = _("%(codes)s等", codes=codes)
            raise ValidationError(_("以下客户编号不存在或不在您的客户范围内，请核对：%(codes)s", codes=codes))

    def code_list(self) -> list[str]:
        """Typed codes and the picked customers' codes as the plan reads them (upper case, each once, in
        the order given)."""
        typed = [line.strip().upper() for line in (self.customer_codes.data or "").splitlines() if line.strip()]
        picked = [code.strip().upper() for code in self.picked_codes.data or [] if code.strip()]
        return list(dict.fromkeys(typed + picked))

    def codes_in_scope(self, codes: list[str]) -> set[str]:
        if self.planner is None:
            return set()
        query = visible_customers(self.planner).with_only_columns(Customer.code).where(
            Customer.code.in_(codes), Customer.archived_at.is_(None), Customer.merged_into_id.is_(None))
        return set(db.session.scalars(query))

    def all_codes(self) -> str:
        """The codes one per line, as the plan stores its manual list."""
        return "\n".join(self.code_list())


class AnalysisFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("起始日期"), validators=[Optional()])
    end = DateField(_l("截止日期"), validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("截止日期不能早于起始日期"))


class DrawForm(FlaskForm):
    period_start = DateField(_l("期间开始"), validators=[InputRequired(_l("请填写期间开始日期"))])
    period_end = DateField(_l("期间结束"), validators=[InputRequired(_l("请填写期间结束日期"))])
    mode = RadioField(_l("抽样方式"), choices=[("percent", _l("按比例（%）")), ("count", _l("按条数"))], default="percent",
                      validators=[InputRequired(_l("请选择抽样方式"))])
    size = IntegerField(_l("每人抽取"), default=10, validators=[InputRequired(_l("请填写抽取数量")), NumberRange(1, 100, _l("应为1到100"))])
    seed = IntegerField(_l("随机种子"), validators=[InputRequired(_l("请填写随机种子")),
                                               NumberRange(0, 2**SEED_BITS - 1, _l("随机种子超出范围"))])

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))

    def sample_size(self) -> dict:
        return {"percent": self.size.data} if self.mode.data == "percent" else {"count": self.size.data}


class FindingForm(FlaskForm):
    version = HiddenField()
    result = RadioField(_l("抽查结论"), choices=[(r, _l(r)) for r in SPOT_CHECK_RESULTS], validators=[InputRequired(_l("请选择抽查结论"))])
    comment = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000, message=_l("不能超过2000个字符"))])
    corrective_action = TextAreaField(_l("整改要求"), validators=[Length(max=2000, message=_l("不能超过2000个字符"))])

    def validate_corrective_action(self, field):
        if self.result.data and self.result.data != "合格" and not (field.data or "").strip():
            raise ValidationError(_l("发现问题时请填写整改要求"))


class SpotCheckFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(_l("状态"), choices=ANY + [("pending", _l("待抽查")), ("checked", _l("已抽查")), ("unacknowledged", _l("待确认"))],
                        validators=[Optional()])
    seed = IntegerField(_l("随机种子"), validators=[Optional()])
