"""Distribution: QR codes and posters per link, one-time code cards, and the unlinkability of answers."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from shian.core.models import AuditLog
from shian.surveys import distribution, services
from shian.surveys.models import AccessCode, CallRecord, CodeBatch, DeviceMark, Interviewer, Response

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def form(survey, index=0, /, **extra):
    return {**{f"q{q.seq}": str(index) for q in survey.questions.current()}, **extra}


def test_qr_png_encodes_the_public_address_of_the_link(login, survey, cast, settings):
    settings.SHIAN_SITE_URL = "https://cs.example.gov.cn"
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    r = login(cast.office_user).get(reverse("surveys:link_qr", args=[link.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    body = r.content
    assert body.startswith(PNG)
    # Same bytes as the QR of the expected address (qrcode is deterministic), so the address is inside.
    assert body == distribution.qr_png(f"https://cs.example.gov.cn/s/{link.token}/")
    assert body != distribution.qr_png(f"https://cs.example.gov.cn/s/{link.token}x/")


def test_poster_is_a_printable_a4_page_with_the_qr(login, survey, cast, settings):
    settings.SHIAN_SITE_URL = "https://cs.example.gov.cn"
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    r = login(cast.leader).get(reverse("surveys:link_poster", args=[link.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert f"https://cs.example.gov.cn/s/{link.token}/" in body and "data:image/png;base64," in body
    assert "surveys/print.css" in body and cast.town.name in body and "<script" not in body


def test_codes_are_generated_in_a_batch_and_printed_as_cards(login, survey, cast):
    batch = services.generate_codes(survey, 25, actor=cast.office_user, name="入户第一批")
    codes = list(batch.codes.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 25
    assert all(len(c) == 8 and set(c) <= set(services.CODE_ALPHABET) for c in codes)
    survey.refresh_from_db()
    assert survey.access == "codes" and batch.link.survey == survey
    page = login(cast.office_user).get(reverse("surveys:code_cards", args=[batch.pk])).content.decode()
    assert all(c in page for c in codes) and page.count("data:image/png;base64,") == 25


def test_only_managers_generate_codes_and_batches_are_bounded(survey, cast):
    with pytest.raises(PermissionDenied):
        services.generate_codes(survey, 5, actor=cast.leader)
    with pytest.raises(PermissionDenied):
        services.generate_codes(survey, 5, actor=cast.other_office_user)
    with pytest.raises(ValidationError, match="数量"):
        services.generate_codes(survey, services.MAX_BATCH + 1, actor=cast.office_user)
    assert not CodeBatch.objects.exists()


def test_a_code_opens_the_survey_once(client, survey, cast):
    batch = services.generate_codes(survey, 3, actor=cast.office_user, township=cast.town)
    first, second = batch.codes.values_list("code", flat=True)[:2]
    url = f"/s/{batch.link.token}/"
    page = client.get(f"{url}?code={first}").content.decode()
    assert f'value="{first}"' in page and 'name="code"' in page
    no_code = client.post(url, form(survey))
    assert no_code.status_code == 400 and "答题码" in no_code.content.decode()
    assert client.post(url, form(survey, code=first.lower())).status_code == 200
    again = client.post(url, form(survey, code=first))
    assert again.status_code == 400 and "已使用" in again.content.decode()
    # The same phone may answer again with another card: codes, not devices, are the defence here.
    assert client.post(url, form(survey, code=second)).status_code == 200
    assert Response.objects.count() == 2 and not DeviceMark.objects.exists()
    assert AccessCode.objects.filter(used=True).count() == 2


def test_a_code_of_another_survey_does_not_open_this_one(client, survey, cast):
    other = services.create_survey(cast.campaign, actor=cast.office_user, kind="support")
    theirs = services.generate_codes(other, 1, actor=cast.office_user).codes.get()
    batch = services.generate_codes(survey, 1, actor=cast.office_user, township=cast.town)
    r = client.post(f"/s/{batch.link.token}/", form(survey, code=theirs.code))
    assert r.status_code == 400 and not Response.objects.exists()
    theirs.refresh_from_db()
    assert not theirs.used


def test_a_failed_answer_does_not_spend_the_code(client, survey, cast):
    batch = services.generate_codes(survey, 1, actor=cast.office_user, township=cast.town)
    code = batch.codes.get()
    answers = form(survey, code=code.code)
    del answers["q3"]
    assert client.post(f"/s/{batch.link.token}/", answers).status_code == 400
    code.refresh_from_db()
    assert not code.used


RELATED_TO_ANSWERS = (Response,)
DEFENCES = (AccessCode, CodeBatch, DeviceMark)


def _relations(model):
    # Forward relations only (the columns and join tables a model itself declares).
    return {f.related_model for f in [*model._meta.fields, *model._meta.many_to_many] if f.is_relation}


def test_no_table_joins_an_answer_to_a_code_or_a_device():
    # Neither side points at the other ...
    for defence in DEFENCES:
        assert Response not in _relations(defence), defence
        assert defence not in _relations(Response), defence
    # ... no third table holds both (a join table would link them) ...
    for model in apps.get_models():
        related = _relations(model)
        if Response in related:
            assert not related & set(DEFENCES), model
    # ... the interviewer's call records do not point at the answers either ...
    assert Response not in _relations(CallRecord) and CallRecord not in _relations(Response)
    assert Interviewer not in _relations(Response)
    # ... and there is no time to line them up by: answers keep a date, marks and codes no time at all.
    assert not any(isinstance(f, models.DateTimeField) for f in Response._meta.fields)
    for defence in (AccessCode, DeviceMark):
        assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in defence._meta.fields)
    # The order of marks says nothing either: their key is random.
    assert isinstance(DeviceMark._meta.pk, models.UUIDField)


def test_answering_with_a_code_changes_only_its_used_flag_and_logs_nothing(client, survey, cast):
    batch = services.generate_codes(survey, 2, actor=cast.office_user, township=cast.town)
    code = batch.codes.first()
    before = AccessCode.objects.filter(pk=code.pk).values().get()
    audit_before = AuditLog.objects.count()
    assert client.post(f"/s/{batch.link.token}/", form(survey, code=code.code)).status_code == 200
    after = AccessCode.objects.filter(pk=code.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {"used"}
    assert AuditLog.objects.count() == audit_before
    response = Response.objects.get()
    assert code.code not in str(response.answers) and response.submitted_on is not None


def test_the_public_page_reaches_nothing_else(client, survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    other = services.create_survey(cast.campaign, actor=cast.office_user, kind="support")
    batch = services.generate_codes(other, 1, actor=cast.office_user)
    # Every office page, file and API of the app asks for a login.
    for url in (
        reverse("surveys:survey_detail", args=[survey.pk]),
        reverse("surveys:survey_export", args=[survey.pk]),
        reverse("surveys:link_qr", args=[link.pk]),
        reverse("surveys:link_poster", args=[link.pk]),
        reverse("surveys:code_cards", args=[batch.pk]),
        reverse("surveys:interview", args=[survey.pk]),
    ):
        assert client.get(url).status_code == 302, url
    assert client.get(f"/api/surveys/{survey.pk}/").status_code in (401, 403)
    assert client.get(f"/api/surveys/{survey.pk}/results/").status_code in (401, 403)
    # Ids and paths in the public URL space lead nowhere.
    for url in (f"/s/{link.pk}/", f"/s/{batch.pk}/", f"/s/{link.token}/qr.png", "/s/"):
        assert client.get(url).status_code == 404, url
    # Fields that are not part of the form are ignored: the answer lands in the link's survey.
    r = client.post(f"/s/{link.token}/", form(survey, survey=other.pk, unit=cast.edu.pk, channel="phone"))
    assert r.status_code == 200
    answer = Response.objects.get()
    assert answer.survey == survey and answer.unit is None and answer.channel == "link"
    assert not other.responses.exists()


def test_rate_limit_is_per_address(client, survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    url = f"/s/{link.token}/"
    codes = [client.post(url, {}, REMOTE_ADDR="10.0.0.1").status_code for _ in range(11)]
    assert codes[-1] == 429
    assert client.post(url, {}, REMOTE_ADDR="10.0.0.2").status_code == 400  # another address is not held up


def test_codes_and_qr_from_the_detail_page(login, survey, cast):
    c = login(cast.leader)
    c.post(reverse("surveys:survey_action", args=[survey.pk, "codes"]), {"size": 5})
    assert not CodeBatch.objects.exists()  # leaders read, they do not hand out codes
    c = login(cast.office_user)
    c.post(reverse("surveys:survey_action", args=[survey.pk, "codes"]), {"size": 5, "township": cast.town.pk})
    batch = CodeBatch.objects.get()
    assert batch.codes.count() == 5 and batch.link.township == cast.town
    page = c.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert reverse("surveys:code_cards", args=[batch.pk]) in page
    assert reverse("surveys:link_qr", args=[batch.link.pk]) in page and "0/5 已使用" in page
    other = login(cast.other_office_user)
    assert other.get(reverse("surveys:code_cards", args=[batch.pk])).status_code == 404
    assert other.get(reverse("surveys:link_qr", args=[batch.link.pk])).status_code == 404
    assert other.get(reverse("surveys:link_poster", args=[batch.link.pk])).status_code == 404
