import django_tables2 as tables

from shian.core.models import AuditLog


class AuditLogTable(tables.Table):
    """Times in Asia/Shanghai (the `date` filter localises), Chinese field names and choice labels."""

    at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="时间")
    actor_name = tables.Column(verbose_name="操作人")
    content_type = tables.Column(verbose_name="对象类型", accessor="content_type__name", orderable=False)
    event = tables.Column(verbose_name="事件", accessor="event_label", orderable=False)
    changes = tables.TemplateColumn(
        '{% if record.note %}<div class="small">{{ record.note }}</div>{% endif %}'
        '{% for name, b, a in record.readable_changes|slice:":6" %}<div class="small"><span class="text-muted">'
        "{{ name }}</span>：{% if b %}{{ b }}{% if a %} → {% endif %}{% endif %}{{ a }}</div>{% endfor %}",
        verbose_name="内容",
        orderable=False,
    )

    class Meta:
        model = AuditLog
        fields = (
            "at",
            "actor_name",
            "ip_address",
            "action",
            "event",
            "content_type",
            "object_repr",
            "changes",
        )
        attrs = {"class": "table table-sm table-hover"}
