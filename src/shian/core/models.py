"""Shared models: the audit log, background jobs, and the base class of all business data."""

from django.conf import settings
from django.db import models

from shian.core.policy import Scope, ScopedQuerySet


class BusinessModel(models.Model):
    """Base of every business record: timestamps, an edit version, automatic audit logging.

    `version` is bumped on every save through `core.services.save_versioned`, so a form or API
    call that was prepared against an older version is refused instead of overwriting silently.
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditLogQuerySet(models.QuerySet):
    """Audit rows are appended, sealed once into the hash chain, and never changed or deleted."""

    SEAL_FIELDS = {"seq", "prev_hash", "hash"}

    def update(self, **kwargs):
        if not set(kwargs) <= self.SEAL_FIELDS:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditLog(models.Model):
    """One change to business data or one security event: who, when, from where, before and after.

    Rows form a hash chain (`core.auditchain`): once sealed, each row carries `seq`, the hash of
    the row before it and its own hash, so `shian audit-verify` finds a changed or removed row.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        EVENT = "event", "事件"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # No database constraint and no cascade: removing a user must not rewrite (and so break) the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    event = models.CharField("事件", max_length=60, blank=True, help_text="领域事件名，如 task_claimed")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="对象类型", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField("对象ID", max_length=64)
    object_repr = models.CharField("对象", max_length=300)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    ip_address = models.CharField("来源地址", max_length=45, blank=True)
    seq = models.BigIntegerField("链序号", null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="auditlog_object_idx"),
            models.Index(fields=["actor", "at"], name="auditlog_actor_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除")

    def changed_fields(self):
        """[(field, before, after)] for an update; every field for create/delete."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def readable_changes(self):
        """[(中文字段名, 修改前, 修改后)] with choice labels, local times and 是/否 (see core.auditdisplay)."""
        from shian.core.auditdisplay import readable_changes

        return readable_changes(self)

    @property
    def event_label(self):
        from shian.core.auditdisplay import event_label

        return event_label(self.event)


class JobQuerySet(ScopedQuerySet):
    # A job and its result file belong to whoever started it.
    scope = Scope(owner="created_by")


class Job(models.Model):
    """A background job (import, export, extraction); the UI polls it for progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.TextField("信息", blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True, max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        "心跳时间", null=True, blank=True, help_text="运行中的任务定时更新；长时间无心跳说明进程已中断"
    )
    worker = models.CharField("执行进程", max_length=100, blank=True, help_text="主机名:进程号")

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class TableGeneration(models.Model):
    """How many times a table has been written: core/pagecache.py keeps a page while these stand still."""

    name = models.CharField(max_length=100, primary_key=True)
    generation = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "数据表版本"

    def __str__(self):
        return f"{self.name} #{self.generation}"
