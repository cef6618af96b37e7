"""Benchmark: the review-ready archive (迎检资料包) of 2,000 materials, ~1 GB of files.

Builds the test cast plus 48 material requirements and 2,000 materials whose files are random
bytes behind a PDF signature (100 KB – 900 KB, ~1 GB in all) in a throwaway database and media
folder, then prints:

- a plain copy of the same files on the same disk (shutil.copyfile, file by file): seconds, MB/s;
- the archive export (plan + ZIP with index xlsx/docx written to a file): seconds, MB/s, ratio;
- the streaming variant (bytes for StreamingHttpResponse, discarded): seconds, MB/s;
- peak memory of the export: Python heap peak (tracemalloc, separate run) and process peak RSS growth.

Goal: at least half the plain-copy speed, memory under 200 MB.

    .venv/bin/python bench/evidence_archive.py [--materials 2000] [--mb 1000] [--pg]
"""

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--materials", type=int, default=2000)
    parser.add_argument("--mb", type=int, default=1000, help="total size of the files")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="shian-bench-archive-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    os.environ["SHIAN_DATA_DIR"] = work
    os.environ["SHIAN_MEDIA_ROOT"] = os.path.join(work, "media")
    os.environ["SHIAN_TESTING"] = "0"
    from _setup import django_setup, migrate, throwaway_url

    url, drop = throwaway_url("postgresql" if args.pg else "sqlite")
    try:
        django_setup(url)
        migrate()
        run(args, work)
    finally:
        drop()
        shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    from django.conf import settings
    from django.utils import timezone

    from shian.evidence.archive import archive_plan, iter_archive, write_archive
    from shian.evidence.models import Material, MaterialFile
    from shian.framework.models import MaterialRequirement
    from shian.testing import build_cast

    rng = random.Random(7)
    t0 = time.perf_counter()
    cast = build_cast()
    reqs = list(MaterialRequirement.objects.filter(item__in=cast.items))
    for n in range(46):
        item = cast.items[n % len(cast.items)]
        reqs.append(
            MaterialRequirement.objects.create(
                item=item,
                seq=n + 2,
                name=f"佐证材料要求{n + 1:02d}",
                provider=cast.market if n % 2 else cast.edu,
            )
        )
    media = os.path.join(settings.MEDIA_ROOT, "evidence", str(cast.campaign.pk))
    os.makedirs(media, exist_ok=True)
    mean = args.mb * 1024 * 1024 // args.materials
    now = timezone.now()
    total = 0
    materials, files = [], []
    block = os.urandom(4 * 1024 * 1024)
    for n in range(args.materials):
        size = rng.randint(mean // 5, mean * 9 // 5)
        name = f"evidence/{cast.campaign.pk}/bench-{n:05d}.pdf"
        with open(os.path.join(settings.MEDIA_ROOT, name), "wb") as fh:
            fh.write(b"%PDF-1.4\n")
            left, offset = size - 9, rng.randrange(len(block))
            while left > 0:  # random-looking, incompressible content without generating 1 GB of entropy
                piece = block[offset : offset + left]
                fh.write(piece)
                left -= len(piece)
                offset = 0
        total += size
        req = reqs[n % len(reqs)]
        materials.append(
            Material(
                campaign=cast.campaign,
                requirement=req,
                item=req.item,
                unit=req.provider or cast.office,
                title=f"{req.name}（第{n + 1}份）",
                submitted_at=now,
                status="approved",
            )
        )
        files.append((name, size))
    Material.objects.bulk_create(materials, batch_size=500)
    versions = [
        MaterialFile(
            material=m,
            number=1,
            file=name,
            original_name=f"{m.title}.pdf",
            kind="pdf",
            size=size,
            sha256=f"{i:064x}",
        )
        for i, (m, (name, size)) in enumerate(zip(materials, files, strict=True))
    ]
    MaterialFile.objects.bulk_create(versions, batch_size=500)
    for m, v in zip(materials, versions, strict=True):
        m.current = v
    Material.objects.bulk_update(materials, ["current"], batch_size=500)
    mb = total / 1024 / 1024
    print(
        f"built {args.materials} materials, {mb:.0f} MB of files in {time.perf_counter() - t0:.1f} s "
        f"({'PostgreSQL' if args.pg else 'SQLite'})"
    )

    # Plain copy of the same files on the same disk.
    copy_dir = os.path.join(work, "plain-copy")
    os.makedirs(copy_dir)
    t = time.perf_counter()
    for name, _ in files:
        shutil.copyfile(
            os.path.join(settings.MEDIA_ROOT, name), os.path.join(copy_dir, os.path.basename(name))
        )
    copy_s = time.perf_counter() - t
    shutil.rmtree(copy_dir)
    print(f"plain copy        {copy_s:7.2f} s   {mb / copy_s:8.1f} MB/s")

    out = os.path.join(work, "archive.zip")
    rss_before = rss_mb()
    t = time.perf_counter()
    plan = archive_plan(cast.campaign.pk, cast.office_user)
    with open(out, "wb") as fh:
        write_archive(plan, fh)
    export_s = time.perf_counter() - t
    size_mb = os.path.getsize(out) / 1024 / 1024
    rss_growth = rss_mb() - rss_before
    os.remove(out)
    print(
        f"archive export    {export_s:7.2f} s   {mb / export_s:8.1f} MB/s   = {copy_s / export_s:.2f} × plain copy "
        f"(zip {size_mb:.0f} MB, {len(plan.entries)} files + 目录.xlsx/.docx)"
    )

    t = time.perf_counter()
    streamed = sum(len(chunk) for chunk in iter_archive(archive_plan(cast.campaign.pk, cast.office_user)))
    stream_s = time.perf_counter() - t
    print(
        f"streamed export   {stream_s:7.2f} s   {mb / stream_s:8.1f} MB/s   ({streamed / 1024 / 1024:.0f} MB of chunks)"
    )

    tracemalloc.start()
    plan = archive_plan(cast.campaign.pk, cast.office_user)
    with open(out, "wb") as fh:
        write_archive(plan, fh)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    os.remove(out)
    print(
        f"peak memory of the export: Python heap {peak / 1024 / 1024:.1f} MB (tracemalloc), "
        f"process peak RSS growth {rss_growth:.1f} MB (process peak RSS {rss_mb():.0f} MB)"
    )
    ok_speed = copy_s / export_s >= 0.5
    ok_mem = peak / 1024 / 1024 < 200 and rss_growth < 200
    print(
        f"goal ≥ 0.5 × plain copy: {'met' if ok_speed else 'NOT met'}; memory < 200 MB: {'met' if ok_mem else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
