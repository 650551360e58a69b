"""Pages of joint party lectures and organisational life: choosing the branches a joint
meeting invites, a branch's invitations, and adopting one (``meetings.joint``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Branch
from core.pages import decision, form_page, paginate
from core.scope import get_for_user

from . import joint
from .forms import JointBranchesForm
from .models import JointInvitation
from .views import _meeting, _signed_off_redirect


@login_required
@require_http_methods(["GET", "POST"])
def joint_branches(request, pk):
    # The committee's side, who hold the meeting.
    meeting = _meeting(request.user, pk, write=True)
    if not joint.is_joint(meeting):
        raise Http404("Only a joint party lecture or organisational life invites branches.")
    if meeting.status == "signed_off":
        return _signed_off_redirect(request, meeting)
    form = JointBranchesForm(
        request.POST or None, queryset=joint.invitable_branches(meeting.committee),
        initial={"branches": list(meeting.joint_invitations.values_list("branch_id", flat=True))},
    )
    return form_page(
        request, form,
        save=lambda f: joint.joint_invite(meeting=meeting, branches=f.cleaned_data["branches"],
                                          user=request.user),
        title=_("Branches invited to “%(title)s”") % {"title": meeting.title},
        cancel_url=meeting.get_absolute_url(),
        success_message=_("Invited branches saved."),
    )


@login_required
@require_GET
def branch_joint_meetings(request, pk):
    # The branch's secretary and the committee's side (who may change the branch).
    branch = get_for_user(
        request.user, Branch, pk=pk,
        queryset=Branch.objects.for_user(request.user, write=True).select_related("committee"),
    )
    if branch.parent_id:
        raise Http404("A party group is not invited: its branch is.")
    page = paginate(request, joint.branch_invitations(branch))
    return render(request, "meetings/joint_branch_list.html", {
        "branch": branch, "committee": branch.committee, "page": page,
        "rows": [(i, joint.counts_as_label(i.meeting)) for i in page],
    })


@login_required
@require_POST
def joint_adopt(request, pk):
    invitation = get_for_user(
        request.user, JointInvitation, write=True, pk=pk,
        queryset=JointInvitation.objects.select_related("meeting", "branch"),
    )

    def adopt():
        joint.joint_adopt(invitation=invitation, user=request.user)
        messages.success(request, _("%(branch)s counts “%(title)s” as its own.") % {
            "branch": invitation.branch.name, "title": invitation.meeting.title})

    return decision(request, adopt, next_url=reverse(
        "meetings:branch-joint-meetings", args=[invitation.branch_id]))
