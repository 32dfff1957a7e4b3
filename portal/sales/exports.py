"""The monthly product sheet as .xlsx: the same ProductSheet the web page and the PDF print."""
from openpyxl import Workbook

from portal.spreadsheets import safe_cell


def product_sheet_workbook(sheet) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"{sheet.year}{'上' if sheet.half == 1 else '下'}半年"
    ws.append([sheet.title])
    header = ["产品名称"]
    for year, month in sheet.months:
        header += [f"{month}月数量", f"{month}月金额", f"{month}月利润"]
    ws.append(header + ["合计数量", "合计金额", "合计利润"])
    zero = (0, 0, 0)
    for name, cells, total in sheet.rows:
        row = [safe_cell(name)]
        for key in sheet.months:
            row += list(cells.get(key, zero))
        ws.append(row + list(total))
    total_row = ["合计"]
    for key in sheet.months:
        total_row += list(sheet.totals[key])
    ws.append(total_row + list(sheet.grand))
    for row in ws.iter_rows(min_row=3):
        for cell in row[1:]:
            cell.number_format = "#,##0.00"
    return workbook
