"""Every (transition, role) pair: the allowed roles succeed, every other pair is refused server-side."""
import pytest

from portal.auth.permissions import TICKET_TRANSITION_ROLES
from portal.extensions import db
from portal.models.tickets import Ticket, TransitionRefused
from tests.access import ROLES

# action -> (state the ticket must be brought to first, field checked afterwards, value on success)
PREPARE = {
    # 改派 (re-dispatch) so that tech and service, who only see dispatched tickets, are in scope.
    "dispatch": ("dispatched", "dispatch_state", "已派工未确认"),
    "confirm": ("dispatched", "dispatch_state", "已确认"),
    "start": ("confirmed", "status", "处理中"),
    "pause": ("in_progress", "status", "待客户反馈"),
    "resume": ("paused", "status", "处理中"),
    "resolve": ("in_progress", "status", "已解决"),
    "close": ("resolved", "status", "已回访关闭"),
    "reopen": ("resolved", "status", "重新打开"),
}
STEPS = ("new", "dispatched", "confirmed", "in_progress", "paused", "resolved")


@pytest.fixture
def world(app, make_user, make_department, make_customer):
    departments = {name: make_department(name) for name in ("销售部", "客服部", "技术部", "市场部")}
    home = {"sales": "销售部", "supervisor": "销售部", "service": "客服部", "tech": "技术部", "marketing": "市场部"}
    actors = {role: make_user(role, department=departments.get(home.get(role))) for role in ROLES}
    resolver = make_user("tech", department=departments["技术部"], username="resolver")
    intake = make_user("service", department=departments["客服部"], username="intake")
    customer = make_customer(owner=actors["sales"])
    return {"departments": departments, "actors": actors, "resolver": resolver, "intake": intake, "customer": customer}


def bring_to(world, make_ticket, role: str, step: str) -> Ticket:
    """A ticket at `step`, dispatched to the actor (tech/service) or to 技术部 (others)."""
    actor = world["actors"][role]
    ticket = make_ticket(world["customer"], world["intake"])
    if role in {"tech", "service"}:
        department, assignee = actor.department, actor
    else:
        department, assignee = world["departments"]["技术部"], None
    for reached in STEPS[1:STEPS.index(step) + 1]:
        if reached == "dispatched":
            ticket.dispatch(department, assignee, world["intake"])
        elif reached == "confirmed":
            ticket.confirm(assignee or world["resolver"])
            ticket.assignee_id = assignee.id if assignee else None
        elif reached == "in_progress":
            ticket.start(world["resolver"])
        elif reached == "paused" and step == "paused":
            ticket.pause(world["resolver"])
        elif reached == "resolved":
            ticket.resolve(world["resolver"], "更换主板", "产品缺陷", "批次主板虚焊")
    db.session.commit()
    return ticket


def post_action(client, ticket: Ticket, action: str):
    base = f"/tickets/{ticket.id}"
    version = str(ticket.version)
    if action == "dispatch":
        department = db.session.scalar(db.select(db.text("id")).select_from(db.text("department")).where(db.text("name = '技术部'")))
        return client.post(f"{base}/dispatch", data={"version": version, "department_id": str(department)})
    if action == "resolve":
        return client.post(f"{base}/resolve", data={"version": version, "solution": "远程重置配置",
                                                      "root_cause_type": "操作不当", "root_cause": "客户误改参数"})
    if action == "close":
        return client.post(f"{base}/close", data={"version": version, "satisfaction": "4", "comment": "问题已解决，满意"})
    if action == "reopen":
        return client.post(f"{base}/reopen", data={"version": version, "reason": "客户反馈问题复现"})
    return client.post(f"{base}/state/{action}", data={})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PREPARE))
def test_transition_by_role(app, world, make_ticket, login_as, action, role):
    step, field, success_value = PREPARE[action]
    ticket = bring_to(world, make_ticket, role, step)
    before, events_before = getattr(ticket, field), len(ticket.events)
    response = post_action(login_as(world["actors"][role]), ticket, action)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    if role in TICKET_TRANSITION_ROLES[action]:
        assert response.status_code == 303, response.get_data(as_text=True)[:400]
        assert getattr(ticket, field) == success_value
        assert len(ticket.events) > events_before
    else:
        assert response.status_code == 403
        assert getattr(ticket, field) == before and len(ticket.events) == events_before


def test_table_covers_every_role_decision():
    """Sales files and comments but never moves a ticket; marketing has no ticket area at all."""
    assert all("sales" not in roles and "marketing" not in roles for roles in TICKET_TRANSITION_ROLES.values())
    assert TICKET_TRANSITION_ROLES["close"] == {"service", "supervisor", "admin"}


@pytest.mark.parametrize("action,step", [("start", "new"), ("resolve", "confirmed"), ("close", "in_progress"),
                                          ("reopen", "in_progress"), ("resume", "in_progress"), ("confirm", "new")])
def test_illegal_state_is_refused_even_for_admin(app, world, make_ticket, login_as, action, step):
    ticket = bring_to(world, make_ticket, "admin", step)
    status, dispatch_state = ticket.status, ticket.dispatch_state
    response = post_action(login_as(world["actors"]["admin"]), ticket, action)
    assert response.status_code == 403
    db.session.expire_all()
    assert (ticket.status, ticket.dispatch_state) == (status, dispatch_state)


def test_model_refuses_illegal_moves(app, world, make_ticket):
    ticket = bring_to(world, make_ticket, "tech", "new")
    with pytest.raises(TransitionRefused):
        ticket.start(world["resolver"])  # not dispatched and confirmed
    ticket = bring_to(world, make_ticket, "tech", "in_progress")
    with pytest.raises(TransitionRefused):
        ticket.resolve(world["resolver"], "已处理", "其他", "  ")  # root cause required
    ticket.resolve(world["resolver"], "已处理", "其他", "配置错误")
    with pytest.raises(TransitionRefused):
        ticket.record_closing_revisit(world["resolver"], 5, "很好")  # no self-rating
    with pytest.raises(TransitionRefused):
        ticket.reopen(world["intake"], "")  # a reason is required


def test_resolver_sees_no_close_button_and_cannot_close(app, world, make_ticket, login_as):
    ticket = bring_to(world, make_ticket, "service", "resolved")
    ticket.resolved_by_id = world["actors"]["service"].id
    db.session.commit()
    client = login_as(world["actors"]["service"])
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "记录回访" not in page and "解决人以外" in page
    assert post_action(client, ticket, "close").status_code == 403


@pytest.mark.parametrize("field, value", [("assignee_id", "abc"), ("assignee_id", "1 OR 1=1"),
                                          ("department_id", "x"), ("assignee_id", "99999")])
def test_dispatch_with_a_forged_choice_is_a_form_error(app, world, make_ticket, login_as, field, value):
    """A value no <select> offered (found by wapiti's fuzzing as a 500) is refused next to the field."""
    ticket = bring_to(world, make_ticket, "admin", "new")
    department = str(world["departments"]["技术部"].id)
    data = {"version": str(ticket.version), "department_id": department, field: value}
    response = login_as(world["actors"]["admin"]).post(f"/tickets/{ticket.id}/dispatch", data=data)
    assert response.status_code == 422
    db.session.refresh(ticket)
    assert ticket.dispatch_state == "未派工"
