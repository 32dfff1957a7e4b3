"""The ledger as an .xlsx workbook (openpyxl, write-only: memory stays flat however many rows)."""
from openpyxl import Workbook

from portal.formatting import format_datetime
from portal.spreadsheets import safe_cell
from portal.tickets.queries import sla_badge

EXPORT_LIMIT = 20_000
HEADERS = ("工单号", "受理时间", "客户", "类型", "分类", "严重程度", "渠道", "投诉人", "责任部门", "处理人",
           "派工状态", "状态", "时限", "响应期限", "解决期限", "解决时间", "原因类别", "原因分析", "解决方案", "满意度")


def ledger_workbook(tickets) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题跟踪台账")
    sheet.append(HEADERS)
    for ticket in tickets:
        word, _tone = sla_badge(ticket)
        sheet.append([safe_cell(value) for value in (
            ticket.number, format_datetime(ticket.received_at), ticket.customer.name, ticket.kind, ticket.category,
            ticket.severity, ticket.channel, ticket.complainant, ticket.department.name if ticket.department else "",
            ticket.assignee.display_name if ticket.assignee else "", ticket.dispatch_state, ticket.status, word,
            format_datetime(ticket.respond_due_at), format_datetime(ticket.resolve_due_at),
            format_datetime(ticket.resolved_at), ticket.root_cause_type, ticket.root_cause, ticket.solution,
            ticket.satisfaction if ticket.satisfaction is not None else "",
        )])
    return workbook
