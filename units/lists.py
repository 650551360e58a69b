"""The three lists (需求清单、资源清单、项目清单) and matching a need with resources.

Reads first (filters over querysets already scoped by ``for_user``, the rows a page shows,
the suggestions for a need, a project's resources), then writes (saving a need, a resource or
a project; matching a need). Writes are keyword-only, validate, and write nothing when they
refuse (ValidationError). A resource's amount is what an offer is worth, never summed as money
(money is counted from funding lines only: docs/decisions.md).
"""

from collections.abc import Iterable

import django_filters
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    Agreement,
    ListKind,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceStatus,
    Unit,
    Urgency,
)

PAGE_SIZE = 25
# A project in one of these states is finished: its need is met, its resources used.
FINISHED = (ProjectStatus.DONE, ProjectStatus.PUBLICISED)


# --- reads --------------------------------------------------------------------------------

def partner_units(committee):
    """Units with a co-building agreement in force with the committee today: the units that
    may offer it resources."""
    return Unit.objects.filter(
        Agreement.in_force_q("agreements__"), agreements__committee=committee
    ).distinct().order_by("name")


def offerable_units(user, committee, *, committee_side: bool):
    """The units ``user`` may record a resource for in this committee: every partner unit for
    the committee's side, otherwise the partner units the user answers for (a liaison's own)."""
    units = partner_units(committee)
    if committee_side:
        return units
    return units.filter(pk__in=Unit.objects.for_user(user, write=True).values("pk"))


def need_branches(user, committee):
    """Branches the user may raise a need for in this committee. Party groups are left out:
    a need is raised by a branch, and the scope lets a branch secretary keep only the needs
    of their branch itself."""
    branch = apps.get_model("branches.Branch")  # above units: named, not imported
    return (
        branch.objects.for_user(user, write=True).of_committee(committee)
        .order_by("kind", "name")
    )


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=ListKind.choices, empty_label=gettext_lazy("All kinds")
    )
    urgency = django_filters.ChoiceFilter(
        label=gettext_lazy("Urgency"), choices=Urgency.choices,
        empty_label=gettext_lazy("Any urgency"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=NeedStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )

    class Meta:
        model = Need
        fields = ["q", "kind", "urgency", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset


def need_filter(user, committee, data) -> NeedFilter:
    """The committee's needs as ``user`` may see them, filtered by ``data`` (a GET)."""
    return NeedFilter(
        data or None, queryset=Need.objects.for_user(user).filter(committee=committee)
    )


def need_rows(queryset):
    """Open needs first (the urgent ones at the top), then the rest, newest first."""
    return queryset.select_related("branch").order_by(
        Case(When(status=NeedStatus.OPEN, then=Value(0)), default=Value(1)),
        Case(
            When(urgency=Urgency.HIGH, then=Value(0)),
            When(urgency=Urgency.NORMAL, then=Value(1)),
            default=Value(2),
        ),
        "-raised_on",
        "-pk",
    )


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=ListKind.choices, empty_label=gettext_lazy("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=ResourceStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(),
        empty_label=gettext_lazy("All units"),
    )

    class Meta:
        model = Resource
        fields = ["kind", "status", "unit"]

    def __init__(self, data=None, *, queryset, units, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["unit"].queryset = units
        self.form.fields["unit"].queryset = units


def resource_filter(user, committee, data) -> ResourceFilter:
    """The resources offered to the committee as ``user`` may see them; the unit choices are
    the units that offered it something."""
    units = (
        Unit.objects.for_user(user)
        .filter(
            pk__in=Resource.objects.for_user(user).filter(committee=committee).values("unit_id")
        )
        .order_by("name")
    )
    return ResourceFilter(
        data or None,
        queryset=Resource.objects.for_user(user).filter(committee=committee),
        units=units,
    )


def resource_rows(queryset):
    """Offered resources first, then committed, used and withdrawn; newest first."""
    return queryset.select_related("unit").order_by(
        Case(
            When(status=ResourceStatus.OFFERED, then=Value(0)),
            When(status=ResourceStatus.COMMITTED, then=Value(1)),
            When(status=ResourceStatus.USED, then=Value(2)),
            default=Value(3),
        ),
        "-offered_on",
        "-pk",
    )


def editable_ids(user, model, rows) -> set[int]:
    """Which of the rows (one page) the user may change: one query, whatever the page size."""
    pks = [row.pk for row in rows]
    if not pks:
        return set()
    return set(model.objects.for_user(user, write=True).filter(pk__in=pks).values_list(
        "pk", flat=True
    ))


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=ProjectStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )

    class Meta:
        model = Project
        fields = ["status"]


def project_filter(user, committee, data) -> ProjectFilter:
    return ProjectFilter(
        data or None, queryset=Project.objects.for_user(user).filter(committee=committee)
    )


def project_rows(queryset):
    """What a project row shows (its need and units), in two queries with the page."""
    return (
        queryset.select_related("need")
        .prefetch_related("units")
        .order_by("-created_at", "-pk")
    )


def suggested_resources(need):
    """The committee's resources still on offer for the need: those of the need's kind first
    (``same_kind`` is True on them), then the others; newest first within each."""
    return (
        Resource.objects.filter(committee_id=need.committee_id, status=ResourceStatus.OFFERED)
        .annotate(
            same_kind=Case(
                When(kind=need.kind, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("unit")
        .order_by("-same_kind", "kind", "-offered_on", "-pk")
    )


def project_resources(project, user):
    """The project's resources ``user`` may see (offers stay between the committee's side and
    the unit), with their units, by unit."""
    return (
        Resource.objects.for_user(user).filter(projects=project)
        .select_related("unit").order_by("unit__name", "pk")
    )


# --- writes -------------------------------------------------------------------------------

def need_save(*, need: Need) -> Need:
    """Create or update a need; the branch that raised it must be one of the committee's."""
    need.title = need.title.strip()
    branch = apps.get_model("branches.Branch")  # above units: named, not imported
    if need.branch_id is not None and not branch.objects.of_committee(
        need.committee
    ).filter(pk=need.branch_id).exists():
        raise ValidationError({"branch": _("Choose a branch of this committee.")})
    need.full_clean()
    with transaction.atomic():
        if need.pk is not None:
            stored = Need.objects.select_for_update().values_list("status", flat=True).get(
                pk=need.pk
            )
            if stored not in (NeedStatus.OPEN, NeedStatus.WITHDRAWN) and stored != need.status:
                raise ValidationError(_("The need was matched meanwhile: reload the page."))
        need.save()
    return need


def resource_save(*, resource: Resource) -> Resource:
    """Create or update a resource. A new one needs its unit to have a co-building agreement
    in force with the committee."""
    resource.description = resource.description.strip()
    if resource.pk is None and not partner_units(resource.committee_id).filter(
        pk=resource.unit_id
    ).exists():
        raise ValidationError(
            {"unit": _("The unit has no co-building agreement in force with this committee.")}
        )
    resource.full_clean()
    with transaction.atomic():
        if resource.pk is not None:
            stored = Resource.objects.select_for_update().get(pk=resource.pk)
            if stored.status not in (ResourceStatus.OFFERED, ResourceStatus.WITHDRAWN):
                # Committed or used: the project and the ledger count it as it was.
                if (stored.status != resource.status or stored.amount != resource.amount
                        or stored.kind != resource.kind):
                    raise ValidationError(
                        _("The resource is committed to a project: its kind, amount and "
                          "status no longer change.")
                    )
        resource.save()
    return resource


def _project_dates_errors(project: Project) -> dict:
    errors = {}
    if project.started_on and project.finished_on and project.finished_on < project.started_on:
        errors["finished_on"] = _("A project cannot finish before it starts.")
    elif project.status in FINISHED and not project.finished_on:
        errors["finished_on"] = _("Say when the project finished.")
    return errors


@transaction.atomic
def project_save(*, project: Project) -> Project:
    """Update a project. When it becomes done (or publicised), its need is met and its
    resources are used."""
    errors = _project_dates_errors(project)
    if errors:
        raise ValidationError(errors)
    project.full_clean()
    before = Project.objects.select_for_update().values_list("status", flat=True).get(
        pk=project.pk
    )
    if before in FINISHED and project.status not in FINISHED:
        raise ValidationError(
            {"status": _("A finished project stays finished: its need was met and its "
                         "resources used.")}
        )
    project.save()
    if project.status in FINISHED and before not in FINISHED:
        if project.need_id is not None:
            Need.objects.filter(
                pk=project.need_id, status__in=[NeedStatus.OPEN, NeedStatus.MATCHED]
            ).update(status=NeedStatus.MET)
        project.resources.filter(
            status__in=[ResourceStatus.OFFERED, ResourceStatus.COMMITTED]
        ).update(status=ResourceStatus.USED)
    return project


@transaction.atomic
def need_match(
    *, need: Need, resources: Iterable[Resource], title: str, owner: str, user
) -> Project:
    """Meet an open need with resources on offer to its committee: a proposed project with
    those resources and their units; the resources become committed, the need matched.

    The need and the resources are locked and read again, so two people matching at the same
    moment cannot commit one resource twice. A refusal writes nothing.
    """
    chosen = sorted({r.pk for r in resources})
    if not chosen:
        raise ValidationError({"resources": _("Choose at least one resource.")})
    locked_need = Need.objects.select_for_update().get(pk=need.pk)
    if locked_need.status != NeedStatus.OPEN:
        raise ValidationError(
            _("This need is no longer open (%(status)s).")
            % {"status": locked_need.get_status_display()}
        )
    locked = list(Resource.objects.select_for_update().filter(pk__in=chosen).order_by("pk"))
    errors = []
    if len(locked) != len(chosen):
        errors.append(_("A chosen resource no longer exists."))
    for resource in locked:
        if resource.committee_id != locked_need.committee_id:
            errors.append(
                _("“%(resource)s” is not offered to this committee.")
                % {"resource": resource.description}
            )
        elif resource.status != ResourceStatus.OFFERED:
            errors.append(
                _("“%(resource)s” is no longer on offer (%(status)s).")
                % {"resource": resource.description, "status": resource.get_status_display()}
            )
    if errors:
        raise ValidationError({"resources": errors})
    project = Project(
        committee_id=locked_need.committee_id,
        need=locked_need,
        title=(title or "").strip(),
        owner=(owner or "").strip(),
        status=ProjectStatus.PROPOSED,
        created_by=user,
    )
    project.full_clean()
    project.save()
    project.resources.set(locked)
    project.units.set(sorted({r.unit_id for r in locked}))
    Resource.objects.filter(pk__in=chosen).update(status=ResourceStatus.COMMITTED)
    locked_need.status = NeedStatus.MATCHED
    locked_need.save(update_fields=["status"])
    need.status = NeedStatus.MATCHED
    return project
