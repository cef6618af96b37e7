"""The one page without login: answering a survey or quiz through its link `/s/<token>/`."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from shian.core.public import PublicView, device_token
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region
from shian.surveys import services
from shian.surveys.figures import quota_fill
from shian.surveys.models import Link


class AnswerView(PublicView):
    throttle_scope = "survey"
    post_rate = (10, 60)

    def get_link(self, token):
        if not (8 <= len(token) <= 32):
            raise Http404
        link = (
            Link.objects.select_related("survey__campaign__region", "township", "unit")
            .filter(token=token)
            .first()
        )
        if link is None:
            raise Http404
        return link

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
            "questions": survey.questions.all(),
            "townships": townships,
            "closed": not (survey.is_open and link.is_active),
            **extra,
        }

    def get(self, request, token):
        link = self.get_link(token)
        device_token(request)  # the browser gets its device cookie before it answers
        return render(request, "surveys/answer.html", self.context(link))

    def post(self, request, token):
        link = self.get_link(token)
        answers = {k[1:]: v for k, v in request.POST.items() if k.startswith("q") and k[1:].isdigit()}
        township = None
        raw = request.POST.get("township", "")
        if raw.isdigit() and len(raw) < 12:
            township = Region.objects.filter(pk=int(raw), level=RegionLevel.TOWNSHIP).first()
        if link.township_id is None and not link.survey.is_quiz and township is None:
            return render(
                request,
                "surveys/answer.html",
                self.context(link, error="请选择您所在的乡镇（街道）", chosen=answers),
                status=400,
            )
        try:
            response = services.submit_response(
                link,
                answers,
                device=device_token(request),
                township=township,
                respondent=request.POST.get("respondent", "")[:40],
            )
        except ValidationError as exc:
            return render(
                request,
                "surveys/answer.html",
                self.context(link, error="；".join(exc.messages), chosen=answers),
                status=400,
            )
        review = []
        if link.survey.is_quiz:
            for q in link.survey.questions.all():
                picked = response.answers.get(str(q.seq))
                right = next((i for i, o in enumerate(q.options) if o.get("correct")), None)
                review.append(
                    {
                        "q": q,
                        "ok": picked == right,
                        "right": q.options[right]["label"] if right is not None else "",
                        "explanation": q.explanation,
                    }
                )
        return render(
            request,
            "surveys/thanks.html",
            {"title": "提交成功", "survey": link.survey, "response": response, "review": review},
        )
