from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Branch
from branches.selectors import opens_keeping_committee
from committees.models import Committee
from core import sections
from core.pages import form_page, paginate
from core.scope import (
    can_see_contact_details,
    can_see_full_id_number,
    can_write,
    get_for_user,
    is_member_or_writer,
    reads_committee,
    reads_committee_roster,
)

from . import selectors, services
from .forms import MemberForm
from .models import CorrectionStatus, Member

ROSTER_PAGE_SIZE = 50


def _roster_page(request, *, roster_filter, title, context):
    page = paginate(request, selectors.roster_values(roster_filter.qs),
                    per_page=ROSTER_PAGE_SIZE)
    page.object_list = selectors.roster_rows(page.object_list)
    return render(
        request,
        "members/member_list.html",
        {
            **context,
            "title": title,
            "filter": roster_filter,
            "page": page,
            "filtered": any(request.GET.get(k) for k in roster_filter.filters),
        },
    )


@login_required
def committee_roster(request, pk):
    committee = get_for_user(request.user, Committee, pk=pk)
    return _roster_page(
        request,
        roster_filter=selectors.committee_roster_filter(request.user, committee, request.GET),
        title=_("Members of %(name)s") % {"name": committee.name},
        context={"committee": committee, "can_add": can_write(request.user, committee),
                 "whole": reads_committee_roster(request.user, committee)},
    )


@login_required
def branch_roster(request, pk):
    branch = get_for_user(
        request.user, Branch, pk=pk, queryset=Branch.objects.select_related("committee")
    )
    # A party group's roster is its members; a branch's is its whole membership, with its
    # groups offered as a filter.
    if branch.is_group:
        members = Member.objects.for_user(request.user).filter(party_group=branch)
    else:
        members = Member.objects.for_user(request.user).filter(branch=branch)
    branches = Branch.objects.for_user(request.user).filter(Q(pk=branch.pk) | Q(parent=branch))
    return _roster_page(
        request,
        roster_filter=selectors.RosterFilter(
            request.GET or None, queryset=members, branches=branches
        ),
        title=_("Members of %(name)s") % {"name": branch.name},
        context={
            "committee": branch.committee, "branch": branch, "can_add": False,
            "opens_committee": opens_keeping_committee(request.user, branch),
            "whole": can_write(request.user, branch),
        },
    )


def _detail(request, member, *, full_id_number=None):
    can_edit = can_write(request.user, member)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "committee": member.committee,
            "can_edit": can_edit,
            # an in-service member asking to check in here may live where this user cannot go
            "opens_committee": reads_committee(request.user, member.committee),
            "opens_branch": member.opens_branch,
            "opens_group": member.opens_group,
            "can_commit": is_member_or_writer(request.user, member, writes=can_edit),
            "transfers": member.transfers.select_related("from_branch", "to_branch"),
            "commitments": member.commitments.all(),
            "appraisals": member.appraisals.select_related("branch"),
            "checkins": member.checkins.select_related("committee", "group"),
            "corrections": (member.correction_requests.filter(status=CorrectionStatus.PENDING)
                            if can_edit else ()),
            "can_reveal": can_see_full_id_number(request.user, member),
            "show_contact": can_see_contact_details(request.user, member, writes=can_edit),
            "full_id_number": full_id_number,
            "cards": sections.render("member-detail", request, member),
        },
    )


def _member_queryset():
    return Member.objects.select_related(
        "committee", "committee__district", "branch", "party_group", "employer_unit"
    )


def _member_page_queryset(user):
    """``_member_queryset`` with whether the user opens the member's branch and party group: a
    member lives here and may hold their membership where this user cannot go (their
    employer's organisation, kept by another committee). Read with the member: no query."""
    def opens(field):
        return Exists(Branch.objects.for_user(user).filter(pk=OuterRef(field)))

    return _member_queryset().annotate(
        opens_branch=opens("branch_id"), opens_group=opens("party_group_id")
    )


@login_required
def member_detail(request, pk):
    member = get_for_user(
        request.user, Member, pk=pk, queryset=_member_page_queryset(request.user)
    )
    return _detail(request, member)


@login_required
@require_POST
def member_id_number(request, pk):
    """Show the full ID number once, to those entitled; the view is written to the audit log.
    A POST, so that neither the number nor the act of looking sits in a URL or a cache."""
    member = get_for_user(
        request.user, Member, pk=pk, queryset=_member_page_queryset(request.user)
    )
    full = services.member_id_number_reveal(member=member, user=request.user)
    response = _detail(request, member, full_id_number=full)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, committee_pk):
    committee = get_for_user(request.user, Committee, write=True, pk=committee_pk)
    form = MemberForm(
        request.POST or None, instance=Member(committee=committee),
        user=request.user, committee=committee,
    )
    return form_page(
        request, form,
        save=lambda f: services.member_save(member=f.instance, user=request.user),
        title=_("Register a member in %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Member registered."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_update(request, pk):
    member = get_for_user(request.user, Member, write=True, pk=pk, queryset=_member_queryset())
    form = MemberForm(
        request.POST or None, instance=member, user=request.user, committee=member.committee,
    )
    if not can_see_full_id_number(request.user, member):
        # The form would otherwise print the full number into the page.
        del form.fields["id_number"]
    elif request.method == "GET" and member.id_number:
        # The form shows the full number: a view of it, logged like a reveal.
        services.member_id_number_reveal(member=member, user=request.user)
    response = form_page(
        request, form,
        save=lambda f: services.member_save(member=f.instance, user=request.user),
        title=_("Edit %(name)s") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        success_message=_("Member saved."),
    )
    if "id_number" in form.fields:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def member_password_link(request, pk):
    """A secretary makes a link for a member without an email address to set a new password:
    shown once, on a page nothing caches; the link works once, for two hours."""
    member = get_for_user(request.user, Member, write=True, pk=pk, queryset=_member_queryset())
    try:
        path = services.password_reset_link(member=member, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(member.get_absolute_url())
    response = render(request, "members/password_link.html", {
        "member": member, "committee": member.committee,
        "link": request.build_absolute_uri(path),
        "until": timezone.localtime() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    })
    response["Cache-Control"] = "no-store"
    return response
