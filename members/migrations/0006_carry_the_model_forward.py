"""Carry every existing row into the corrected model of the 大党委 (see docs/decisions.md,
"The model of the 大党委").

1. In-service member groups were branches (kind ``in_service``). Each becomes an
   ``InServiceGroup`` of its committee, led by its former secretary; the committee's confirmed
   check-ins are placed in it. A member whose membership sat in such a group keeps it where it
   really is (their employer's organisation, named as text) and keeps a confirmed check-in to
   that committee. What cannot exist for a group that is not a branch goes: its 三会一课
   meetings, appraisals by it, transfers into it, its secretary's role (the secretary's member
   record becomes the group's leader).
2. Party groups hold no membership: a member whose branch was a group now has the group's
   branch as their branch and the group as ``party_group``. Transfers and appraisals that named
   a group name its branch; a "transfer" between two groups of one branch was an edit and is
   dropped (the member's group says where they are now). Groups have no term.
3. A unit's party organisation exists once: copies in several committees ("…党支部（学苑）",
   "…（禹西）") are merged into the oldest, which loses the community suffix; each committee it
   was in becomes a ``CommitteeMembership`` from the date it was founded. Every row that named
   a copy (members, groups, meetings, transfers, appraisals, needs, activities, roles) names
   the one organisation.
4. A check-in ended before check-ins had a reason was ended by moving house.

Forward only in meaning: going back keeps the members in their branches and drops the groups'
new tables (the old in-service branches and copies are not recreated).
"""

import re
from datetime import date

from django.db import migrations
from django.db.models import Q

SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")


def forward(apps, schema_editor):
    Branch = apps.get_model("branches", "Branch")
    CommitteeMembership = apps.get_model("branches", "CommitteeMembership")
    Member = apps.get_model("members", "Member")
    CheckIn = apps.get_model("members", "CheckIn")
    InServiceGroup = apps.get_model("members", "InServiceGroup")
    Transfer = apps.get_model("members", "Transfer")
    Appraisal = apps.get_model("members", "Appraisal")
    Meeting = apps.get_model("meetings", "Meeting")
    Need = apps.get_model("units", "Need")
    Activity = apps.get_model("activities", "Activity")
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    today = date.today()

    CheckIn.objects.filter(status="ended", end_reason="").update(end_reason="moved_away")

    # 1. In-service groups out of the branches.
    in_service = list(Branch.objects.filter(kind="in_service").order_by("pk"))
    per_committee = {}
    for old in in_service:
        per_committee.setdefault(old.committee_id, []).append(old)
    for committee_id, olds in per_committee.items():
        for old in olds:
            names = InServiceGroup.objects.filter(committee_id=committee_id)
            name = old.name if not names.filter(name=old.name).exists() else f"{old.name}（{old.pk}）"
            leader_id = old.secretary_id
            if leader_id is None:
                role = RoleAssignment.objects.filter(
                    role="branch_secretary", branch=old, user__member__isnull=False
                ).values_list("user__member", flat=True).first()
                leader_id = role
            group = InServiceGroup.objects.create(
                committee_id=committee_id, name=name[:100], leader_id=leader_id
            )
            if len(olds) == 1:
                CheckIn.objects.filter(
                    committee_id=committee_id, status="confirmed", group__isnull=True
                ).update(group=group)
            ids = [old.pk, *Branch.objects.filter(parent=old).values_list("pk", flat=True)]
            for member in Member.objects.filter(
                Q(branch_id__in=ids) | Q(party_group_id__in=ids)
            ).select_related("employer_unit"):
                if member.branch_id in ids:
                    member.branch_id = None
                    member.outside_organisation = (
                        f"{member.employer_unit.name}党组织" if member.employer_unit_id
                        else f"{member.employer_name}党组织" if member.employer_name
                        else "原工作单位党组织"
                    )[:100]
                member.party_group_id = None
                member.save(update_fields=["branch", "outside_organisation", "party_group"])
                active = CheckIn.objects.filter(member=member, status__in=["pending", "confirmed"])
                if not active.exists():
                    CheckIn.objects.create(
                        member=member, committee_id=committee_id, status="confirmed",
                        started_on=old.founded or today, group=group,
                    )
            Transfer.objects.filter(to_branch_id__in=ids).delete()
            for transfer in Transfer.objects.filter(from_branch_id__in=ids):
                transfer.from_outside = Branch.objects.get(pk=transfer.from_branch_id).name[:100]
                transfer.from_branch_id = None
                transfer.save(update_fields=["from_branch", "from_outside"])
            Appraisal.objects.filter(branch_id__in=ids).delete()
            Meeting.objects.filter(branch_id__in=ids).delete()
            Need.objects.filter(branch_id__in=ids).update(branch=None)
            Activity.branches.through.objects.filter(branch_id__in=ids).delete()
            RoleAssignment.objects.filter(branch_id__in=ids).delete()
            Branch.objects.filter(parent_id=old.pk).delete()
            old.delete()

    # 2. Party groups hold no membership.
    parent_of = dict(
        Branch.objects.filter(parent__isnull=False).values_list("pk", "parent_id")
    )
    _remap_transfers(Transfer, parent_of)
    for group_id, parent_id in parent_of.items():
        Member.objects.filter(branch_id=group_id).update(
            branch_id=parent_id, party_group_id=group_id
        )
        Appraisal.objects.filter(branch_id=group_id).update(branch_id=parent_id)
    Branch.objects.filter(parent__isnull=False).update(term_start=None, term_end=None)

    # 3. One party organisation per unit, a member organisation of each committee it was in.
    by_unit = {}
    for org in Branch.objects.filter(kind="unit", parent__isnull=True).order_by("pk"):
        by_unit.setdefault(org.unit_id, []).append(org)
    for unit_id, orgs in by_unit.items():
        keeper, copies = orgs[0], orgs[1:]
        for org in orgs:
            committee = org.committee
            CommitteeMembership.objects.get_or_create(
                committee_id=org.committee_id, branch=keeper, left_on=None,
                defaults={"joined_on": org.founded or committee.established or today},
            )
        if not copies or unit_id is None:
            continue
        ids = [c.pk for c in copies]
        base = SUFFIX.sub("", keeper.name).strip() or keeper.name
        if not Branch.objects.filter(committee_id=keeper.committee_id, name=base).exclude(
            pk=keeper.pk
        ).exists():
            keeper.name = base
        if keeper.secretary_id is None:
            keeper.secretary_id = next((c.secretary_id for c in copies if c.secretary_id), None)
        keeper.save(update_fields=["name", "secretary"])
        # The copies' party groups move under the one organisation (and its committee).
        for group in Branch.objects.filter(parent_id__in=ids):
            name = group.name
            if Branch.objects.filter(committee_id=keeper.committee_id, name=name).exists():
                name = f"{name}（{group.committee.name}）"[:100]
            Branch.objects.filter(pk=group.pk).update(
                committee_id=keeper.committee_id, parent_id=keeper.pk, name=name
            )
        Member.objects.filter(branch_id__in=ids).update(branch_id=keeper.pk)
        _remap_transfers(Transfer, dict.fromkeys(ids, keeper.pk))
        Appraisal.objects.filter(branch_id__in=ids).update(branch_id=keeper.pk)
        Meeting.objects.filter(branch_id__in=ids).update(
            branch_id=keeper.pk, committee_id=keeper.committee_id
        )
        Need.objects.filter(branch_id__in=ids).update(branch_id=keeper.pk)
        through = Activity.branches.through
        for link in through.objects.filter(branch_id__in=ids):
            through.objects.get_or_create(activity_id=link.activity_id, branch_id=keeper.pk)
        through.objects.filter(branch_id__in=ids).delete()
        for role in RoleAssignment.objects.filter(branch_id__in=ids):
            if RoleAssignment.objects.filter(
                user_id=role.user_id, role=role.role, branch_id=keeper.pk
            ).exists():
                role.delete()
            else:
                role.branch_id = keeper.pk
                role.save(update_fields=["branch"])
        Branch.objects.filter(pk__in=ids).delete()


def _remap_transfers(Transfer, new_branch):
    """Point transfers at ``new_branch[old]``; one that would then go from a branch to the
    same branch was not a transfer (a move between groups, or between copies of one
    organisation) and is dropped."""
    moved = Transfer.objects.filter(
        Q(from_branch_id__in=list(new_branch)) | Q(to_branch_id__in=list(new_branch))
    )
    for transfer in moved:
        source = new_branch.get(transfer.from_branch_id, transfer.from_branch_id)
        target = new_branch.get(transfer.to_branch_id, transfer.to_branch_id)
        if source is not None and source == target:
            transfer.delete()
        else:
            Transfer.objects.filter(pk=transfer.pk).update(
                from_branch_id=source, to_branch_id=target
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_in_service_groups_and_party_group"),
        ("branches", "0005_committee_membership"),
        ("meetings", "0002_content_types_from_activities"),
        ("activities", "0003_meetings_moved_to_meetings_app"),
        ("units", "0003_party_member_count_reported"),
        ("core", "0002_notification"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
