"""The monthly product sheet as .xlsx: the same ProductSheet the web page and the PDF print, with its
headers and sheet name in the interface language."""
from flask_babel import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import safe_cell


def product_sheet_workbook(sheet) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.sheet_name
    ws.append([sheet.title])
    header = [_("产品名称")]
    for month in sheet.month_names:
        header += [_("%(month)s数量", month=month), _("%(month)s金额", month=month), _("%(month)s利润", month=month)]
    ws.append(header + [_("合计数量"), _("合计金额"), _("合计利润")])
    zero = (0, 0, 0)
    for name, cells, total in sheet.rows:
        row = [safe_cell(name)]
        for key in sheet.months:
            row += list(cells.get(key, zero))
        ws.append(row + list(total))
    total_row = [_("合计")]
    for key in sheet.months:
        total_row += list(sheet.totals[key])
    ws.append(total_row + list(sheet.grand))
    for row in ws.iter_rows(min_row=3):
        for cell in row[1:]:
            cell.number_format = "#,##0.00"
    return workbook
