from shian.organisation.models import Region, Unit


def test_unit_list_queries_do_not_grow_with_rows(cast, login, django_assert_max_num_queries):
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        assert client.get("/organisation/").status_code == 200
    for i in range(40):
        Unit.objects.create(name=f"测试单位{i}", kind="member", region=cast.county)
    with django_assert_max_num_queries(12):
        response = client.get("/organisation/")
    assert "测试单位1" in response.content.decode()


def test_unit_list_export_xlsx_contains_only_scoped_rows(cast, login):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    response = login(cast.office_user).get("/organisation/?export=xlsx")
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    names = {r[0] for r in rows[1:]}
    assert "三台县教育局" in names and "盐亭县教育局" not in names
    assert rows[0][0] == "单位名称"


def test_office_creates_unit_and_it_is_audited(cast, login):
    from shian.core.models import AuditLog

    client = login(cast.office_user)
    response = client.post(
        "/organisation/units/add/",
        {
            "name": "三台县卫生健康局",
            "kind": "member",
            "region": cast.county.pk,
            "sort_order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(name="三台县卫生健康局")
    entry = AuditLog.objects.get(object_id=str(unit.pk), action="create", content_type__model="unit")
    assert entry.actor == cast.office_user


def test_stale_edit_form_is_refused(cast, login):
    client = login(cast.office_user)
    data = {
        "name": cast.edu.name,
        "kind": "member",
        "region": cast.county.pk,
        "sort_order": 1,
        "is_active": "on",
        "contact_person": "新联系人",
        "edit_version": cast.edu.version,
    }
    assert client.post(f"/organisation/units/{cast.edu.pk}/edit/", data).status_code == 302
    data["contact_person"] = "覆盖者"
    response = client.post(f"/organisation/units/{cast.edu.pk}/edit/", data)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Unit.objects.get(pk=cast.edu.pk).contact_person == "新联系人"


def test_moving_a_region_moves_its_subtree_paths(cast):
    cast.county.parent = cast.province
    cast.county.level = 3
    cast.county.save()
    town = Region.objects.get(pk=cast.town.pk)
    assert town.path == "/510000/510722/510722100/"
