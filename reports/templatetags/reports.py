from django import template

from reports.exports import NUMERIC
from reports.tables import display

register = template.Library()


@register.filter
def cells(row, table):
    return table.cells(row)


@register.filter
def report_cell(value, kind):
    return display(value, kind)


@register.filter
def is_numeric(kind):
    return kind in NUMERIC


@register.filter
def signed(value, kind):
    shown = display(abs(value), kind)
    return f"+{shown}" if value > 0 else (f"\u2212{shown}" if value < 0 else shown)


@register.filter
def get_chart(charts, key):
    return charts.get(key)
