import django_filters
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from shian.core.models import AuditLog


class FastSelect(forms.Select):
    """A <select> whose options are written in Python instead of one template render per option:
    the unit and campaign filters of a city or province list have hundreds of options (22 % of a list
    page through Django's option templates). Same HTML, flat choices only (groups use the template)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = {
            "" if v is None else str(v) for v in (value if isinstance(value, (list, tuple)) else [value])
        }
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        rows = []
        for choice, label in choices:
            v = "" if choice is None else str(choice)
            chosen = v in wanted
            if chosen and not self.allow_multiple_selected:
                wanted = set()  # like Django: a single select marks only the first match
            rows.append((v, mark_safe(" selected") if chosen else "", label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        attrs_html = mark_safe(
            "".join(
                format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v)
                for k, v in final.items()
                if v is not None and v is not False
            )
        )
        return format_html("<select{}>{}</select>", attrs_html, options)


class SearchFilterSet(django_filters.FilterSet):
    """FilterSet with a free-text `q` that subclasses map onto their fields via `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(
        method="search",
        label="搜索",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "关键词"}),
    )

    def search(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            # Blank choices read "全部" rather than "---------" / "未知".
            if hasattr(field, "empty_label") and field.empty_label is not None:
                field.empty_label = "全部"
            widget = field.widget
            if isinstance(widget, forms.NullBooleanSelect):
                widget.choices = [("unknown", "全部"), ("true", "是"), ("false", "否")]
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(v, "全部" if v == "" else label) for v, label in field.choices]
            if type(widget) is forms.Select:
                fast = FastSelect(attrs=widget.attrs)
                fast.choices = widget.choices
                field.widget = widget = fast
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)


def _audited_kinds(request=None):
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from shian.core.audit import audited_models

    # Models that are not business data but whose rows the auditor filters by (failed logins) say so.
    extra = {m for m in apps.get_models() if getattr(m, "audit_filter_kind", False)}
    models = sorted({*audited_models(), *extra}, key=lambda m: str(m._meta.verbose_name))
    kinds = ContentType.objects.get_for_models(*models)
    return ContentType.objects.filter(pk__in=[ct.pk for ct in kinds.values()])


def _actors(request=None):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.only("id", "username", "name", "first_name", "last_name")
        .order_by("username")
    )


def _event_choices():
    from shian.core.auditdisplay import EVENT_LABELS

    return sorted(EVENT_LABELS.items(), key=lambda kv: kv[1])


class AuditLogFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor_name", "event", "note", "ip_address")
    actor = django_filters.ModelChoiceFilter(label="操作人", queryset=_actors)
    content_type = django_filters.ModelChoiceFilter(label="对象类型", queryset=_audited_kinds)
    action = django_filters.ChoiceFilter(choices=AuditLog.Action.choices, label="动作")
    event = django_filters.ChoiceFilter(choices=_event_choices, label="事件")
    at_after = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label="起始日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    at_before = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditLog
        fields = ["q", "actor", "content_type", "action", "event", "at_after", "at_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["content_type"].label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name if ct.model_class() else ct.name
        )
