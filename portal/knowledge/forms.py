"""Forms of the knowledge area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.i18n import enum_choices
from portal.models.knowledge import ARTICLE_CATEGORIES, DOCUMENT_CATEGORIES, DOCUMENT_LEVELS


class ArticleForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200, message=_l("标题不能超过200字"))])
    category = SelectField(_l("分类"), choices=enum_choices(ARTICLE_CATEGORIES))
    product = StringField(_l("产品"), validators=[Optional(), Length(max=64)])
    product_version = StringField(_l("版本"), validators=[Optional(), Length(max=32)])
    tags = StringField(_l("标签（空格分隔）"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("正文（Markdown）"), validators=[DataRequired(_l("请填写正文")), Length(max=50000)])
    based_on = HiddenField()


class BasedOnForm(FlaskForm):
    """Restore, publish and archive carry the revision the user saw."""

    based_on = HiddenField(validators=[DataRequired(_l("页面已过期，请刷新后重试"))])


class ArticleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=50)])
    category = SelectField(_l("分类"), choices=enum_choices(ARTICLE_CATEGORIES, _l("全部")), validators=[Optional()])
    product = StringField(_l("产品"), validators=[Optional(), Length(max=64)])
    tag = StringField(_l("标签"), validators=[Optional(), Length(max=32)])


class DefectForm(FlaskForm):
    product = StringField(_l("产品"), validators=[DataRequired(_l("请填写产品")), Length(max=64)])
    product_version = StringField(_l("版本"), validators=[Optional(), Length(max=32)])
    symptom = TextAreaField(_l("现象"), validators=[DataRequired(_l("请填写缺陷现象")), Length(max=5000)])


class DefectMoveForm(FlaskForm):
    fixed_in_version = StringField(_l("修复版本"), validators=[Optional(), Length(max=32)])


class DocumentForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200)])
    category = SelectField(_l("类别"), choices=enum_choices(DOCUMENT_CATEGORIES))
    level = SelectField(_l("密级"), choices=enum_choices(DOCUMENT_LEVELS))
    readers = SelectMultipleField(_l("可查看人员（机密）"), choices=[], validate_choice=False, coerce=str)
    customer_id = HiddenField()
    file = FileField(_l("文件"))


class FileForm(FlaskForm):
    file = FileField(_l("新版本文件"))


class AnnouncementForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200)])
    body = TextAreaField(_l("内容（Markdown）"), validators=[DataRequired(_l("请填写内容")), Length(max=20000)])
    department_id = SelectField(_l("发送范围"), choices=[], validate_choice=False)


class TicketAnswerForm(FlaskForm):
    article_id = HiddenField(validators=[DataRequired()])


class TicketDefectForm(FlaskForm):
    defect_id = SelectField(_l("产品缺陷"), choices=[], validate_choice=False)
