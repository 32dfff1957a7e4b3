"""The 繁體中文 and English catalogues are complete and no template prints Chinese outside gettext
(issue 17). scripts/translations.py update adds new strings; a person translates and reads them."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import nodes

from portal import create_app

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")
GETTEXT_CALLS = {"_", "gettext", "ngettext", "lazy_gettext"}


def test_every_string_is_translated_and_read():
    result = subprocess.run([sys.executable, "scripts/translations.py", "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def untranslated(node: nodes.Node, data_value: bool = False):
    """Chinese template text or string constants the page would print as they are. Constants compared with
    stored values (`status == '已完成'`, `in (…)`, dict keys, subscripts) are data, not interface."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in GETTEXT_CALLS:
        return
    if isinstance(node, nodes.TemplateData) and CJK.search(node.data):
        yield node.lineno, node.data.strip()[:60]
        return
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and CJK.search(node.value) and not data_value:
        yield node.lineno, node.value[:60]
        return
    if isinstance(node, (nodes.Compare, nodes.Test)):
        data_value = True
    for field, child in node.iter_fields():
        children = child if isinstance(child, list) else [child]
        for item in children:
            if isinstance(item, nodes.Node):
                as_data = data_value or (isinstance(node, nodes.Pair) and field == "key") \
                    or (isinstance(node, nodes.Getitem) and field == "arg") or (field == "args" and is_lookup(node))
                yield from untranslated(item, as_data)


def is_lookup(node: nodes.Node) -> bool:
    """`counts.get('已到场', 0)`: the key names stored data."""
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "get"


def template_names():
    return sorted(str(path.relative_to(ROOT / "templates")) for path in (ROOT / "templates").rglob("*.html"))


@pytest.fixture(scope="module")
def jinja_env():
    return create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).jinja_env


def test_templates_print_no_chinese_outside_gettext(jinja_env):
    found = []
    for name in template_names():
        source = (ROOT / "templates" / name).read_text(encoding="utf-8")
        found += [f"{name}:{line}: {text}" for line, text in untranslated(jinja_env.parse(source))]
    assert found == []


def test_the_check_catches_a_literal(jinja_env):
    source = "<p>{{ _('保存') }}</p>{% if s == '已完成' %}<b>完成</b>{% endif %}{{ {'a': '合计'}['a'] }}{{ '一二三'[i] }}"
    assert [text for _, text in untranslated(jinja_env.parse(source))] == ["<b>完成</b>", "合计", "一二三"]
