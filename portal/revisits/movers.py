"""Revisits' part of the customers area's handover (交接) and merge: open tasks follow people and files."""
from sqlalchemy import func, select, update

from portal.customers import services as customer_services
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.revisits import TASK_OPEN, RevisitRecord, RevisitTask


def colleagues_by_load(leaving: User) -> list[User]:
    """Active service users other than the leaver, least open tasks first (one query)."""
    open_count = (select(func.count(RevisitTask.id))
                  .where(RevisitTask.assignee_id == User.id, RevisitTask.status == TASK_OPEN).scalar_subquery())
    return list(db.session.scalars(
        select(User).where(User.role == "service", User.is_active_user.is_(True), User.id != leaving.id)
        .order_by(open_count, User.id)))


def hand_over_revisit_tasks(from_user: User, to_user_for_customer: dict[int, int], dry_run: bool) -> dict[str, int]:
    """A leaver's open revisit tasks go to whoever receives the customer, else to the least busy service
    colleagues in turn (unassigned if there is nobody). No commit."""
    tasks = list(db.session.scalars(
        select(RevisitTask).where(RevisitTask.assignee_id == from_user.id, RevisitTask.status == TASK_OPEN)
        .order_by(RevisitTask.due_on, RevisitTask.id)))
    if not dry_run and tasks:
        pool = [user.id for user in colleagues_by_load(from_user)]
        spread = 0
        for task in tasks:
            receiver = to_user_for_customer.get(task.customer_id)
            if receiver is None and pool:
                receiver, spread = pool[spread % len(pool)], spread + 1
            task.assignee_id = receiver
    return {N_("回访任务"): len(tasks)} if tasks else {}


def move_merged_revisits(kept, merged, _by) -> dict[str, int]:
    """Revisit tasks and records of a merged customer file follow it to the kept file; an open task whose
    purpose the kept file already has open is cancelled (never two open tasks for one purpose). No commit."""
    counts = {}
    kept_open = select(RevisitTask.purpose).where(RevisitTask.customer_id == kept.id, RevisitTask.status == TASK_OPEN)
    duplicates = list(db.session.scalars(select(RevisitTask).where(
        RevisitTask.customer_id == merged.id, RevisitTask.status == TASK_OPEN, RevisitTask.purpose.in_(kept_open))))
    for task in duplicates:
        task.cancel()
    if duplicates:
        db.session.flush()
        counts[N_("重复的回访任务（已取消）")] = len(duplicates)
    for model, label in ((RevisitTask, N_("回访任务")), (RevisitRecord, N_("回访记录"))):
        result = db.session.execute(update(model).where(model.customer_id == merged.id).values(customer_id=kept.id)
                                    .execution_options(synchronize_session=False))
        if result.rowcount:
            counts[label] = result.rowcount
    return counts


customer_services.handover_movers.append(hand_over_revisit_tasks)
customer_services.merge_movers.append(move_merged_revisits)
