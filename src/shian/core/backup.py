"""Backup and restore of one installation: the database and every stored file, with checksums.

`write_backup(path)` writes one tar archive while the server keeps running:
- `database/db.sqlite3` through SQLite's online backup API (a consistent snapshot, writers go on), or
  `database/db.pgdump` from `pg_dump --format=custom` (one snapshot transaction);
- `media/<name>` for every file in the default storage (local folder or S3/MinIO), read through the
  storage API;
- `manifest.json` last: format, time, engine, the newest migration of each app, and size + SHA-256 of
  every member.
`restore_backup(path, ...)` checks every member against the manifest *before* writing anything,
refuses a target that is not empty, restores the database and the files, then re-reads every restored
file and compares its checksum again.
"""

import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field

from django.core.files.base import File
from django.db import connection
from django.utils import timezone

FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def _sha256_file(fileobj) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def walk_storage(storage, path=""):
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for d in sorted(dirs):
        yield from walk_storage(storage, posixpath.join(path, d) if path else d)


def _pg_env(settings_dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return args


def _dump_database(workdir: str) -> tuple[str, str]:
    """(archive name, local path) of a consistent copy of the database."""
    if connection.vendor == "sqlite":
        target = os.path.join(workdir, "db.sqlite3")
        connection.ensure_connection()
        dst = sqlite3.connect(target)
        try:
            connection.connection.backup(dst)  # online backup API: pages copied from a consistent snapshot
        finally:
            dst.close()
        return "database/db.sqlite3", target
    if connection.vendor == "postgresql":
        sd = connection.settings_dict
        target = os.path.join(workdir, "db.pgdump")
        cmd = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "-f",
            target,
            *_pg_args(sd),
            sd["NAME"],
        ]
        done = subprocess.run(cmd, env=_pg_env(sd), capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        return "database/db.pgdump", target
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _migrations() -> dict:
    from django.db.migrations.recorder import MigrationRecorder

    latest = {}
    for app, name in (
        MigrationRecorder(connection).migration_qs.values_list("app", "name").order_by("app", "name")
    ):
        latest[app] = name
    return latest


class _HashingReader(io.RawIOBase):
    def __init__(self, raw):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.raw.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


@dataclass
class BackupReport:
    path: str
    files: int = 0
    bytes: int = 0
    database: str = ""


def write_backup(path: str, storage=None) -> BackupReport:
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    report = BackupReport(path)
    members = []
    tmp_path = path + ".part"
    with tempfile.TemporaryDirectory(prefix="shian-backup-") as workdir, tarfile.open(tmp_path, "w") as tar:
        db_name, db_path = _dump_database(workdir)
        with open(db_path, "rb") as fh:
            sha, size = _sha256_file(fh)
        tar.add(db_path, arcname=db_name)
        members.append({"name": db_name, "size": size, "sha256": sha})
        report.database = db_name
        for name in walk_storage(storage):
            size = storage.size(name)
            info = tarfile.TarInfo("media/" + name)
            info.size = size
            info.mtime = int(timezone.now().timestamp())
            with storage.open(name, "rb") as fh:
                reader = _HashingReader(fh)
                tar.addfile(info, reader)
            if reader.size != size:
                raise BackupError(f"文件“{name}”在备份过程中发生变化，请重试")
            members.append({"name": info.name, "size": size, "sha256": reader.digest.hexdigest()})
            report.files += 1
            report.bytes += size
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "migrations": _migrations(),
            "members": members,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
    os.replace(tmp_path, path)
    return report


@dataclass
class RestoreReport:
    files: int = 0
    bytes: int = 0
    database: str = ""
    warnings: list = field(default_factory=list)


def read_manifest(tar) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("备份文件中没有有效的 manifest.json，文件不完整或不是 shian 备份")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    return manifest


def verify_archive(path: str) -> dict:
    """Every member's size and SHA-256 against the manifest; nothing unlisted, no path tricks."""
    with tarfile.open(path, "r") as tar:
        manifest = read_manifest(tar)
        listed = {m["name"]: m for m in manifest["members"]}
        seen = set()
        for info in tar:
            if info.name == "manifest.json":
                continue
            norm = posixpath.normpath(info.name)
            if (
                not info.isfile()
                or norm != info.name
                or norm.startswith(("/", ".."))
                or not norm.startswith(("media/", "database/"))
            ):
                raise BackupError(f"备份中有不允许的条目“{info.name}”")
            expected = listed.get(info.name)
            if expected is None:
                raise BackupError(f"备份中的“{info.name}”不在清单中")
            sha, size = _sha256_file(tar.extractfile(info))
            if sha != expected["sha256"] or size != expected["size"]:
                raise BackupError(f"校验失败：“{info.name}”与清单中的校验值不符，备份已损坏或被改动")
            seen.add(info.name)
        missing = set(listed) - seen
        if missing:
            raise BackupError(f"备份不完整，缺少：{'、'.join(sorted(missing)[:5])}")
    return manifest


def _sqlite_is_empty(db_path: str) -> bool:
    if not os.path.exists(db_path) or os.path.getsize(db_path) == 0:
        return True
    conn = sqlite3.connect(db_path)
    try:
        return not conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    finally:
        conn.close()


def _pg_is_empty(settings_dict) -> bool:
    cmd = [
        "psql",
        "-tAc",
        "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'",
        *_pg_args(settings_dict),
        settings_dict["NAME"],
    ]
    done = subprocess.run(cmd, env=_pg_env(settings_dict), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"无法连接目标数据库：{done.stderr.strip()[:300]}")
    return done.stdout.strip() == "0"


def restore_backup(path: str, *, target: dict, storage) -> RestoreReport:
    """Restore into an empty installation. `target`: {"ENGINE": "sqlite"|"postgresql", NAME, HOST, ...}."""
    manifest = verify_archive(path)
    engine = target["ENGINE"]
    if engine != manifest["engine"]:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，不能恢复到 {engine}")
    if engine == "sqlite" and not _sqlite_is_empty(target["NAME"]):
        raise BackupError(f"目标数据库 {target['NAME']} 不是空的；恢复只能在全新安装上进行")
    if engine == "postgresql" and not _pg_is_empty(target):
        raise BackupError(f"目标数据库 {target['NAME']} 不是空的；恢复只能在全新安装上进行")
    if next(iter(walk_storage(storage)), None) is not None:
        raise BackupError("目标文件存储不是空的；恢复只能在全新安装上进行")
    report = RestoreReport()
    by_name = {m["name"]: m for m in manifest["members"]}
    with tarfile.open(path, "r") as tar, tempfile.TemporaryDirectory(prefix="shian-restore-") as workdir:
        for info in tar:
            if info.name.startswith("database/"):
                local = os.path.join(workdir, posixpath.basename(info.name))
                with tar.extractfile(info) as src, open(local, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                _restore_database(local, engine, target)
                report.database = info.name
            elif info.name.startswith("media/"):
                name = info.name[len("media/") :]
                saved = storage.save(name, File(tar.extractfile(info), name=name))
                if saved != name:
                    raise BackupError(f"文件“{name}”被存为“{saved}”，目标存储不是空的")
                report.files += 1
                report.bytes += info.size
    for name, member in by_name.items():  # read back what was written
        if not name.startswith("media/"):
            continue
        with storage.open(name[len("media/") :], "rb") as fh:
            sha, size = _sha256_file(fh)
        if sha != member["sha256"]:
            raise BackupError(f"恢复后校验失败：“{name}”")
    return report


def _restore_database(local: str, engine: str, target: dict):
    if engine == "sqlite":
        src = sqlite3.connect(local)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份中的 SQLite 数据库未通过完整性检查")
            os.makedirs(os.path.dirname(os.path.abspath(target["NAME"])), exist_ok=True)
            dst = sqlite3.connect(target["NAME"])
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return
    cmd = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "-d",
        target["NAME"],
        *_pg_args(target),
        local,
    ]
    done = subprocess.run(cmd, env=_pg_env(target), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")


def target_from_settings() -> dict:
    from django.conf import settings

    sd = settings.DATABASES["default"]
    engine = (
        "sqlite"
        if "sqlite" in sd["ENGINE"]
        else "postgresql"
        if "postgresql" in sd["ENGINE"]
        else sd["ENGINE"]
    )
    return {
        "ENGINE": engine,
        "NAME": str(sd["NAME"]),
        "HOST": sd.get("HOST"),
        "PORT": sd.get("PORT"),
        "USER": sd.get("USER"),
        "PASSWORD": sd.get("PASSWORD"),
    }
