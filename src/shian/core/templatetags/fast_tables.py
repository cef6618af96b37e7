"""The body of a django-tables2 table written in Python rather than through nested template loops.

django-tables2's bootstrap template renders every cell through `{% for column, cell in row.items %}`
with `column.attrs.td.as_html`, which recomputes the column's attributes for each cell; on a 25-row
list that was most of the page. Here a column's <td> attributes are computed once per table when
they are static (no callables, as in all of shian's tables), otherwise per cell as before. The cells
themselves still come from django-tables2 (`row.items()`: render methods, linkify, defaults).
"""

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _has_callable(value) -> bool:
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(_has_callable(v) for v in value.values())
    return False


def _cell_html(cell, localize):
    if localize is None:
        return conditional_escape(cell)
    return conditional_escape(formats.localize(cell, use_l10n=True) if localize else str(cell))


@register.simple_tag
def table_body_rows(table):
    """The <tr> rows of the table's current page ("" when it has none)."""
    static_td = {}
    dynamic = _has_callable(table.attrs.get("td", {})) or _has_callable(table.attrs.get("cell", {}))
    out = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            td = static_td.get(column.name)
            if td is None:
                td = column.attrs["td"].as_html()
                if not dynamic and not _has_callable(column.column.attrs):
                    static_td[column.name] = td
            cells.append(format_html("<td {}>{}</td>", td, _cell_html(cell, column.localize)))
        out.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells))))
    return mark_safe("".join(out))
