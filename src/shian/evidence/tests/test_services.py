import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.models import AuditLog
from shian.core.services import ConcurrentEditError
from shian.evidence import services
from shian.evidence.choices import MaterialStatus, TextStatus
from shian.evidence.models import Material, MaterialFile
from shian.evidence.tests.factories import KAOHE, SHITANG, docx_bytes, pdf_bytes, upload


def stored_files():
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_it_files_one_material_per_file_with_its_first_version(ev, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.upload_materials(
            ev.campaign,
            [upload("清单.docx", docx_bytes(*SHITANG)), upload("附件.pdf", pdf_bytes())],
            actor=ev.edu_liaison,
            requirement=ev.req_shitang,
            doc_number="安教〔2025〕8号",
        )
    assert [m.title for m in created] == ["清单", "附件"]
    first = Material.objects.get(pk=created[0].pk)
    assert (first.unit, first.item, first.status, first.doc_number) == (
        ev.edu,
        ev.items[1],
        "pending",
        "安教〔2025〕8号",
    )
    assert (
        first.current.number == 1
        and first.current.kind == "docx"
        and first.current.original_name == "清单.docx"
    )
    assert first.text_status == TextStatus.DONE  # extraction ran after commit
    assert first.doc_date == datetime.date(2025, 4, 1) and first.doc_date_detected
    assert len(stored_files()) == 2
    assert AuditLog.objects.filter(event="material_uploaded").count() == 2


def test_it_takes_the_type_from_the_content_not_the_name(ev):
    (material,) = services.upload_materials(
        ev.campaign, [upload("扫描件.exe", pdf_bytes())], actor=ev.edu_liaison, requirement=ev.req_shitang
    )
    assert material.current.kind == "pdf" and material.current.original_name == "扫描件.pdf"
    with pytest.raises(ValidationError) as exc:
        services.upload_materials(
            ev.campaign, [upload("通知.pdf", b"<html><script>alert(1)</script></html>")], actor=ev.edu_liaison
        )
    assert "文件“通知.pdf”的类型不受支持" in str(exc.value)


def test_it_sanitises_names(ev):
    (material,) = services.upload_materials(
        ev.campaign, [upload('../../etc/a<b>:"c".docx', docx_bytes("x"))], actor=ev.edu_liaison
    )
    assert material.current.original_name == "a_b_c_.docx"
    assert material.current.file.name.startswith(f"evidence/{ev.campaign.pk}/")


def test_an_upload_with_one_bad_file_writes_nothing(ev):
    files = [upload("好.docx", docx_bytes("内容")), upload("坏.docx", b"MZ\x90\x00 not a document")]
    with pytest.raises(ValidationError) as exc:
        services.upload_materials(ev.campaign, files, actor=ev.edu_liaison)
    assert "文件“坏.docx”" in str(exc.value)
    assert Material.objects.count() == 0 and MaterialFile.objects.count() == 0
    assert stored_files() == []


def test_a_failure_while_writing_leaves_no_row_and_no_orphan_file(ev, monkeypatch):
    calls = {"n": 0}
    real_create = MaterialFile.objects.create

    def failing_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("磁盘已满")
        return real_create(**kwargs)

    monkeypatch.setattr(MaterialFile.objects, "create", failing_create)
    files = [upload("一.docx", docx_bytes("一")), upload("二.docx", docx_bytes("二"))]
    with pytest.raises(OSError):
        services.upload_materials(ev.campaign, files, actor=ev.edu_liaison)
    assert Material.objects.count() == 0 and MaterialFile.objects.count() == 0
    assert stored_files() == []


def test_it_refuses_files_over_the_size_limit(ev, settings):
    settings.SHIAN_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        services.upload_materials(
            ev.campaign, [upload("大文件.pdf", pdf_bytes("x" * 2000))], actor=ev.edu_liaison
        )
    assert "文件“大文件.pdf”大小" in str(exc.value) and "超过上限" in str(exc.value)


def test_a_unit_uploads_only_for_itself_and_read_only_roles_not_at_all(ev):
    with pytest.raises(PermissionDenied):
        services.upload_materials(
            ev.campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.edu_liaison, unit=ev.market
        )
    with pytest.raises(PermissionDenied):
        services.upload_materials(ev.campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.leader)
    with pytest.raises(PermissionDenied):
        services.upload_materials(
            ev.other_campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.edu_liaison
        )
    other_req = ev.other_framework.test_items[1].materials.get()
    with pytest.raises(ValidationError) as exc:
        services.upload_materials(
            ev.campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.edu_liaison, requirement=other_req
        )
    assert "不属于该创建项目的评价细则" in str(exc.value)


def test_the_office_files_for_the_requirements_provider(ev):
    (material,) = services.upload_materials(
        ev.campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.office_user, requirement=ev.req_shitang
    )
    assert material.unit == ev.edu


def _material(ev, content=None, requirement=None, actor=None):
    (m,) = services.upload_materials(
        ev.campaign,
        [upload("清单.docx", content or docx_bytes(*SHITANG))],
        actor=actor or ev.edu_liaison,
        requirement=requirement or ev.req_shitang,
    )
    return Material.objects.get(pk=m.pk)


def test_a_new_version_keeps_the_old_one_and_goes_back_to_review(ev):
    m = _material(ev)
    services.return_material(m, "缺少盖章页", actor=ev.office_user, expected_version=m.version)
    m.refresh_from_db()
    services.add_version(
        m, upload("清单-盖章.pdf", pdf_bytes()), actor=ev.edu_liaison, expected_version=m.version
    )
    m.refresh_from_db()
    assert list(m.files.values_list("number", "kind")) == [(2, "pdf"), (1, "docx")]
    assert m.current.number == 2 and m.status == MaterialStatus.PENDING
    assert len(stored_files()) == 2


def test_review_approves_and_returns_with_a_reason(ev):
    m = _material(ev)
    with pytest.raises(ValidationError) as exc:
        services.return_material(m, "  ", actor=ev.office_user, expected_version=m.version)
    assert "退回原因" in str(exc.value)
    services.return_material(m, "文号不清晰", actor=ev.office_user, expected_version=m.version)
    m.refresh_from_db()
    assert (m.status, m.review_reason, m.reviewed_by) == ("returned", "文号不清晰", ev.office_user)
    services.update_material(
        m, {"doc_number": "安教〔2025〕8号"}, actor=ev.edu_liaison, expected_version=m.version
    )
    m.refresh_from_db()
    assert m.status == "pending"  # resubmitted
    services.approve_material(m, actor=ev.office_user, expected_version=m.version)
    m.refresh_from_db()
    assert m.status == "approved" and m.review_reason == ""
    assert list(
        AuditLog.objects.filter(event__startswith="material_").order_by("id").values_list("event", flat=True)
    ) == ["material_uploaded", "material_returned", "material_resubmitted", "material_approved"]


def test_two_reviewers_deciding_at_once_cannot_overwrite_each_other(ev):
    m = _material(ev)
    first, second = Material.objects.get(pk=m.pk), Material.objects.get(pk=m.pk)
    services.approve_material(first, actor=ev.office_user, expected_version=first.version)
    with pytest.raises(ConcurrentEditError):
        services.return_material(second, "不合格", actor=ev.office_user, expected_version=second.version)
    assert Material.objects.get(pk=m.pk).status == "approved"


def test_only_the_office_of_the_region_reviews(ev):
    m = _material(ev)
    for user in (ev.edu_liaison, ev.leader, ev.other_office_user):
        with pytest.raises(PermissionDenied):
            services.approve_material(m, actor=user, expected_version=m.version)


def test_confirming_a_requirement_files_the_material_under_its_item(ev):
    (m,) = services.upload_materials(
        ev.campaign, [upload("清单.docx", docx_bytes(*KAOHE))], actor=ev.office_user
    )
    m = Material.objects.get(pk=m.pk)
    assert m.requirement is None and m.item is None
    services.assign_requirement(m, ev.req_kaohe, actor=ev.office_user, expected_version=m.version)
    m.refresh_from_db()
    assert (m.requirement, m.item) == (ev.req_kaohe, ev.items[0])
