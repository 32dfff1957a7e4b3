"""Article revisions (stale edits refused, restore), the publish state machine and defect statuses."""
import pytest

from portal.extensions import db
from portal.models.knowledge import Article, Defect, KnowledgeRefused


def test_every_edit_is_a_new_revision_with_author(company, make_article, frozen_now):
    users = company.users
    article = make_article(users.tech)
    article.edit(users.tech2, based_on=1, title="打印机卡纸处理", body="关机，打开后盖取纸")
    db.session.commit()
    assert [(r.number, r.author_id) for r in article.revisions] == [(1, users.tech.id), (2, users.tech2.id)]
    assert article.revision_number == 2 and article.body == "关机，打开后盖取纸"


def test_edit_based_on_stale_revision_is_refused(company, make_article):
    users = company.users
    article = make_article(users.tech)
    article.edit(users.tech2, based_on=1, title="t", body="tech2 的修改")
    db.session.commit()
    with pytest.raises(KnowledgeRefused, match="已被其他人修改"):
        article.edit(users.tech, based_on=1, title="t", body="tech 基于旧版本的修改")
    db.session.rollback()
    assert db.session.get(Article, article.id).body == "tech2 的修改"


def test_restore_adds_a_revision_with_old_text(company, make_article):
    users = company.users
    article = make_article(users.tech, body="第一版")
    article.edit(users.tech, based_on=1, title=article.title, body="第二版")
    article.restore(users.tech2, article.revisions[0], based_on=2)
    db.session.commit()
    assert article.body == "第一版" and article.revision_number == 3
    assert "恢复自第 1 版" in article.revisions[-1].note


def test_only_supervisors_publish_and_archive(company, make_article):
    users = company.users
    article = make_article(users.tech)
    with pytest.raises(KnowledgeRefused):
        article.publish(users.tech)
    article.publish(users.supervisor)
    assert article.status == "已发布" and article.published_by_id == users.supervisor.id
    with pytest.raises(KnowledgeRefused):
        article.publish(users.supervisor)
    article.archive(users.admin)
    assert article.status == "已归档"
    with pytest.raises(KnowledgeRefused):
        article.edit(users.tech, based_on=1, title="x", body="y")


def test_defect_status_machine_needs_fixed_in_version(company):
    defect = Defect(product="打印机 P3", product_version="2.1", symptom="卡纸")
    with pytest.raises(KnowledgeRefused):
        defect.move("start_fix")
    defect.move("confirm")
    defect.move("start_fix")
    with pytest.raises(KnowledgeRefused, match="修复版本"):
        defect.move("mark_fixed", "")
    defect.move("mark_fixed", "2.2")
    assert (defect.status, defect.fixed_in_version) == ("已修复", "2.2")


def test_document_versions_never_overwrite(company, make_document):
    users = company.users
    document = make_document(users.sales)
    document.add_version(users.sales, stored_name="f" * 32, filename="报价v2.pdf", content_type="application/pdf", size=3)
    db.session.commit()
    assert [v.number for v in document.versions] == [1, 2]
    assert len({v.stored_name for v in document.versions}) == 2
