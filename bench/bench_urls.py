"""shian's URLs plus /bench/reference/: a bare 50-row, 15-column Django-template table page, the yardstick
of bench/http_pages.py (same server, same middleware, no database work)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from shian.urls import urlpatterns as shian_urlpatterns

TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>参照页</title></head><body>'
    "<table><thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>"
    "{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>"
    "</body></html>"
)
HEADER = [f"列{c + 1}" for c in range(15)]
ROWS = [[f"第{r + 1}行{c + 1}" if c % 3 else r * 15 + c for c in range(15)] for r in range(50)]


def reference(request):
    return HttpResponse(TEMPLATE.render({"header": HEADER, "rows": ROWS}, request))


urlpatterns = [path("bench/reference/", reference), *shian_urlpatterns]
