"""Pages render for the county, the other county gets 404 on our cadre, suggestion binds by rule."""

from shian.registry.testing import make_business
from shian.stewardship.models import Binding, Cadre


def test_pages_render_and_other_county_gets_404(cast, login):
    c = Cadre.objects.create(name="张三", level="township", region=cast.town, phone="13800000001")
    make_business(cast.town, 1, baobao_level="township")
    client = login(cast.office_user)
    for url in ["/stewardship/", "/stewardship/bindings/", "/stewardship/unbound/", f"/stewardship/{c.pk}/"]:
        assert client.get(url).status_code == 200, url
    client.post("/stewardship/bindings/suggest/")
    assert Binding.objects.filter(cadre=c).count() == 1
    other = login(cast.other_office_user)
    assert other.get(f"/stewardship/{c.pk}/").status_code == 404


def test_api_lists_only_own_county_and_refuses_rule_breaking_binding(cast, api):
    c = Cadre.objects.create(name="张三", level="township", region=cast.town, phone="13800000001")
    wrong = make_business(cast.town, 2, baobao_level="county")
    assert api(cast.other_office_user).get("/api/stewardship/cadres/").json()["count"] == 0
    r = api(cast.office_user).post("/api/stewardship/bindings/", {"cadre": c.pk, "business": wrong.pk})
    assert r.status_code == 400 and "应包保" in str(r.json())
