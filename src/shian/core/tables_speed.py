"""django-tables2 asks `inspect.signature` about a column's render/value method for every cell (17 % of
a list page). The answer depends only on the function, so remember it per function."""

import django_tables2.utils as dt2_utils

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


def install():
    dt2_utils.signature = cached_signature
