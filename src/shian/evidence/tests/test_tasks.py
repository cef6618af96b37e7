"""The background extraction job survives SQLite's "database is locked" and can be run again."""

import pytest
from django.db import OperationalError

from shian.core.models import Job
from shian.evidence import services, tasks
from shian.evidence.choices import TextStatus
from shian.evidence.models import Material
from shian.evidence.tests.factories import SHITANG, docx_bytes, upload


def file_unextracted(ev):
    (m,) = services.upload_materials(
        ev.campaign,
        [upload("清单.docx", docx_bytes(*SHITANG))],
        actor=ev.edu_liaison,
        requirement=ev.req_shitang,
        extract=False,
    )
    return m


def test_a_locked_database_is_retried_until_the_text_is_recorded(ev, monkeypatch):
    m = file_unextracted(ev)
    real = services.record_extraction
    calls = []

    def flaky(material, text, error=""):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return real(material, text, error)

    monkeypatch.setattr(services, "record_extraction", flaky)
    pauses = []
    tasks.retry_locked(tasks.extract_material, m.pk, sleep=pauses.append)
    assert len(calls) == 3 and pauses == [0.25, 0.5]
    assert Material.objects.get(pk=m.pk).text_status == TextStatus.DONE


def test_other_database_errors_are_not_retried(ev):
    def broken(_):
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError, match="no such table"):
        tasks.retry_locked(broken, 1, sleep=lambda s: pytest.fail("retried"))


def test_the_job_goes_on_with_the_other_materials_and_says_which_failed(
    ev, monkeypatch, django_capture_on_commit_callbacks
):
    stuck, fine = file_unextracted(ev), file_unextracted(ev)
    real = tasks.extract_material

    def extract(material_id):
        if material_id == stuck.pk:
            raise OperationalError("database is locked")
        return real(material_id)

    monkeypatch.setattr(tasks, "extract_material", extract)
    monkeypatch.setattr(tasks, "LOCK_BACKOFF_SECONDS", 0)
    from shian.core.jobs import enqueue

    with django_capture_on_commit_callbacks(execute=True):
        record = enqueue("evidence.extract", "提取", {"materials": [stuck.pk, fine.pk]}, ev.edu_liaison)
    record.refresh_from_db()
    assert record.status == Job.Status.FAILED
    assert f"材料编号 {stuck.pk}" in record.message and "重新提取文字" in record.message
    assert Material.objects.get(pk=fine.pk).text_status == TextStatus.DONE
    assert Material.objects.get(pk=stuck.pk).text_status == TextStatus.PENDING


def test_the_unit_asks_for_extraction_again_on_the_page(ev, login, django_capture_on_commit_callbacks):
    m = file_unextracted(ev)
    page = login(ev.edu_liaison).get(m.get_absolute_url()).content.decode()
    assert 'id="extract-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = login(ev.edu_liaison).post(m.get_absolute_url(), {"action": "extract"})
    assert response.status_code == 302
    m = Material.objects.get(pk=m.pk)
    assert m.text_status == TextStatus.DONE and "陪餐" in m.body.text
    assert 'id="extract-form"' not in login(ev.edu_liaison).get(m.get_absolute_url()).content.decode()


def test_only_who_may_change_the_material_asks_for_extraction(ev, login):
    from django.core.exceptions import PermissionDenied

    m = file_unextracted(ev)
    for user in (ev.market_liaison, ev.leader):
        with pytest.raises(PermissionDenied):
            services.request_extraction(m, actor=user)
    assert login(ev.other_office_user).post(m.get_absolute_url(), {"action": "extract"}).status_code == 404
    assert login(ev.leader).post(m.get_absolute_url(), {"action": "extract"}).status_code == 403
