"""A 资料审查 expert reads the evidence of the items their review group holds — matrix, list, detail,
preview and download, page and API — and nothing of other groups or other counties, and changes nothing."""

import pytest

from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tests.factories import docx_bytes, upload
from shian.scoring.models import Assessment, ReviewGroup


@pytest.fixture
def review(ev):
    """The expert's group holds item 1.2 (学校食堂); 1.3's materials belong to another group's item."""
    (ev.mine,) = services.upload_materials(
        ev.campaign,
        [upload("食堂清单.docx", docx_bytes("学校食堂责任清单"))],
        actor=ev.edu_liaison,
        requirement=ev.req_shitang,
    )
    (ev.theirs,) = services.upload_materials(
        ev.campaign,
        [upload("抽检计划.docx", docx_bytes("抽检计划"))],
        actor=ev.market_liaison,
        requirement=ev.req_choujian,
    )
    (ev.elsewhere,) = services.upload_materials(
        ev.other_campaign, [upload("盐亭.docx", docx_bytes("盐亭"))], actor=ev.other_liaison
    )
    ev.assessment = Assessment.objects.create(campaign=ev.campaign, kind="self", title="资料审查")
    ev.group = ReviewGroup.objects.create(assessment=ev.assessment, name="资料审查组")
    ev.group.members.add(ev.expert)
    ev.group.items.add(ev.items[1])
    other_group = ReviewGroup.objects.create(assessment=ev.assessment, name="现场检查组")
    other_group.items.add(ev.items[2])
    return ev


def test_an_expert_sees_the_materials_of_their_groups_items_only(review):
    assert list(Material.objects.restrict(review.expert).values_list("title", flat=True)) == ["食堂清单"]
    assert not Material.objects.restrict(review.expert, "change").exists()


def test_an_expert_without_a_group_sees_no_material(review):
    review.group.members.clear()
    assert not Material.objects.restrict(review.expert).exists()


def test_a_group_of_another_campaign_does_not_open_this_campaigns_materials(review):
    review.assessment.campaign = review.other_campaign
    review.assessment.save()
    assert not Material.objects.restrict(review.expert).exists()


def test_the_expert_reads_list_detail_preview_and_download_pages(review, login):
    client = login(review.expert)
    listing = client.get("/evidence/").content.decode()
    assert "食堂清单" in listing and "抽检计划" not in listing and "盐亭" not in listing
    assert client.get(f"/evidence/{review.mine.pk}/").status_code == 200
    download = client.get(f"/evidence/files/{review.mine.current_id}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert client.get(f"/evidence/files/{review.mine.current_id}/?inline=1").status_code == 200
    for other in (review.theirs, review.elsewhere):
        assert client.get(f"/evidence/{other.pk}/").status_code == 404
        assert client.get(f"/evidence/files/{other.current_id}/").status_code == 404


def test_the_experts_matrix_shows_their_groups_requirements_only(review, login):
    page = login(review.expert).get(f"/evidence/matrix/?campaign={review.campaign.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert review.req_shitang.name in html
    assert review.req_choujian.name not in html and review.req_kaohe.name not in html


def test_the_experts_score_form_links_the_items_materials(review, login):
    page = login(review.expert).get(f"/scoring/groups/{review.group.pk}/items/{review.items[1].pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "食堂清单" in html
    assert f"/evidence/files/{review.mine.current_id}/" in html and "/evidence/matrix/" in html
    assert "抽检计划" not in html


def test_the_expert_reads_through_the_api_and_writes_nothing(review, api):
    client = api(review.expert)
    listed = client.get("/api/evidence/materials/").json()
    assert [m["title"] for m in listed["results"]] == ["食堂清单"]
    assert client.get(f"/api/evidence/materials/{review.theirs.pk}/").status_code == 404
    assert client.get(f"/api/evidence/materials/{review.elsewhere.pk}/").status_code == 404
    mine = client.get(f"/api/evidence/materials/{review.mine.pk}/").json()
    refused = client.patch(
        f"/api/evidence/materials/{review.mine.pk}/",
        {"title": "改", "version": mine["version"]},
        format="json",
    )
    assert refused.status_code in (403, 404)
    assert Material.objects.get(pk=review.mine.pk).title == "食堂清单"
    matrix = client.get(f"/api/evidence/materials/matrix/?campaign={review.campaign.pk}").json()
    assert [c["requirement"] for c in matrix["cells"]] == [review.req_shitang.pk]
