from shian.reports.models import Document


def test_api_drafts_edits_and_generates(cast, api, dispatch_round):
    c = api(cast.office_user)
    r = c.post(
        "/api/documents/",
        {"campaign": cast.campaign.pk, "kind": "circular", "round": dispatch_round.pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    doc_id, version = r.json()["id"], r.json()["version"]
    assert r.json()["issue_no"] == 1
    preview = c.get(f"/api/documents/{doc_id}/preview/").json()
    assert [s["key"] for s in preview["sections"]] == ["intro", "requirements"]
    assert preview["figures"]["late"] == 1 and "按时报送率33.3%" in preview["html"]
    assert (
        c.patch(f"/api/documents/{doc_id}/", {"narrative": {"intro": "开头"}}, format="json").status_code
        == 400
    )
    ok = c.patch(
        f"/api/documents/{doc_id}/", {"narrative": {"intro": "开头"}, "version": version}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["narrative"] == {"intro": "开头"}
    stale = c.patch(
        f"/api/documents/{doc_id}/", {"narrative": {"intro": "再改"}, "version": version}, format="json"
    )
    assert stale.status_code == 409
    gen = c.post(f"/api/documents/{doc_id}/generate/")
    assert gen.status_code == 201 and gen.json()["number"] == 1 and gen.json()["has_pdf"] is False
    dl = c.get(f"/api/document-files/{gen.json()['id']}/download/")
    assert dl.status_code == 200 and b"".join(dl.streaming_content)[:2] == b"PK"
    rendered = c.get(f"/api/documents/{doc_id}/render/")
    assert rendered.status_code == 200 and rendered.content[:2] == b"PK"


def test_api_leader_reads_only(cast, api, dispatch_round):
    from shian.reports import services

    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    c = api(cast.leader)
    assert c.get(f"/api/documents/{doc.pk}/").status_code == 200
    assert c.post(f"/api/documents/{doc.pk}/generate/").status_code == 403
    assert (
        c.patch(
            f"/api/documents/{doc.pk}/", {"title": "x", "version": doc.version}, format="json"
        ).status_code
        == 403
    )
    assert Document.objects.get().files.count() == 0
