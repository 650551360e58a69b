"""Pages of the check-in (报到): the member's own page (with withdrawing a waiting check-in),
the QR poster, the secretary's queue, and ending a confirmed check-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee
from core import sections
from core.pages import confirm_page, decision, form_page
from core.qr import qr_svg
from core.scope import checkin_targets, get_for_user, scope_of

from . import checkins
from .in_service_forms import CheckInEndForm
from .models import CheckIn, CheckInStatus, SignUp, SignUpStatus
from .selectors import own_member

# The member's page lists their latest correction requests (the file has them all).
MY_CORRECTIONS = 10


@login_required
def my_page(request):
    if scope_of(request.user).member_id is None:
        signup = SignUp.objects.filter(user=request.user).select_related("committee").first()
        if signup is None:
            raise Http404("This account is not linked to a member.")
        return render(request, "members/signup_state.html", {"signup": signup})
    member = own_member(request.user, "committee", "branch")
    history = list(member.checkins.select_related("committee", "group"))
    active = next((c for c in history if c.status in (CheckInStatus.PENDING,
                                                        CheckInStatus.CONFIRMED)), None)
    return render(
        request,
        "members/me.html",
        {
            "member": member,
            "history": history,
            "active": active,
            "targets": checkin_targets(request.user).order_by("name"),
            "corrections": list(member.correction_requests.all()[:MY_CORRECTIONS]),
            "cards": sections.render("member-me", request, member),
        },
    )


@login_required
@require_POST
def my_checkin(request):
    member = own_member(request.user, "committee", "branch")
    committee = checkin_targets(request.user).filter(pk=request.POST.get("committee")).first()
    if committee is None:
        messages.error(request, _("Choose the community where you live."))
        return redirect("members:me")

    def decide():
        checkins.checkin_request(member=member, committee=committee)
        messages.success(request, _sent(committee))

    return decision(request, decide, next_url=reverse("members:me"))


def _sent(committee) -> str:
    return _("Check-in to %(name)s sent. The community's secretary will confirm it.") % {
        "name": committee.name}


@login_required
def checkin_scan(request, token):
    """Where the poster's QR code leads: sign in if needed, then check in with one tap."""
    committee_id = checkins.committee_from_token(token)
    if committee_id is None:
        raise Http404("This check-in code is not valid.")
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        raise Http404("This community no longer exists.")
    member = own_member(request.user, "committee", "branch")
    me = reverse("members:me")
    return confirm_page(
        request,
        action=lambda: checkins.checkin_request(member=member, committee=committee),
        title=pgettext("residence check-in", "Check in"), cancel_url=me, next_url=me,
        done_message=_sent(committee),
        template="members/checkin_scan.html", context={"committee": committee},
        refused_url=me,
    )


@login_required
def checkin_poster(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    url = request.build_absolute_uri(
        reverse("members:checkin-scan", args=[checkins.poster_token(committee)])
    )
    return render(
        request,
        "members/checkin_poster.html",
        {
            "committee": committee,
            "qr_svg": qr_svg(url, scale=8),
            "url": url,
        },
    )


@login_required
def checkin_queue(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    scoped = CheckIn.objects.for_user(request.user).filter(committee=committee)
    pending = list(
        scoped.filter(status=CheckInStatus.PENDING)
        .select_related("member", "member__branch")
        .order_by("requested_at")[:200]
    )
    decided = list(
        scoped.exclude(status=CheckInStatus.PENDING)
        .select_related("member")
        .order_by("-decided_at", "-pk")[:20]
    )
    signups = list(
        SignUp.objects.for_user(request.user, write=True)
        .filter(committee=committee, status=SignUpStatus.PENDING)
        .order_by("created_at")[:200]
    )
    return render(
        request,
        "members/checkin_queue.html",
        {"committee": committee, "pending": pending, "decided": decided, "signups": signups},
    )


def _decide(request, pk, decide):
    checkin = get_for_user(
        request.user, CheckIn, write=True, pk=pk,
        queryset=CheckIn.objects.select_related("member", "committee"),
    )
    # Deciding is the checked-in committee's: the member's own record holders only read it.
    get_for_user(request.user, Committee, write=True, pk=checkin.committee_id)
    return decision(
        request, lambda: decide(checkin),
        next_url=reverse("members:checkin-queue", args=[checkin.committee_id]),
    )


@login_required
@require_POST
def checkin_confirm(request, pk):
    def decide(checkin):
        checkins.checkin_confirm(checkin=checkin, user=request.user)
        messages.success(request, _("%(name)s is checked in.") % {"name": checkin.member.name})

    return _decide(request, pk, decide)


@login_required
@require_POST
def checkin_return(request, pk):
    def decide(checkin):
        checkins.checkin_return(
            checkin=checkin, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, _("The check-in of %(name)s was returned.") % {"name": checkin.member.name}
        )

    return _decide(request, pk, decide)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_withdraw(request, pk):
    """The member takes back their own check-in while it waits: asked first."""
    member = own_member(request.user)
    checkin = get_for_user(
        request.user, CheckIn, pk=pk,
        queryset=CheckIn.objects.filter(member=member).select_related("committee"),
    )
    me = reverse("members:me")
    return confirm_page(
        request,
        action=lambda: checkins.checkin_withdraw(checkin=checkin, member=member),
        title=_("Withdraw the check-in"), cancel_url=me, next_url=me, refused_url=me,
        done_message=_("Your check-in to %(name)s is withdrawn.") % {
            "name": checkin.committee.name},
        obj=checkin,
        context={"question": _(
            "Withdraw your check-in to %(name)s? The community's secretary will no longer "
            "see it; you may then check in elsewhere.") % {"name": checkin.committee.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_end(request, pk):
    """The committee ends a confirmed check-in with a reason: the form is the question."""
    checkin = get_for_user(
        request.user, CheckIn, write=True, pk=pk,
        queryset=CheckIn.objects.select_related("member", "committee", "group"),
    )
    # Ending is the checked-in committee's, as deciding is.
    get_for_user(request.user, Committee, write=True, pk=checkin.committee_id)
    form = CheckInEndForm(request.POST or None)
    in_service = reverse("members:in-service", args=[checkin.committee_id])
    return form_page(
        request, form,
        save=lambda f: checkins.checkin_end(
            checkin=checkin, user=request.user, reason=f.cleaned_data["reason"],
            note=f.cleaned_data["note"],
        ),
        title=_("End the check-in of %(name)s") % {"name": checkin.member.name},
        cancel_url=in_service, next_url=in_service,
        success_message=_("The check-in of %(name)s has ended.") % {
            "name": checkin.member.name},
        template="members/checkin_end.html",
        context={"committee": checkin.committee, "checkin": checkin},
    )
