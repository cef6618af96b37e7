"""Two per-cell costs of django-tables2, paid once instead:

- it asks `inspect.signature` about a column's render/value method for every cell (17 % of a list
  page); the answer depends only on the function, so it is remembered per function;
- a `TemplateColumn("{% … %}")` compiles its template code for every cell; compiled templates are
  reusable, so each code is compiled once per process.
"""

import functools

import django_tables2.columns.templatecolumn as dt2_templatecolumn
import django_tables2.utils as dt2_utils
from django.template import Template

_original_signature = dt2_utils.signature
_known: dict = {}


def cached_signature(fn):
    func = getattr(fn, "__func__", None)
    key = (func, True) if func is not None else (fn, False)
    try:
        return _known[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable: ask every time, as django-tables2 does
        return _original_signature(fn)
    result = _known[key] = _original_signature(fn)
    return result


@functools.lru_cache(maxsize=512)
def compiled_template(template_code):
    return Template(template_code)


def install():
    dt2_utils.signature = cached_signature
    dt2_templatecolumn.Template = compiled_template
