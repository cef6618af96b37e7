"""The demo's 包保: three levels of cadres bound by the rule, a year of visits, signed commitments, gaps."""


def test_demo_stewardship(db):
    from shian.core.demo import build_demo
    from shian.registry.models import Business
    from shian.stewardship import figures, services
    from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit, VisitFinding

    demo = build_demo()
    assert set(Cadre.objects.values_list("level", flat=True)) == {"county", "township", "village"}
    assert Binding.objects.count() > 300
    assert services.bindings_breaking_rule(Binding.objects.all()) == []
    assert services.cadres_over_load(Cadre.objects.all()) == []
    assert Business.objects.operating().exclude(bindings__is_active=True).exists()  # gaps to work on
    assert StewardVisit.objects.count() > 500 and VisitFinding.objects.filter(status="open").exists()
    assert 0 < Commitment.objects.count() < Cadre.objects.count()
    # as the visit form records them: a failed step has its note and its finding
    failed = StewardVisit.objects.filter(records_kept=False)
    assert failed.exists() and not failed.filter(records_note="").exists()
    assert not failed.exclude(findings__step=2).exists()
    office = demo["users"]["office"]
    from shian.campaigns.models import Campaign

    tiles = {t["label"]: t for t in figures.dashboard_tiles(Campaign.objects.get(), office)}
    assert 0 < tiles["包保覆盖率"]["value"] < 100 and 0 < tiles["包保督导按时率"]["value"] < 100
    t01 = demo["users"]["t01"]
    assert Cadre.objects.filter(user=t01).exists()
    from shian.stewardship.models import DutyRecord

    biz = demo["users"]["biz01"]
    assert biz.role == "business" and biz.check_password(demo["password"])
    business = biz.business_account.business
    assert business.safety_director and business.risk_controls.exists()
    assert DutyRecord.objects.values("business").distinct().count() > 10
    assert DutyRecord.objects.restrict(biz).exclude(business=business).count() == 0
    from shian.core.demo import demo_logins_text

    assert "biz01" in demo_logins_text(demo["password"])
