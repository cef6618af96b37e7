from django.db import models


class DocumentKind(models.TextChoices):
    BULLETIN = "bulletin", "工作简报"
    CIRCULAR = "circular", "调度通报"
    SUMMARY = "summary", "阶段工作总结"
    SELF_ASSESSMENT = "self-assessment", "自评报告"
    REVIEW = "review", "评审报告"


# Which parameters each kind takes (the form and the command check them).
KIND_PARAMS = {
    DocumentKind.BULLETIN: ("period",),
    DocumentKind.CIRCULAR: ("round",),
    DocumentKind.SUMMARY: ("period",),
    DocumentKind.SELF_ASSESSMENT: ("assessment",),
    DocumentKind.REVIEW: ("assessment",),
}
