"""The review's KPI tables as .xlsx: the same Review object (and figure texts) as the page and the PDF."""
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from portal.reports.kpis import KPI_LIST, Review
from portal.spreadsheets import safe_cell

BOLD = Font(bold=True)


def review_workbook(review: Review) -> Workbook:
    """汇总 (KPI, this period, previous, change, numerator, denominator), 部门 and 员工 sheets."""
    book = Workbook()
    summary = book.active
    summary.title = "指标汇总"
    summary.append(["考核期间", review.period.label, review.period.range_text])
    summary.append(["考核范围", safe_cell(review.scope.label)])  # names are user text: never a formula
    summary.append(["对比期间", review.previous_period.label])
    summary.append([])
    summary.append(["指标", "本期", "上期", "变化", "分子", "分母"])
    for spec in KPI_LIST:
        figure, before = review.total.figures[spec.code], review.total.previous[spec.code]
        summary.append([spec.name, figure.text, before.text, review.total.change_text(spec.code),
                        float(figure.numerator), float(figure.denominator)])
    summary.append(["综合得分", review.total.score_text])
    for sheet_name, rows in (("部门", review.departments), ("员工", review.employees)):
        if not rows:
            continue
        sheet = book.create_sheet(sheet_name)
        sheet.append(["名称", "部门"] + [spec.name for spec in KPI_LIST] + ["综合得分", "排名"])
        for row in rows:
            sheet.append([safe_cell(row.label), safe_cell(row.department)] + [row.figures[s.code].text for s in KPI_LIST]
                         + [row.score_text, row.rank or "—"])
    for sheet in book.worksheets:
        for cell in sheet[5 if sheet.title == "指标汇总" else 1]:
            cell.font = BOLD
            cell.alignment = Alignment(wrap_text=True)
        sheet.column_dimensions["A"].width = 22
    return book
