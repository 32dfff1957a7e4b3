"""The ledger as an .xlsx workbook (openpyxl, write-only: memory stays flat however many rows).

Headers, the sheet name and the enum values the portal defines are in the interface language of the
person exporting; what people typed stays as stored."""
from flask_babel import gettext as _
from openpyxl import Workbook

from portal.formatting import format_datetime
from portal.i18n import N_
from portal.spreadsheets import safe_cell
from portal.tickets.queries import sla_badge

EXPORT_LIMIT = 20_000
SHEET_NAME = N_("问题跟踪台账")
HEADERS = (N_("工单号"), N_("受理时间"), N_("客户"), N_("类型"), N_("分类"), N_("严重程度"), N_("渠道"), N_("投诉人"),
           N_("责任部门"), N_("处理人"), N_("派工状态"), N_("状态"), N_("时限"), N_("响应期限"), N_("解决期限"),
           N_("解决时间"), N_("原因类别"), N_("原因分析"), N_("解决方案"), N_("满意度"))


def shown(value: str) -> str:
    """A stored enum value in the interface language ('' stays '')."""
    return _(value) if value else value


def ledger_workbook(tickets) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_(SHEET_NAME))
    sheet.append([_(header) for header in HEADERS])
    for ticket in tickets:
        word, _tone = sla_badge(ticket)
        sheet.append([safe_cell(value) for value in (
            ticket.number, format_datetime(ticket.received_at), ticket.customer.name, shown(ticket.kind),
            shown(ticket.category), shown(ticket.severity), shown(ticket.channel), ticket.complainant,
            ticket.department.name if ticket.department else "",
            ticket.assignee.display_name if ticket.assignee else "", shown(ticket.dispatch_state), shown(ticket.status),
            word, format_datetime(ticket.respond_due_at), format_datetime(ticket.resolve_due_at),
            format_datetime(ticket.resolved_at), shown(ticket.root_cause_type), ticket.root_cause, ticket.solution,
            ticket.satisfaction if ticket.satisfaction is not None else "",
        )])
    return workbook
