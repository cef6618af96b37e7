"""The production path run for real: a Celery worker process on Redis runs the job kinds against the
test database, and an S3-compatible server (moto's server mode) holds uploads, versions and archives.

The worker is a separate process, so these tests commit (transactional) and the SQLite test database
is a file (settings.py). Storage is switched by configuration only: the same SHIAN_S3_* variables
give the worker its storage and, through `default_storage_from`, this process its STORAGES.
"""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from shian.core.models import Job
from shian.core.tests import servers
from shian.evidence import services as evidence
from shian.evidence.choices import TextStatus
from shian.evidence.tests.factories import CHOUJIAN, SHITANG, docx_bytes, upload
from shian.settings import default_storage_from
from shian.supervision.choices import ImportStatus
from shian.supervision.models import ImportBatch, SamplingRecord
from shian.supervision.services import start_ledger_import

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

HEAD = "抽样单编号,抽样日期,所属乡镇,被抽样单位,抽样环节,食品大类,样品名称,任务类别,检验结论,核查处置状态"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if not servers.have_moto_server():
        pytest.fail("moto_server 未安装：pip install -e .[dev]")
    server = servers.S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, s3_server, tmp_path_factory):
    if not servers.redis_reachable():
        message = f"Redis {servers.BROKER_URL} 不可用，无法启动 Celery 工作进程"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with django_db_blocker.unblock():
        url = servers.database_url(connection.settings_dict)
    worker = servers.CeleryWorker(tmp_path_factory.mktemp("celery"), {"DATABASE_URL": url, **s3_server.env})
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def s3(settings, s3_server):
    """This process stores into the S3 server, configured exactly as production would be."""
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(s3_server.env)}
    return s3_server


@pytest.fixture
def on_worker(settings, s3, celery_worker):
    """Jobs go to the real worker through Redis, as with SHIAN_CELERY_BROKER_URL in production."""
    from shian.celery_app import app

    app.conf.broker_url = servers.BROKER_URL
    app.conf.task_default_queue = celery_worker.queue
    settings.SHIAN_JOBS_MODE = "celery"
    return celery_worker


def finished(job_id, timeout=60) -> Job:
    return servers.wait_for(
        lambda: Job.objects.filter(pk=job_id, status__in=["succeeded", "failed"]).first(),
        timeout,
        f"job {job_id} to finish",
        interval=0.1,
    )


def ledger_csv(cast, rows: int) -> SimpleUploadedFile:
    towns = [cast.town.name, cast.town2.name]
    lines = [HEAD] + [
        f"DC{n:09d},2026-0{1 + n % 6}-{1 + n % 28:02d},{towns[n % 2]},某食品店{n % 97},流通,蔬菜,韭菜,"
        f"监督抽检,{'不合格' if n % 40 == 0 else '合格'},{'已处置' if n % 40 == 0 else '无需处置'}"
        for n in range(rows)
    ]
    return SimpleUploadedFile("抽检台账.csv", "\n".join(lines).encode("utf-8"), content_type="text/csv")


def test_the_worker_extracts_text_from_a_file_held_in_s3(cast, on_worker, s3):
    requirement = cast.items[1].materials.get()
    (material,) = evidence.upload_materials(
        cast.campaign,
        [upload("清单.docx", docx_bytes(*SHITANG))],
        actor=cast.edu_liaison,
        requirement=requirement,
    )
    assert material.current.file.name in s3.keys()
    record = finished(Job.objects.get(kind="evidence.extract").pk)
    assert record.status == "succeeded", record.message
    material.refresh_from_db()
    assert material.text_status == TextStatus.DONE and "陪餐" in material.body.text


def test_the_worker_imports_a_ledger_all_at_once(cast, on_worker, s3):
    batch = start_ledger_import("sampling", ledger_csv(cast, 500), actor=cast.office_user)
    assert batch.file.name in s3.keys()
    record = finished(batch.job_id)
    assert record.status == "succeeded", record.message
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 500)
    assert SamplingRecord.objects.filter(region=cast.town).count() == 250


def test_the_worker_builds_the_archive_into_s3_and_only_its_owner_downloads_it(cast, on_worker, s3, login):
    requirement = cast.items[1].materials.get()
    evidence.upload_materials(
        cast.campaign,
        [upload("清单.docx", docx_bytes(*SHITANG))],
        actor=cast.edu_liaison,
        requirement=requirement,
        extract=False,
    )
    from shian.core.jobs import enqueue

    record = finished(
        enqueue("evidence.archive", "迎检资料包", {"campaign": cast.campaign.pk}, cast.office_user).pk
    )
    assert record.status == "succeeded", record.message
    assert record.result_file.name in s3.keys()
    url = reverse("core:job_download", args=[record.pk])
    assert login(cast.other_office_user).get(url).status_code == 404
    response = login(cast.office_user).get(url)
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert any(n.endswith("清单.docx") or "学校食堂" in n for n in names) and "目录.xlsx" in names


def test_a_worker_killed_mid_import_fails_the_job_with_a_reason_and_writes_nothing(cast, on_worker):
    batch = start_ledger_import("sampling", ledger_csv(cast, 150_000), actor=cast.office_user)
    servers.wait_for(
        lambda: Job.objects.filter(pk=batch.job_id, status="running").exists(), 60, "the import to start"
    )
    # mid-job: the import has been reading and writing its transaction for a moment, far from its end
    # (on an idle machine 60,000 rows were done a second after the batch started: hence 150,000)
    servers.wait_for(
        lambda: ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).exists(),
        30,
        "the batch to run",
    )
    import time

    time.sleep(0.3)
    job = Job.objects.get(pk=batch.job_id)
    assert job.status == "running", f"the import finished before it could be killed: {job.message}"
    on_worker.kill_running_child()
    record = finished(batch.job_id, timeout=30)
    assert record.status == "failed"
    assert "后台工作进程在任务进行中意外终止" in record.message and "已写入的部分均已撤销" in record.message
    assert SamplingRecord.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "意外终止" in batch.message
    # the worker lives on with a fresh child and runs the next job
    again = start_ledger_import("sampling", ledger_csv(cast, 20), actor=cast.office_user)
    assert finished(again.job_id).status == "succeeded"
    assert SamplingRecord.objects.count() == 20


def test_uploads_and_versions_live_in_s3_and_downloads_keep_their_scope(cast, s3, login):
    requirement = cast.items[1].materials.get()
    (material,) = evidence.upload_materials(
        cast.campaign,
        [upload("清单.docx", docx_bytes(*SHITANG))],
        actor=cast.edu_liaison,
        requirement=requirement,
        extract=False,
    )
    first = material.current
    second = evidence.add_version(
        material,
        upload("清单.docx", docx_bytes(*CHOUJIAN)),
        actor=cast.edu_liaison,
        expected_version=material.version,
    )
    assert {first.file.name, second.file.name} <= set(s3.keys()) and first.file.name != second.file.name
    ours, theirs = login(cast.edu_liaison), None
    for version, content in ((first, docx_bytes(*SHITANG)), (second, docx_bytes(*CHOUJIAN))):
        response = ours.get(reverse("evidence:file_download", args=[version.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == content
    theirs = login(cast.other_liaison)
    assert theirs.get(reverse("evidence:file_download", args=[first.pk])).status_code == 404


def test_the_small_archive_streams_straight_from_s3(cast, s3, login):
    requirement = cast.items[1].materials.get()
    evidence.upload_materials(
        cast.campaign,
        [upload("清单.docx", docx_bytes(*SHITANG))],
        actor=cast.edu_liaison,
        requirement=requirement,
        extract=False,
    )
    response = login(cast.office_user).post(reverse("evidence:archive"), {"campaign": cast.campaign.pk})
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    (docx_name,) = [n for n in archive.namelist() if n.endswith(".docx") and not n.startswith("目录")]
    assert archive.read(docx_name) == docx_bytes(*SHITANG)


def test_readyz_sees_the_object_store_and_says_503_when_it_is_gone(client, settings, s3):
    settings.CELERY_BROKER_URL = ""
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    gone = {**s3.env, "SHIAN_S3_ENDPOINT_URL": f"http://127.0.0.1:{servers.free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(gone)}
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "error"
