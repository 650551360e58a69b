from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Committee
from committees.selectors import mark_opened_committees
from committees.terms import term_badge
from core import sections
from core.pages import delete_page, form_page
from core.scope import can_write, get_for_user

from . import services
from .forms import BranchForm, MembershipEndForm, MembershipForm
from .models import Branch, CommitteeMembership
from .selectors import opens_keeping_committee


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request, committee_pk):
    committee = get_for_user(request.user, Committee, write=True, pk=committee_pk)
    initial = {"kind": request.GET.get("kind")} if request.method == "GET" else None
    form = BranchForm(
        request.POST or None, initial=initial, instance=Branch(committee=committee),
        user=request.user, committee=committee,
    )
    return form_page(
        request, form,
        save=lambda f: services.branch_save(branch=f.instance),
        title=_("New branch or party group in %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Branch created."),
        next_url=committee.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request, pk):
    """A party group under a branch: open to the branch's own secretary too."""
    parent = get_for_user(
        request.user, Branch, write=True, pk=pk, queryset=Branch.objects.select_related("committee")
    )
    if parent.is_group:
        raise Http404("Party groups sit under branches, not under other groups.")
    committee = parent.committee
    form = BranchForm(
        request.POST or None,
        instance=Branch(committee=committee, parent=parent, kind=parent.kind),
        user=request.user, committee=committee,
    )
    form.fields["parent"].disabled = True
    form.fields["kind"].disabled = True
    return form_page(
        request, form,
        save=lambda f: services.branch_save(branch=f.instance),
        title=_("New party group under %(name)s") % {"name": parent.name},
        cancel_url=parent.get_absolute_url(),
        success_message=_("Party group created."),
        next_url=parent.get_absolute_url(),
    )


@login_required
def branch_detail(request, pk):
    branch = get_for_user(
        request.user, Branch, pk=pk,
        queryset=Branch.objects.select_related("committee", "parent", "secretary", "unit"),
    )
    groups = list(branch.groups.select_related("secretary").order_by("name"))
    can_edit = can_write(request.user, branch)
    memberships = []
    if branch.kind == "unit" and not branch.is_group:
        memberships = list(
            CommitteeMembership.objects.for_user(request.user).filter(branch=branch)
            .select_related("committee").order_by("-left_on", "joined_on")
        )
        writable = set(
            CommitteeMembership.objects.for_user(request.user, write=True)
            .filter(branch=branch).values_list("pk", flat=True)
        )
        for membership in memberships:
            membership.can_end = membership.pk in writable and membership.left_on is None
        # A unit's organisation is read with every committee it is a member organisation of:
        # another it belongs to may be out of the reader's reach.
        mark_opened_committees(request.user, memberships)
    members = branch.group_members if branch.is_group else branch.members
    return render(
        request,
        "branches/branch_detail.html",
        {
            "branch": branch,
            "term": term_badge(branch.term_end),
            "committee": branch.committee,
            "opens_committee": opens_keeping_committee(request.user, branch),
            "groups": groups,
            "member_count": members.count(),
            "memberships": memberships,
            "can_edit": can_edit,
            "can_delete": can_edit and _may_delete(request.user, branch),
            "can_add_group": can_edit and not branch.is_group,
            "cards": sections.render(
                "branch-detail", request, branch, {"branch": branch, "can_edit": can_edit}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_update(request, pk):
    branch = get_for_user(
        request.user, Branch, write=True, pk=pk,
        queryset=Branch.objects.select_related("committee"),
    )
    form = BranchForm(
        request.POST or None, instance=branch, user=request.user, committee=branch.committee
    )
    return form_page(
        request, form,
        save=lambda f: services.branch_save(branch=f.instance),
        title=_("Edit %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        success_message=_("Branch saved."),
    )


def _may_delete(user, branch) -> bool:
    """Whether a user who may change ``branch`` may also remove it: a party group, yes; a
    top-level branch is the committee's to remove (one query)."""
    return branch.is_group or can_write(user, branch.committee)


@login_required
@require_http_methods(["GET", "POST"])
def branch_delete(request, pk):
    branch = get_for_user(
        request.user, Branch, write=True, pk=pk,
        queryset=Branch.objects.select_related("committee", "parent"),
    )
    if not _may_delete(request.user, branch):
        raise PermissionDenied
    next_url = (branch.parent or branch.committee).get_absolute_url()
    return delete_page(
        request, branch,
        delete=lambda: services.branch_delete(branch=branch),
        blockers=services.branch_delete_blockers(branch=branch),
        title=_("Delete %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        next_url=next_url,
        done_message=_("%(name)s deleted.") % {"name": branch.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_create(request, committee_pk):
    """A resident unit's party organisation (registered once) joins the committee."""
    committee = get_for_user(request.user, Committee, write=True, pk=committee_pk)
    form = MembershipForm(
        request.POST or None, instance=CommitteeMembership(committee=committee),
        committee=committee,
    )
    return form_page(
        request, form,
        save=lambda f: services.membership_add(membership=f.instance),
        title=_("A member organisation joins %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Member organisation added."),
        next_url=committee.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    """The organisation leaves the committee: the membership ends, its history stays."""
    membership = get_for_user(
        request.user, CommitteeMembership, write=True, pk=pk,
        queryset=CommitteeMembership.objects.select_related("committee", "branch"),
    )
    form = MembershipEndForm(request.POST or None)
    return form_page(
        request, form,
        save=lambda f: services.membership_end(
            membership=membership, left_on=f.cleaned_data["left_on"]
        ),
        title=_("%(org)s leaves %(committee)s") % {
            "org": membership.branch.name, "committee": membership.committee.name,
        },
        cancel_url=membership.branch.get_absolute_url(),
        success_message=_("The organisation is no longer a member organisation."),
        next_url=membership.branch.get_absolute_url(),
    )
