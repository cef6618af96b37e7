"""The audit log as an auditor reads it: Chinese field names, choice labels, local times, named events."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

EVENT_LABELS = {
    # security events (shian.security)
    "login": "登录成功",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "login_locked": "登录被锁定拒绝",
    "login_unlocked": "解除登录锁定",
    "password_changed": "本人修改密码",
    "password_reset": "他人重置密码",
    "role_changed": "角色变更",
    "unit_changed": "所属单位变更",
    "token_created": "创建接口令牌",
    "tokens_revoked": "接口令牌作废",
    "otp_enabled": "启用双因素认证",
    "otp_verified": "双因素认证通过",
    "otp_failed": "双因素认证失败",
    "recovery_code_used": "使用恢复码",
    "otp_reset": "重置双因素认证",
    "session_expired": "会话超时退出",
    "exported": "导出数据",
    "file_downloaded": "下载文件",
    "upload_refused": "拒绝上传文件",
    # domain events of the apps
    "assessment_locked": "评分锁定",
    "document_created": "新建公文",
    "document_generated": "生成公文",
    "group_score_confirmed": "评审组确认评分",
    "indicators_exported": "导出指标",
    "ledger_imported": "导入台账",
    "material_approved": "材料审核通过",
    "material_extraction_requested": "申请提取材料文字",
    "material_requirement_confirmed": "确认材料对应要求",
    "material_resubmitted": "重新提交材料",
    "material_returned": "退回材料",
    "material_text_extracted": "提取材料文字",
    "material_uploaded": "上传材料",
    "material_version_added": "上传材料新版本",
    "problem_escalated": "问题升级督办",
    "problem_reopened": "问题重新打开",
    "problem_verified": "问题整改核验",
    "problems_from_deductions": "由扣分生成问题",
    "regions_imported": "导入行政区划",
    "report_submitted": "提交调度报告",
    "round_closed": "调度轮次关闭",
    "round_opened": "调度轮次开启",
    "summons_held": "约谈",
    "task_claimed": "认领任务",
    "task_reassigned": "任务改派",
    "task_reopened": "任务重新打开",
    "task_sent_back": "任务退回",
    "task_split": "任务拆分",
    "tasks_generated": "生成任务",
    "framework_imported": "导入评价细则",
    "question_added": "新增题目",
    "question_edited": "修改题目",
    "question_removed": "删除题目",
    "questions_reordered": "调整题目顺序",
    "survey_form_versioned": "问卷升版",
}

EMPTY = "（空）"


def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code) if code else ""


def _local(value: str) -> str:
    parsed = parse_datetime(value) if "T" in value or " " in value else None
    if parsed is not None:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        return f"{timezone.localtime(parsed):%Y-%m-%d %H:%M:%S}"
    day = parse_date(value)
    return f"{day:%Y-%m-%d}" if day else value


def _plain(value) -> str:
    """Lists and dicts without Python quoting: a flag list reads as its messages."""
    if isinstance(value, dict):
        for key in ("message", "label", "name", "title"):
            if key in value:
                return str(value[key])
        return "，".join(f"{k}：{_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "；".join(_plain(v) for v in value) or EMPTY
    return str(value)


def display_value(field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if field is not None:
        choices = getattr(field, "flatchoices", None)
        if choices and not isinstance(value, list | dict):
            labels = {str(k): v for k, v in choices}
            if str(value) in labels:
                return str(labels[str(value)])
        if isinstance(field, models.BooleanField):
            return "是" if value else "否"
        if isinstance(field, models.DateTimeField | models.DateField) and isinstance(value, str):
            return _local(value)
        if isinstance(field, models.ForeignKey):
            return f"编号 {value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | dict):
        return _plain(value)
    return str(value)


def _fields_of(content_type_id):
    model = ContentType.objects.get_for_id(content_type_id).model_class()  # cached after the first call
    if model is None:
        return {}
    return {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


COMMON_LABELS = {
    "id": "ID",
    "seq": "序号",
    "sort_order": "排序",
    "name": "名称",
    "code": "编码",
    "note": "说明",
}
HIDDEN_ON_CREATE = {"id", "created_at"}


def field_label(field, name: str) -> str:
    """The field's Chinese verbose name; a foreign key left with its default name shows the related model's."""
    if field is None:
        return COMMON_LABELS.get(name, name)
    label = str(getattr(field, "verbose_name", name))
    if label.replace(" ", "_") == name:
        related = getattr(field, "related_model", None)
        if related is not None and getattr(field, "many_to_one", False):
            return str(related._meta.verbose_name)
        return COMMON_LABELS.get(name, label)
    return label


def readable_changes(entry):
    fields = _fields_of(entry.content_type_id)
    rows = []
    for name, before, after in entry.changed_fields():
        if entry.action == "create" and name in HIDDEN_ON_CREATE:
            continue
        field = fields.get(name)
        label = field_label(field, name)
        if entry.action in ("create", "event"):
            rows.append((label, "", display_value(field, after)))
        elif entry.action == "delete":
            rows.append((label, display_value(field, before), ""))
        else:
            rows.append((label, display_value(field, before), display_value(field, after)))
    return rows


def export_rows(queryset):
    """Header and one row per entry, for the xlsx export of the audit log."""
    yield ["时间", "操作人", "来源地址", "动作", "事件", "对象类型", "对象", "说明", "变化", "链序号", "哈希"]
    for e in queryset.iterator(chunk_size=2000):
        changes = "\n".join(
            f"{label}：{b} → {a}" if b and a else f"{label}：{b or a}" for label, b, a in e.readable_changes()
        )
        yield [
            f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
            e.actor_name,
            e.ip_address,
            e.get_action_display(),
            e.event_label,
            ContentType.objects.get_for_id(e.content_type_id).name,
            e.object_repr,
            e.note,
            changes,
            e.seq if e.seq is not None else "",
            e.hash,
        ]
