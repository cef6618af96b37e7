from shian.evidence import services
from shian.evidence.matching import Matcher
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import CHOUJIAN, KAOHE, SHITANG, docx_bytes, upload


def names(matches):
    return [m.name for m in matches]


def test_it_ranks_the_requirement_the_text_is_about_first(ev):
    matcher = Matcher.for_framework(ev.framework.pk)
    assert names(matcher.rank("\n".join(SHITANG)))[0] == "学校食堂食品安全责任清单"
    assert names(matcher.rank("\n".join(KAOHE)))[0] == "党政领导干部考核办法"
    ranked = matcher.rank("\n".join(CHOUJIAN))
    assert names(ranked)[0] == "食品抽检计划及抽检结果通报"
    assert ranked[0].score > ranked[1].score if len(ranked) > 1 else True
    assert {"抽检", "计划"} <= set(ranked[0].terms)


def test_unrelated_text_gets_no_suggestion(ev):
    assert Matcher.for_framework(ev.framework.pk).rank("今天天气晴朗，适合郊游。") == []


def test_a_material_uploaded_without_requirement_gets_ranked_suggestions(ev):
    (m,) = services.upload_materials(
        ev.campaign, [upload("2025年工作.docx", docx_bytes(*SHITANG))], actor=ev.edu_liaison
    )
    extract_material(m.pk)
    m = Material.objects.get(pk=m.pk)
    assert m.requirement is None
    top = m.suggestions[0]
    assert (top["requirement"], top["name"], top["indicator"]) == (
        ev.req_shitang.pk,
        "学校食堂食品安全责任清单",
        "1 党政同责",
    )
    assert top["terms"][:2] == ["学校食堂", "清单"]
    assert [s["score"] for s in m.suggestions] == sorted((s["score"] for s in m.suggestions), reverse=True)
