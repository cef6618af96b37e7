import django_tables2 as tables

from shian.core.models import AuditLog


class AuditLogTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="时间")
    content_type = tables.Column(verbose_name="类型", accessor="content_type__name", orderable=False)
    changes = tables.TemplateColumn(
        '{% for name, b, a in record.changed_fields|slice:":4" %}<div class="small">{{ name }}：{{ b|default_if_none:"" }} → {{ a|default_if_none:"" }}</div>{% endfor %}',
        verbose_name="变化", orderable=False,
    )

    class Meta:
        model = AuditLog
        fields = ("at", "actor_name", "action", "event", "content_type", "object_repr", "changes")
        attrs = {"class": "table table-sm table-hover"}
