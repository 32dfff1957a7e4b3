"""Forms of the sales area: opportunities, quotes, products, orders, payments, invoices, filters.

Money fields are DecimalField (Decimal, two places); the payment and invoice forms carry an
idempotency token generated when the form is shown, so a repeated POST records one row."""
from uuid import uuid4

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal import clock
from portal.i18n import enum_choices
from portal.models.sales import (
    INVOICE_TYPES, LOSS_REASONS, OPEN_STAGES, OPPORTUNITY_STAGES, ORDER_STATUSES, PAYMENT_METHODS, PRODUCT_STATUSES,
)

MAX_MONEY = 999_999_999_999
money = dict(places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY, message=_l("金额应在0到9999亿之间"))])


def positive_money(label, required_message):
    return DecimalField(label, places=2, validators=[
        InputRequired(required_message), NumberRange(min=0.01, max=MAX_MONEY, message=_l("金额应大于0"))])


def new_token() -> str:
    return uuid4().hex


class OpportunityForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("商机名称"), validators=[DataRequired(_l("请填写商机名称")), Length(max=128, message=_l("不能超过128个字符"))])
    products_of_interest = StringField(_l("意向产品"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])
    expected_amount = DecimalField(_l("预计金额（元）"), **money)
    expected_close_on = DateField(_l("预计成交日期"), validators=[Optional()])
    source = StringField(_l("来源"), validators=[Optional(), Length(max=64, message=_l("不能超过64个字符"))])
    competitors = StringField(_l("竞争对手"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])
    next_step = StringField(_l("下一步"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])

    FIELDS = ("name", "products_of_interest", "expected_amount", "expected_close_on", "source", "competitors", "next_step")

    def opportunity_data(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("products_of_interest", "source", "competitors", "next_step"):
            data[name] = (data[name] or "").strip()
        data["name"] = data["name"].strip()
        data["expected_amount"] = data["expected_amount"] or 0
        return data


class StageForm(FlaskForm):
    stage = SelectField(_l("推进到"), choices=enum_choices(OPEN_STAGES), validators=[DataRequired(_l("请选择阶段"))])


class LoseForm(FlaskForm):
    loss_reason = SelectField(_l("输单原因"), choices=[("", _l("请选择"))] + [(r, _l(r)) for r in LOSS_REASONS],
                              validators=[DataRequired(_l("请选择输单原因"))])
    lost_to = StringField(_l("赢单的竞争对手（如知道）"), validators=[Optional(), Length(max=128, message=_l("不能超过128个字符"))],
                          render_kw={"list": "competitor-names", "autocomplete": "off"})


class WinForm(FlaskForm):
    signed_on = DateField(_l("签约日期"), validators=[InputRequired(_l("请填写签约日期"))], default=clock.today)

    def validate_signed_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("签约日期不能晚于今天"))


class OpportunityFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("商机/客户"), validators=[Optional(), Length(max=64)])
    stage = SelectField(_l("阶段"), choices=enum_choices(OPPORTUNITY_STAGES, _l("全部")), validators=[Optional()])
    owner_id = SelectField(_l("负责人"), choices=[], validators=[Optional()])
    close_from = DateField(_l("预计成交从"), validators=[Optional()])
    close_to = DateField(_l("至"), validators=[Optional()])
    sort = HiddenField()


class QuoteLineForm(FlaskForm):
    class Meta:
        csrf = False

    product_id = SelectField(_l("产品"), choices=[], validators=[Optional()])
    quantity = DecimalField(_l("数量"), places=2, validators=[Optional(), NumberRange(min=0.01, max=1_000_000, message=_l("数量应大于0"))])
    unit_price = DecimalField(_l("单价（元）"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY, message=_l("单价不能为负"))])
    discount = DecimalField(_l("折扣金额（元）"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY, message=_l("折扣不能为负"))])

    def is_blank(self) -> bool:
        return not self.product_id.data


class QuoteForm(FlaskForm):
    lines = FieldList(FormField(QuoteLineForm), min_entries=3, max_entries=10)
    note = StringField(_l("备注"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {str(p.id): p for p in products}
        choices = [("", "—")] + [(str(p.id), _("%(code)s %(product)s（标准价 %(price)s）", code=p.code, product=str(p),
                                                    price=format(p.standard_price, ",.2f"))) for p in products]
        for entry in self.lines:
            entry.form.product_id.choices = choices

    def validate_lines(self, field):
        filled = [entry.form for entry in field if not entry.form.is_blank()]
        if not filled:
            raise ValidationError(_l("请至少填写一行报价"))
        for line in filled:
            if line.product_id.data not in self.products:
                raise ValidationError(_l("请选择价格表中的产品"))
            if line.quantity.data is None or line.unit_price.data is None:
                raise ValidationError(_l("请填写每行的数量和单价"))
            if (line.discount.data or 0) > line.quantity.data * line.unit_price.data:
                raise ValidationError(_l("折扣不能超过行金额"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("审批意见"), choices=[("approve", _l("同意")), ("reject", _l("驳回"))])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])


class ProductForm(FlaskForm):
    version = HiddenField()
    code = StringField(_l("产品编码"), validators=[DataRequired(_l("请填写产品编码")), Length(max=32, message=_l("不能超过32个字符")),
                                                  Regexp(r"^[A-Za-z0-9_-]+$", message=_l("编码只能包含字母、数字、-和_"))])
    name = StringField(_l("产品名称"), validators=[DataRequired(_l("请填写产品名称")), Length(max=128, message=_l("不能超过128个字符"))])
    product_version = StringField(_l("版本"), validators=[Optional(), Length(max=32, message=_l("不能超过32个字符"))])
    category = StringField(_l("类别"), validators=[Optional(), Length(max=32, message=_l("不能超过32个字符"))])
    unit = StringField(_l("单位"), default="套", validators=[DataRequired(_l("请填写单位")), Length(max=8, message=_l("不能超过8个字符"))])
    standard_price = positive_money(_l("标准价（元）"), _l("请填写标准价"))
    floor_price = positive_money(_l("底价（元）"), _l("请填写底价"))
    unit_cost = DecimalField(_l("单位成本（元）"), **money)
    status = SelectField(_l("状态"), choices=enum_choices(PRODUCT_STATUSES))
    materials = TextAreaField(_l("资料"), validators=[Optional(), Length(max=5000, message=_l("不能超过5000个字符"))])

    FIELDS = ("code", "name", "product_version", "category", "unit", "standard_price", "floor_price", "unit_cost",
              "status", "materials")

    def validate_floor_price(self, field):
        if field.data is not None and self.standard_price.data is not None and field.data > self.standard_price.data:
            raise ValidationError(_l("底价不能高于标准价"))

    def product_data(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("code", "name", "product_version", "category", "unit", "materials"):
            data[name] = (data[name] or "").strip()
        data["unit_cost"] = data["unit_cost"] or 0
        return data


class PaymentForm(FlaskForm):
    token = HiddenField(default=new_token)
    amount = positive_money(_l("回款金额（元）"), _l("请填写回款金额"))
    paid_on = DateField(_l("回款日期"), validators=[InputRequired(_l("请填写回款日期"))], default=clock.today)
    method = SelectField(_l("方式"), choices=[(m, _l(m)) for m in PAYMENT_METHODS])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])

    def validate_paid_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("回款日期不能晚于今天"))

    def validate_token(self, field):
        if not field.data or len(field.data) > 64:
            raise ValidationError(_l("表单已失效，请刷新后重试"))


class RefundForm(PaymentForm):
    amount = positive_money(_l("退款金额（元）"), _l("请填写退款金额"))
    paid_on = DateField(_l("退款日期"), validators=[InputRequired(_l("请填写退款日期"))], default=clock.today)
    note = StringField(_l("退款原因"), validators=[DataRequired(_l("请填写退款原因")), Length(max=256, message=_l("不能超过256个字符"))])


class InvoiceForm(FlaskForm):
    token = HiddenField(default=new_token)
    number = StringField(_l("发票号码"), validators=[DataRequired(_l("请填写发票号码")), Length(max=32, message=_l("不能超过32个字符"))])
    kind = SelectField(_l("发票类型"), choices=enum_choices(INVOICE_TYPES))
    amount = positive_money(_l("开票金额（元）"), _l("请填写开票金额"))
    issued_on = DateField(_l("开票日期"), validators=[InputRequired(_l("请填写开票日期"))], default=clock.today)

    def validate_token(self, field):
        if not field.data or len(field.data) > 64:
            raise ValidationError(_l("表单已失效，请刷新后重试"))


class InstalmentForm(FlaskForm):
    class Meta:
        csrf = False

    due_on = DateField(_l("到期日"), validators=[Optional()])
    amount = DecimalField(_l("金额（元）"), **money)
    note = StringField(_l("说明"), validators=[Optional(), Length(max=128, message=_l("不能超过128个字符"))])


class PlanForm(FlaskForm):
    version = HiddenField()
    instalments = FieldList(FormField(InstalmentForm), min_entries=4, max_entries=12)

    def validate_instalments(self, field):
        rows = [entry.form for entry in field if entry.form.amount.data or entry.form.due_on.data]
        if not rows:
            raise ValidationError(_l("请至少填写一期回款计划"))
        if any(row.due_on.data is None or not row.amount.data for row in rows):
            raise ValidationError(_l("每期都要填写到期日和金额"))

    def plan_rows(self):
        return [(e.form.due_on.data, e.form.amount.data, (e.form.note.data or "").strip())
                for e in self.instalments if e.form.amount.data or e.form.due_on.data]


class OrderFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("订单号/客户"), validators=[Optional(), Length(max=64)])
    status = SelectField(_l("状态"), choices=enum_choices(ORDER_STATUSES, _l("全部")),
                         validators=[Optional()])
    owner_id = SelectField(_l("业务员"), choices=[], validators=[Optional()])
    signed_from = DateField(_l("签约从"), validators=[Optional()])
    signed_to = DateField(_l("至"), validators=[Optional()])
    receivable = SelectField(_l("应收"), choices=[("", _l("全部")), ("open", _l("有应收")), ("settled", _l("已收齐"))],
                             validators=[Optional()])
    sort = HiddenField()


class AfterSalesOwnerForm(FlaskForm):
    owner_id = SelectField(_l("售后跟踪责任人"), choices=[], validators=[DataRequired(_l("请选择售后跟踪责任人"))])


class StatementForm(FlaskForm):
    class Meta:
        csrf = False

    group = SelectField(_l("统计维度"), choices=[("rep", _l("按业务员")), ("customer", _l("按客户"))], validators=[Optional()])
    start = DateField(_l("从"), validators=[Optional()])
    end = DateField(_l("至（含）"), validators=[Optional()])


class OrderLineForm(FlaskForm):
    class Meta:
        csrf = False

    product_name = StringField(_l("产品"), validators=[Optional(), Length(max=160, message=_l("不能超过160个字符"))])
    quantity = DecimalField(_l("数量"), places=2, validators=[Optional(), NumberRange(min=0.01, max=1_000_000, message=_l("数量应大于0"))])
    unit_price = DecimalField(_l("单价（元）"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY, message=_l("单价不能为负"))])
    discount = DecimalField(_l("折扣金额（元）"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY, message=_l("折扣不能为负"))])


class OrderEditForm(FlaskForm):
    version = HiddenField()
    lines = FieldList(FormField(OrderLineForm), min_entries=1, max_entries=20)
    note = StringField(_l("备注"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])

    def filled_lines(self):
        return [entry.form for entry in self.lines if (entry.form.product_name.data or "").strip()]

    def validate_lines(self, field):
        filled = self.filled_lines()
        if not filled:
            raise ValidationError(_l("订单至少要有一行"))
        for line in filled:
            if line.quantity.data is None or line.unit_price.data is None:
                raise ValidationError(_l("请填写每行的数量和单价"))
            if (line.discount.data or 0) > line.quantity.data * line.unit_price.data:
                raise ValidationError(_l("折扣不能超过行金额"))
