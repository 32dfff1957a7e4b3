"""Revisits and spot-check routes in the role × route table."""
from datetime import datetime

from tests.access import Rule

AREA = frozenset({"service", "tech", "marketing", "supervisor", "admin"})
BUILDERS = frozenset({"marketing", "admin"})
PLANNERS = frozenset({"marketing", "supervisor", "admin"})
CHECKERS = frozenset({"supervisor", "admin"})


def pool_customer(world):
    """A public-pool customer: every role but tech may see it."""
    from portal.extensions import db
    from portal.models.customers import Customer

    def build():
        customer = Customer(code="KH2026990001", name="矩阵回访测试有限公司")
        db.session.add(customer)
        db.session.commit()
        return customer

    return world.once("revisit_customer", build)


def service_task(world):
    """An open task assigned to the service user (客服部): out of scope for tech and the 销售部 supervisor."""
    from portal.extensions import db
    from portal.models.revisits import RevisitTask

    def build():
        task = RevisitTask(customer=pool_customer(world), trigger="registration", unique_key="matrix:task",
                           due_on=datetime(2026, 11, 27).date(), assignee=world.users["service"])
        db.session.add(task)
        db.session.commit()
        return task

    return world.once("revisit_task", build)


def service_record(world):
    from portal.extensions import db
    from portal.models.revisits import RevisitRecord

    def build():
        task = service_task(world)
        record = RevisitRecord(task=task, customer_id=task.customer_id, staff_id=world.users["service"].id,
                               method="电话", outcome="完成", satisfaction=4, answers={})
        db.session.add(record)
        db.session.commit()
        return record

    return world.once("revisit_record", build)


def finding(world):
    """A marked spot-check on the service user's record, waiting for their acknowledgement."""
    from portal.extensions import db
    from portal.models.revisits import SpotCheck

    def build():
        record = service_record(world)
        check = SpotCheck(record_id=record.id, staff_id=record.staff_id, supervisor_id=world.users["admin"].id,
                          sample_seed=42, period_start=datetime(2026, 11, 1).date(),
                          period_end=datetime(2026, 11, 30).date(), result="不完整", comment="缺少受访人",
                          corrective_action="补录受访人", checked_at=datetime(2026, 11, 24, 9))
        db.session.add(check)
        db.session.commit()
        return check

    return world.once("spot_check", build)


def questionnaire(world):
    from portal.extensions import db
    from portal.revisits.services import default_questionnaire

    def build():
        questionnaire = default_questionnaire()
        db.session.commit()
        return questionnaire

    return world.once("questionnaire", build)


def plan(world):
    from portal.extensions import db
    from portal.models.revisits import RevisitPlan

    def build():
        plan = RevisitPlan(name="矩阵计划", segment="manual", method="电话", starts_on=datetime(2026, 11, 24).date(),
                           customer_codes="KH2026990001")
        db.session.add(plan)
        db.session.commit()
        return plan

    return world.once("plan", build)


RULES = [
    Rule("revisits.index", "GET", AREA),
    Rule("revisits.task", "GET", AREA, url_values=lambda w: {"task_id": service_task(w).id},
         expect={"tech": 404, "supervisor": 404}),
    Rule("revisits.task", "POST", AREA, url_values=lambda w: {"task_id": service_task(w).id},
         expect={"tech": 404, "supervisor": 404, "marketing": 403}),
    Rule("revisits.record", "GET", AREA, url_values=lambda w: {"record_id": service_record(w).id},
         expect={"tech": 404, "supervisor": 404}),
    Rule("revisits.questionnaires", "GET", AREA),
    Rule("revisits.questionnaire_create", "GET", BUILDERS),
    Rule("revisits.questionnaire_create", "POST", BUILDERS),
    Rule("revisits.questionnaire_edit", "GET", BUILDERS, url_values=lambda w: {"questionnaire_id": questionnaire(w).id}),
    Rule("revisits.questionnaire_edit", "POST", BUILDERS, url_values=lambda w: {"questionnaire_id": questionnaire(w).id}),
    Rule("revisits.questionnaire", "GET", AREA, url_values=lambda w: {"questionnaire_id": questionnaire(w).id}),
    Rule("revisits.plans", "GET", AREA),
    Rule("revisits.plan_create", "GET", PLANNERS),
    Rule("revisits.plan_create", "POST", PLANNERS),
    Rule("revisits.plan_customer_picker", "GET", PLANNERS),
    Rule("revisits.plan", "GET", AREA, url_values=lambda w: {"plan_id": plan(w).id}),
    Rule("revisits.plan_generate", "POST", PLANNERS, url_values=lambda w: {"plan_id": plan(w).id}),
    Rule("revisits.analysis", "GET", PLANNERS),
    Rule("revisits.findings", "GET", AREA),
    Rule("revisits.finding_acknowledge", "POST", AREA, url_values=lambda w: {"spot_check_id": finding(w).id},
         expect={"tech": 404, "marketing": 404, "supervisor": 404, "admin": 404}),
    Rule("revisits.customer_section", "GET", AREA, url_values=lambda w: {"customer_id": pool_customer(w).id},
         expect={"tech": 404}),
    Rule("spot_checks.index", "GET", CHECKERS),
    Rule("spot_checks.draw", "GET", CHECKERS),
    Rule("spot_checks.draw", "POST", CHECKERS),
    Rule("spot_checks.detail", "GET", CHECKERS, url_values=lambda w: {"spot_check_id": finding(w).id},
         expect={"supervisor": 404}),
    Rule("spot_checks.detail", "POST", CHECKERS, url_values=lambda w: {"spot_check_id": finding(w).id},
         expect={"supervisor": 404}),
]
