from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.search import passage, search_materials
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import CHOUJIAN, KAOHE, SHITANG, docx_bytes, upload


def file_one(campaign, actor, name, paragraphs, requirement=None):
    (m,) = services.upload_materials(
        campaign, [upload(name, docx_bytes(*paragraphs))], actor=actor, requirement=requirement
    )
    extract_material(m.pk)
    return m


def titles(hits):
    return [h.material.title for h in hits]


def test_it_finds_materials_by_chinese_words_in_their_text(ev):
    file_one(ev.campaign, ev.office_user, "考核办法.docx", KAOHE)
    file_one(ev.campaign, ev.edu_liaison, "食堂清单.docx", SHITANG)
    file_one(ev.campaign, ev.market_liaison, "抽检计划.docx", CHOUJIAN)
    everything = Material.objects.restrict(ev.office_user)
    assert titles(search_materials(everything, "校长陪餐")) == ["食堂清单"]
    assert titles(search_materials(everything, "抽检结果 公开")) == ["抽检计划"]
    assert titles(search_materials(everything, "考核权重")) == ["考核办法"]
    assert search_materials(everything, "冷链物流") == []
    # words are matched as words: "食品安全" is in all three
    assert sorted(titles(search_materials(everything, "食品安全"))) == ["抽检计划", "考核办法", "食堂清单"]


def test_results_show_the_matching_passage(ev):
    file_one(ev.campaign, ev.edu_liaison, "食堂清单.docx", SHITANG)
    (hit,) = search_materials(Material.objects.restrict(ev.office_user), "陪餐制度")
    assert "落实校长<mark>陪餐</mark><mark>制度</mark>" in str(hit.passage)


def test_search_only_returns_what_the_user_may_see(ev):
    file_one(ev.campaign, ev.edu_liaison, "食堂清单.docx", SHITANG)
    file_one(ev.other_campaign, ev.other_liaison, "盐亭食堂清单.docx", SHITANG)
    assert titles(search_materials(Material.objects.restrict(ev.office_user), "陪餐")) == ["食堂清单"]
    assert titles(search_materials(Material.objects.restrict(ev.other_office_user), "陪餐")) == [
        "盐亭食堂清单"
    ]
    assert titles(search_materials(Material.objects.restrict(ev.market_liaison), "陪餐")) == []


def test_a_new_version_replaces_the_indexed_text(ev):
    m = file_one(ev.campaign, ev.edu_liaison, "清单.docx", SHITANG)
    m = Material.objects.get(pk=m.pk)
    services.add_version(
        m,
        upload("清单2.docx", docx_bytes("冷链食品追溯管理台账")),
        actor=ev.edu_liaison,
        expected_version=m.version,
    )
    extract_material(m.pk)
    qs = Material.objects.all()
    assert titles(search_materials(qs, "陪餐")) == []
    assert titles(search_materials(qs, "冷链 追溯")) == ["清单"]


def test_passage_escapes_html():
    assert str(passage("<b>学校</b>食堂", ["食堂"])) == "&lt;b&gt;学校&lt;/b&gt;<mark>食堂</mark>"
