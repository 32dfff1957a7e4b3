"""The activity status machine 计划中 → 进行中 → 已结束 | 已取消 and the participant machine
已邀请 → 已报名 → 已到场 refuse every illegal transition."""
import pytest

from portal.models.marketing import Activity, ActivityParticipant, TransitionRefused


def activity(status="计划中"):
    return Activity(theme="秋季新品发布会", kind="新品发布会", status=status)


def test_planned_runs_then_finishes(app):
    record = activity()
    record.start()
    assert record.status == "进行中" and record.status_changed_at is not None
    record.finish()
    assert record.status == "已结束" and record.is_closed


@pytest.mark.parametrize(("status", "action"), [
    ("计划中", "finish"), ("已结束", "start"), ("已结束", "cancel"), ("已取消", "start"), ("已取消", "finish"),
    ("进行中", "start"),
])
def test_illegal_activity_transitions_are_refused(app, status, action):
    record = activity(status)
    with pytest.raises(TransitionRefused):
        getattr(record, action)()
    assert record.status == status


def test_cancel_from_planned_or_running_keeps_the_reason(app):
    for status in ("计划中", "进行中"):
        record = activity(status)
        record.cancel("场地取消")
        assert (record.status, record.cancel_reason) == ("已取消", "场地取消")
    assert activity("计划中").allowed_actions() == ["start", "cancel"]
    assert activity("已结束").allowed_actions() == []


def test_participant_moves_forward_only(app):
    row = ActivityParticipant(status="已邀请")
    row.register()
    row.attend()
    assert row.status == "已到场" and row.registered_at and row.attended_at
    with pytest.raises(TransitionRefused):
        row.register()
    with pytest.raises(TransitionRefused):
        row.attend()
    walk_up = ActivityParticipant(status="已邀请")
    walk_up.attend()  # turned up without registering
    assert walk_up.status == "已到场"
