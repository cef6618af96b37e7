"""`shian backup` → `shian restore`: every table row and every file comes back, checksums verified."""

import json
import os
import sqlite3
import subprocess
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection

from shian.core.backup import BackupError, restore_backup, verify_archive, walk_storage, write_backup

FILES = {
    "evidence/2026/三台县/食品安全责任清单.pdf": b"%PDF-1.4 " + os.urandom(5000),
    "rectification/2026/12/整改照片.jpg": b"\xff\xd8\xff" + os.urandom(3000),
    "jobs/导出.xlsx": b"PK\x03\x04" + os.urandom(100),
}


def _seed_files():
    for name, data in FILES.items():
        saved = default_storage.save(name, ContentFile(data))
        assert saved == name


def _tables():
    return sorted(t for t in connection.introspection.table_names() if not t.startswith("sqlite_"))


def _norm(value):
    """One text form for a value, whichever driver read it (jsonb comes back as text or as a dict)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _rows(cursor, table):
    cursor.execute(f'SELECT * FROM "{table}"')
    return sorted(tuple(_norm(v) for v in r) for r in cursor.fetchall())


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    default_storage._wrapped = storages["default"]
    yield tmp_path / "media"
    storages._storages.pop("default", None)
    default_storage._wrapped = storages["default"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
def test_sqlite_round_trip_keeps_every_row_and_file(tmp_path, media):
    from shian.testing import build_cast

    build_cast()
    _seed_files()
    archive = str(tmp_path / "shian.tar")
    call_command("backup", "-o", archive)
    manifest = verify_archive(archive)
    assert {m["name"] for m in manifest["members"]} >= {"database/db.sqlite3", *(f"media/{n}" for n in FILES)}
    target = str(tmp_path / "restored" / "shian.sqlite3")
    restored_media = FileSystemStorage(location=str(tmp_path / "restored-media"))
    report = restore_backup(archive, target={"ENGINE": "sqlite", "NAME": target}, storage=restored_media)
    assert report.files == len(FILES)
    restored = sqlite3.connect(target, detect_types=connection.get_connection_params()["detect_types"])
    with connection.cursor() as cursor:
        for table in _tables():
            assert _rows(cursor, table) == _rows(restored.cursor(), table), table
    assert sorted(walk_storage(restored_media)) == sorted(FILES)
    for name, data in FILES.items():
        with restored_media.open(name, "rb") as fh:
            assert fh.read() == data


@pytest.mark.django_db(transaction=True)
def test_a_changed_byte_is_caught_before_anything_is_restored(tmp_path, media):
    _seed_files()
    archive = str(tmp_path / "shian.tar")
    write_backup(archive)
    with tarfile.open(archive) as tar:
        offset = tar.getmember("media/rectification/2026/12/整改照片.jpg").offset_data
    with open(archive, "r+b") as fh:
        fh.seek(offset + 10)
        byte = fh.read(1)
        fh.seek(offset + 10)
        fh.write(bytes([byte[0] ^ 0xFF]))
    target = tmp_path / "t.sqlite3"
    out = FileSystemStorage(location=str(tmp_path / "out"))
    with pytest.raises(BackupError, match="整改照片.jpg"):
        restore_backup(
            archive,
            target={
                "ENGINE": connection.vendor if connection.vendor != "sqlite" else "sqlite",
                "NAME": str(target),
            },
            storage=out,
        )
    assert not target.exists() and list(walk_storage(out)) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite target")
def test_restore_refuses_a_non_empty_installation(tmp_path, media):
    archive = str(tmp_path / "shian.tar")
    write_backup(archive)
    target = tmp_path / "used.sqlite3"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE x (a)")
    conn.close()
    with pytest.raises(BackupError, match="不是空的"):
        restore_backup(
            archive,
            target={"ENGINE": "sqlite", "NAME": str(target)},
            storage=FileSystemStorage(location=str(tmp_path / "o")),
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip")
def test_postgresql_round_trip_keeps_every_row_and_file(tmp_path, media):
    import psycopg

    from shian.testing import build_cast

    build_cast()
    _seed_files()
    archive = str(tmp_path / "shian.tar")
    write_backup(archive)
    sd = connection.settings_dict
    name = f"{sd['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    args = {
        "host": sd.get("HOST") or None,
        "port": sd.get("PORT") or None,
        "user": sd.get("USER") or None,
        "password": sd.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **args) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        target = {
            "ENGINE": "postgresql",
            "NAME": name,
            "HOST": sd.get("HOST"),
            "PORT": sd.get("PORT"),
            "USER": sd.get("USER"),
            "PASSWORD": sd.get("PASSWORD"),
        }
        restored_media = FileSystemStorage(location=str(tmp_path / "restored-media"))
        restore_backup(archive, target=target, storage=restored_media)
        with psycopg.connect(dbname=name, **args) as restored, connection.cursor() as cursor:
            for table in _tables():
                assert _rows(cursor, table) == _rows(restored.cursor(), table), table
        assert sorted(walk_storage(restored_media)) == sorted(FILES)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **args) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_command_into_a_fresh_installation(tmp_path):
    """End to end through the commands, in separate processes, as an operator would run them."""
    import sys

    shian = os.path.join(os.path.dirname(sys.executable), "shian")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["SHIAN_TESTING"] = "0"
    env["SHIAN_SECRET_KEY"] = "k" * 60
    src, dst = tmp_path / "src", tmp_path / "dst"

    def run(data_dir, *args):
        return subprocess.run(
            [shian, *args], env={**env, "SHIAN_DATA_DIR": str(data_dir)}, capture_output=True, text=True
        )

    assert run(src, "migrate", "-v0").returncode == 0
    (src / "media" / "evidence").mkdir(parents=True)
    (src / "media" / "evidence" / "文件.pdf").write_bytes(b"%PDF-1.4 hello")
    archive = str(tmp_path / "b.tar")
    done = run(src, "backup", "-o", archive)
    assert done.returncode == 0, done.stderr
    restored = run(dst, "restore", archive)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert (dst / "media" / "evidence" / "文件.pdf").read_bytes() == b"%PDF-1.4 hello"
    assert "恢复完成" in restored.stdout
    again = run(dst, "restore", archive)
    assert again.returncode != 0 and "不是空的" in again.stderr
