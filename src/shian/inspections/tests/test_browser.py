"""Browser: an inspector completes a visit on a phone while the network is cut and restored, then the
office turns the finding into a rectification problem."""

import struct
import zlib

import pytest

from shian.inspections.models import Visit
from shian.inspections.testing import drawn_plan_with_visits
from shian.rectification.models import Problem

PHONE = {"width": 390, "height": 844}


def png(width=320, height=240) -> bytes:
    """A real (camera-sized) PNG without any imaging library."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + b"".join(bytes([x * 255 // width, 140, y * 255 // height]) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.browser
def test_an_offline_visit_with_photos_is_sent_when_back_online_and_becomes_a_problem(
    cast, browser_login, live_server
):
    _plan, visits = drawn_plan_with_visits(cast, inspector=cast.expert)
    visit = visits[0]
    items = list(visit.checklist.items.all())
    page = browser_login(cast.expert)
    context = page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 31.0948, "longitude": 105.0935})
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/inspections/visits/")
    page.click(f"#today a[href='/inspections/visits/{visit.pk}/fill/']")
    page.wait_for_selector("#visit-form")

    context.set_offline(True)
    image = {"name": "photo.png", "mimeType": "image/png", "buffer": png()}
    for item in items:
        result = "fail" if item.seq == 1 else "pass"
        page.click(f"label[for='r{item.pk}-{result}']")
        card = page.locator(f".visit-item[data-item='{item.pk}']")
        if item.seq == 1:
            card.locator(".item-note").fill("许可证未公示")
        if item.photo_required:
            card.locator(".photo-input").set_input_files(image)
            card.locator("img.local-photo").wait_for()
    page.fill("#visit-person", "王店长")
    page.locator("#signature").scroll_into_view_if_needed()
    box = page.locator("#signature").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=5)
    page.mouse.move(box["x"] + 220, box["y"] + 50, steps=5)
    page.mouse.up()
    page.screenshot(path="/tmp/registry_visit_offline_phone.png", full_page=True)
    page.click("#visit-submit")
    page.wait_for_selector("#sync-status.offline")
    assert "联网后自动提交" in page.inner_text("#sync-status")
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('shian-visit-{visit.pk}'))")
    photos_needed = sum(1 for i in items if i.photo_required)
    assert draft["pending"] and draft["submit"] and len(draft["photos"]) == photos_needed
    assert Visit.objects.get(pk=visit.pk).status == "assigned"

    context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/inspections/visits/{visit.pk}/", timeout=20000)
    assert page.inner_text("#visit-status") == "已提交"
    page.screenshot(path="/tmp/registry_visit_done_phone.png", full_page=True)
    visit.refresh_from_db()
    assert visit.status == "submitted" and visit.photos.count() == photos_needed and visit.signature
    photo = visit.photos.first()
    assert photo.latitude is not None and round(float(photo.latitude), 2) == 31.09
    assert page.evaluate(f"localStorage.getItem('shian-visit-{visit.pk}')") is None

    context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(cast.office_user)
    page.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
    page.click("#make-problems")
    page.wait_for_selector("text=已生成整改问题1个")
    problem = Problem.objects.get(source="covert")
    assert "许可证未公示" in problem.description and problem.campaign == cast.campaign
    page.screenshot(path="/tmp/registry_visit_detail_desktop.png", full_page=True)


@pytest.mark.browser
def test_a_half_done_visit_is_resumed_from_the_phone_and_from_the_server(cast, browser_login, live_server):
    _plan, visits = drawn_plan_with_visits(cast, inspector=cast.expert)
    visit = visits[0]
    first, second = list(visit.checklist.items.all())[:2]
    page = browser_login(cast.expert)
    page.set_viewport_size(PHONE)
    url = f"{live_server.url}/inspections/visits/{visit.pk}/fill/"
    page.goto(url)
    page.click(f"label[for='r{first.pk}-partial']")
    page.locator(f".visit-item[data-item='{first.pk}'] .item-note").fill("台账不全")
    page.reload()  # nothing sent yet: the draft comes back from the phone's storage
    assert page.is_checked(f"#r{first.pk}-partial")
    assert page.input_value(f".visit-item[data-item='{first.pk}'] .item-note") == "台账不全"
    page.click(f"label[for='r{second.pk}-pass']")
    page.click("#visit-save")
    page.wait_for_selector("#sync-status.synced")
    assert Visit.objects.get(pk=visit.pk).status == "in_progress"
    page.evaluate("localStorage.clear()")
    page.reload()  # now from the server
    assert page.is_checked(f"#r{first.pk}-partial") and page.is_checked(f"#r{second.pk}-pass")
