"""The one page without login: answering a survey or quiz through its link `/s/<token>/`.

It reaches only the link's survey: its current questions and its county's townships. A closed-access
survey asks for a one-time code (from the card's QR `?code=` or typed in); an open one uses the device
cookie. Posts are throttled per address (PublicView), so codes cannot be guessed at any useful speed.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from shian.core.public import PublicView, device_token
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region
from shian.surveys import answering, services
from shian.surveys.choices import Access, AgeGroup, QuestionKind
from shian.surveys.figures import quota_fill
from shian.surveys.models import Link


class AnswerView(PublicView):
    throttle_scope = "survey"
    post_rate = (10, 60)

    def get_link(self, token):
        if not (8 <= len(token) <= 32):
            raise Http404
        try:
            return Link.objects.select_related("survey__campaign__region", "township", "unit").get(
                token=token
            )
        except Link.DoesNotExist:
            raise Http404 from None

    def context(self, link, **extra):
        survey = link.survey
        townships = []
        if link.township_id is None and not survey.is_quiz:
            full = {
                q["township"].pk
                for q in quota_fill(survey)
                if q["done"] >= q["target"] and q["quota"].close_when_full
            }
            townships = [
                (t, t.pk in full)
                for t in Region.objects.filter(
                    path__startswith=survey.campaign.region.path, level=RegionLevel.TOWNSHIP
                ).order_by("code")
            ]
        return {
            "title": survey.title,
            "survey": survey,
            "link": link,
            "questions": survey.questions.current(),
            "townships": townships,
            "needs_code": survey.access == Access.CODES,
            "age_groups": AgeGroup.choices if not survey.is_quiz else [],
            "closed": not (survey.is_open and link.is_active),
            **extra,
        }

    def get(self, request, token):
        link = self.get_link(token)
        device_token(request)  # the browser gets its device cookie before it answers
        code = request.GET.get("code", "")[:16]
        return render(request, "surveys/answer.html", self.context(link, code=code))

    def post(self, request, token):
        link = self.get_link(token)
        questions = list(link.survey.questions.current())
        multiple = {str(q.seq) for q in questions if q.kind == QuestionKind.MULTIPLE}
        answers = {
            k[1:]: (request.POST.getlist(k)[:50] if k[1:] in multiple else v)
            for k, v in request.POST.items()
            if k.startswith("q") and k[1:].isdigit() and len(k) < 6
        }
        code = request.POST.get("code", "")[:16]
        age_group = request.POST.get("age_group", "")
        age_group = age_group if age_group in AgeGroup.values else ""
        township = None
        raw = request.POST.get("township", "")
        if raw.isdigit() and len(raw) < 12 and link.township_id is None:
            township = next(
                iter(
                    Region.objects.filter(
                        pk=int(raw),
                        level=RegionLevel.TOWNSHIP,
                        path__startswith=link.survey.campaign.region.path,
                    ).order_by()
                ),
                None,
            )
        if link.township_id is None and not link.survey.is_quiz and township is None:
            return render(
                request,
                "surveys/answer.html",
                self.context(link, error="请选择您所在的乡镇（街道）", chosen=answers, code=code),
                status=400,
            )
        try:
            response = services.submit_response(
                link,
                answers,
                device=device_token(request),
                code=code,
                township=township,
                respondent=request.POST.get("respondent", "")[:40],
                age_group=age_group,
                questions=questions,
            )
        except ValidationError as exc:
            return render(
                request,
                "surveys/answer.html",
                self.context(link, error="；".join(exc.messages), chosen=answers, code=code),
                status=400,
            )
        review = []
        if link.survey.is_quiz:
            for q in link.survey.questions.current():
                if str(q.seq) not in response.answers or not answering.right_answer(q):
                    continue
                review.append(
                    {
                        "q": q,
                        "ok": answering.is_right(q, response.answers[str(q.seq)]),
                        "right": "、".join(q.options[i]["label"] for i in answering.right_answer(q)),
                        "explanation": q.explanation,
                    }
                )
        return render(
            request,
            "surveys/thanks.html",
            {"title": "提交成功", "survey": link.survey, "response": response, "review": review},
        )
