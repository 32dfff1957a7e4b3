"""The review's KPI tables as .xlsx: the same Review object (and figure texts) as the page and the PDF."""
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from portal.reports.kpis import KPI_LIST, Review
from portal.spreadsheets import safe_row

BOLD = Font(bold=True)
SUMMARY_HEADER_ROW = 5


def review_workbook(review: Review) -> Workbook:
    """汇总 (KPI, this period, previous, change, numerator, denominator), 部门 and 员工 sheets, in the
    interface language (sheet names, headers, KPI names and period labels)."""
    book = Workbook()
    summary = book.active
    summary.title = _("指标汇总")
    summary.append(safe_row([_("考核期间"), review.period.label, review.period.range_text]))
    summary.append(safe_row([_("考核范围"), review.scope.label]))
    summary.append(safe_row([_("对比期间"), review.previous_period.label]))
    summary.append([])
    summary.append([_("指标"), _("本期"), _("上期"), _("变化"), _("分子"), _("分母")])
    for spec in KPI_LIST:
        figure, before = review.total.figures[spec.code], review.total.previous[spec.code]
        summary.append(safe_row([_(spec.name), figure.text, before.text, review.total.change_text(spec.code),
                                 float(figure.numerator), float(figure.denominator)]))
    summary.append(safe_row([_("综合得分"), review.total.score_text]))
    for sheet_name, rows in ((_("部门"), review.departments), (_("员工"), review.employees)):
        if not rows:
            continue
        sheet = book.create_sheet(sheet_name)
        sheet.append([_("名称"), _("部门")] + [_(spec.name) for spec in KPI_LIST] + [_("综合得分"), _("排名")])
        for row in rows:
            sheet.append(safe_row([row.label, row.department] + [row.figures[s.code].text for s in KPI_LIST]
                                  + [row.score_text, row.rank or "—"]))
    for sheet in book.worksheets:
        for cell in sheet[SUMMARY_HEADER_ROW if sheet is summary else 1]:
            cell.font = BOLD
            cell.alignment = Alignment(wrap_text=True)
        sheet.column_dimensions["A"].width = 22
    return book
