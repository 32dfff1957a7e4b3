"""Sign-in and password forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.auth.passwords import password_problem


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")), Length(max=256)])
    remember = BooleanField(_l("在此电脑上保持登录"))


class NewPasswordMixin:
    def validate_new_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码"))])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请填写新密码"))])
    confirm_password = PasswordField(
        _l("确认新密码"), validators=[DataRequired(_l("请再次填写新密码")), EqualTo("new_password", _l("两次填写的新密码不一致"))]
    )
