"""你点我检 without login: the poll's options, one vote per device, and the published results.

The page reaches its poll by token only; it shows option names, counts and (once published) the results
the office recorded — nothing else of the system. A device that voted is recognised by a keyed hash per
poll (core.public), so a repeated vote is refused without storing who voted.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from shian.community import services
from shian.community.choices import PollStatus
from shian.community.models import Poll, PollVote, SamplingTask
from shian.core.public import PublicView, device_fingerprint, device_token


class PickView(PublicView):
    throttle_scope = "pick"
    post_rate = (10, 60)

    def get_poll(self, token):
        poll = Poll.objects.filter(token=token).exclude(status=PollStatus.DRAFT).first()
        if poll is None:
            raise Http404
        return poll

    def page(self, request, poll, *, message="", error="", status=200):
        voted = PollVote.objects.filter(
            poll=poll, device=device_fingerprint(device_token(request), f"poll:{poll.pk}")
        ).exists()
        options = list(poll.options.only("id", "poll_id", "kind", "name", "votes", "chosen", "result"))
        # The published results name the sample's date and conclusion from the ledger, nothing else of it.
        sampled = dict(
            SamplingTask.objects.filter(option__poll=poll, sampling__isnull=False).values_list(
                "option_id", "sampling__sampled_on"
            )
        )
        for o in options:
            o.sampled_on = sampled.get(o.pk)
        return render(
            request,
            "community/pick.html",
            {
                "title": poll.title,
                "poll": poll,
                "options": options,
                "chosen": [o for o in options if o.chosen],
                "published": poll.status == PollStatus.PUBLISHED,
                "can_vote": poll.status == PollStatus.OPEN and not voted,
                "voted": voted,
                "message": message,
                "error": error,
            },
            status=status,
        )

    def get(self, request, token):
        return self.page(request, self.get_poll(token))

    def post(self, request, token):
        poll = self.get_poll(token)
        try:
            option = services.vote(poll, request.POST.get("option"), device_token(request))
        except ValidationError as exc:
            return self.page(request, poll, error="；".join(exc.messages), status=400)
        return self.page(request, poll, message=f"投票成功：{option.name}。感谢您的参与！")
