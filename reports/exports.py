"""Reports as CSV (UTF-8 with a BOM so Excel reads accents; `;` and decimal commas in
Portuguese) and XLSX, one section or sheet per table."""

import csv
import io
import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .tables import Built, display

NUMERIC = ("int", "decimal", "percent", "hours", "stars")


def is_portuguese() -> bool:
    return (get_language() or "").lower().startswith("pt")


def _csv_value(value, kind: str, *, comma: bool) -> str:
    if value is None:
        return ""
    if kind in NUMERIC and isinstance(value, int | float):
        text = str(value) if isinstance(value, int) else f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if comma else text
    if kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if kind == "ticket":
        return str(value)
    return display(value, kind) if kind == "date" else str(value)


def to_csv(title: str, built: Built) -> bytes:
    portuguese = is_portuguese()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if portuguese else ",", lineterminator="\r\n")
    writer.writerow([title])
    for figure in built.figures:
        writer.writerow(
            [str(figure.label), _csv_value(figure.value, figure.kind, comma=portuguese)]
        )
    for table in built.tables:
        writer.writerow([])
        writer.writerow([str(table.title)])
        writer.writerow([str(column.label) for column in table.columns])
        for row in table.rows:
            writer.writerow(
                [
                    _csv_value(value, column.kind, comma=portuguese)
                    for column, value in table.cells(row)
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if kind in NUMERIC or kind == "ticket":
        return value
    return str(value)


def _sheet_name(title: str, used: set) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\, unique.
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def to_xlsx(title: str, built: Built) -> bytes:
    book = Workbook(write_only=True)
    used: set = set()
    bold = Font(bold=True)
    summary = book.create_sheet(_sheet_name(title, used))
    summary.append([title])
    for figure in built.figures:
        summary.append([str(figure.label), _xlsx_value(figure.value, figure.kind)])
    for table in built.tables:
        sheet = book.create_sheet(_sheet_name(str(table.title), used))
        header = []
        for column in table.columns:
            cell = _bold_cell(sheet, str(column.label), bold)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_value(value, column.kind) for column, value in table.cells(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell
