import django_filters
from django import forms

from shian.core.models import AuditLog


class SearchFilterSet(django_filters.FilterSet):
    """FilterSet with a free-text `q` that subclasses map onto their fields via `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="搜索",
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": "关键词"}))

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
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
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

    return get_user_model().objects.only("id", "username", "name", "first_name", "last_name").order_by("username")


def _event_choices():
    from shian.core.auditdisplay import EVENT_LABELS

    return sorted(EVENT_LABELS.items(), key=lambda kv: kv[1])


class AuditLogFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor_name", "event", "note", "ip_address")
    actor = django_filters.ModelChoiceFilter(label="操作人", queryset=_actors)
    content_type = django_filters.ModelChoiceFilter(label="对象类型", queryset=_audited_kinds)
    action = django_filters.ChoiceFilter(choices=AuditLog.Action.choices, label="动作")
    event = django_filters.ChoiceFilter(choices=_event_choices, label="事件")
    at_after = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="起始日期",
                                         widget=forms.DateInput(attrs={"type": "date"}))
    at_before = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="截止日期",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditLog
        fields = ["q", "actor", "content_type", "action", "event", "at_after", "at_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["content_type"].label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name
                                                                              if ct.model_class() else ct.name)
