from shian.registry.models import Business
from shian.registry.testing import category, credit_code, make_business
from shian.registry.tests.sheets import rows, xlsx


def test_the_list_filters_by_category_and_region_in_bounded_queries(
    cast, login, django_assert_max_num_queries
):
    for i in range(30):
        make_business(
            cast.town if i % 2 else cast.town2,
            i + 1,
            category_code="small_eatery" if i % 3 else "school",
            name=f"店{i}",
        )
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        page = client.get("/registry/").content.decode()
    assert "共 30 条" in page
    school = category("school")
    page = client.get(f"/registry/?category={school.pk}&region={cast.town.pk}").content.decode()
    assert "共 5 条" in page


def test_office_creates_and_edits_a_business_with_a_version(cast, login):
    client = login(cast.office_user)
    data = {
        "name": "三台县实验小学食堂",
        "credit_code": credit_code(cast.town.code, 7, "12"),
        "licence_no": "",
        "category": category("school").pk,
        "region": cast.town.pk,
        "status": "open",
        "risk_grade": "C",
    }
    response = client.post("/registry/add/", data)
    assert response.status_code == 302, response.content.decode()
    b = Business.objects.get(name="三台县实验小学食堂")
    response = client.post(f"/registry/{b.pk}/edit/", {**data, "risk_grade": "D", "edit_version": b.version})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.risk_grade == "D" and b.version == 2
    stale = client.post(f"/registry/{b.pk}/edit/", {**data, "risk_grade": "A", "edit_version": 1})
    assert stale.status_code == 409


def test_the_form_names_a_wrong_credit_code(cast, login):
    client = login(cast.office_user)
    data = {
        "name": "错码店",
        "credit_code": "91350100M000100Y44",
        "category": category("school").pk,
        "region": cast.town.pk,
        "status": "open",
    }
    page = client.post("/registry/add/", data).content.decode()
    assert "校验位错误" in page and not Business.objects.exists()


def test_the_import_page_reports_errors_and_imports_nothing(cast, login):
    client = login(cast.office_user)
    data = rows(cast)
    data[0][4] = "火锅城"
    response = client.post("/registry/import/", {"file": xlsx(data)})
    assert response.status_code == 400 and "火锅城" in response.content.decode()
    response = client.post("/registry/import/", {"file": xlsx(rows(cast))})
    assert response.status_code == 302 and Business.objects.count() == 3


def test_the_detail_page_shows_the_card(cast, login):
    b = make_business(cast.town, 1, bright_kitchen=True)
    page = login(cast.town_liaison).get(f"/registry/{b.pk}/").content.decode()
    assert b.credit_code in page and "明厨亮灶" in page and "编辑" in page
    page = login(cast.edu_liaison).get(f"/registry/{b.pk}/").content.decode()
    assert b.name in page and f"/registry/{b.pk}/edit/" not in page
