"""Pages of two-way evaluation (双向评价): the committee's ratings of its checked-in members'
service (list and form), a member's anonymous rating of their community, and the district's
figures per committee in both directions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Committee, District
from core.dates import year_context, year_or_current
from core.pages import form_page, paginate
from core.scope import get_for_user
from members.selectors import own_member

from . import evaluation
from .evaluation_forms import CommunityRatingForm, ServiceRatingsForm


def _committee(request, pk):
    return get_for_user(request.user, Committee, write=True, pk=pk,
                        queryset=Committee.objects.select_related("district"))


def _year(request) -> int:
    return year_or_current(request.GET.get("year"), ahead=0)  # no rating of a year to come


@login_required
@require_GET
def committee_evaluation(request, pk):
    committee = _committee(request, pk)
    year = _year(request)
    page = evaluation.labelled_page(
        paginate(request, evaluation.year_checkins(committee, year)))
    return render(
        request,
        "activities/evaluation_committee.html",
        {
            "committee": committee, "page": page, **year_context(year),
            "rating_counts": evaluation.rating_counts(committee, year),
            "community": evaluation.community_figures([committee.pk], year).get(
                committee.pk, evaluation.CommunityFigures()),
            "min_shown": evaluation.MIN_SHOWN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_rate(request, pk):
    committee = _committee(request, pk)
    year = _year(request)
    page = paginate(request, evaluation.year_checkins(committee, year))
    form = ServiceRatingsForm(request.POST or None, rows=page.object_list)
    back = (f"{reverse('activities:committee-evaluation', args=[committee.pk])}"
            f"?year={year}&page={page.number}")
    return form_page(
        request, form,
        save=lambda f: evaluation.service_ratings_save(
            committee=committee, year=year, changes=f.changes(), user=request.user),
        title=_("Rate members' service %(year)s: %(name)s") % {
            "year": year, "name": committee.name},
        cancel_url=back,
        success_message=lambda n: ngettext(
            "%(n)s rating saved.", "%(n)s ratings saved.", n) % {"n": n},
        next_url=back,
        template="activities/evaluation_form.html",
        context={"committee": committee, "year": year, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_rating(request):
    member = own_member(request.user)
    targets = evaluation.community_targets(member)
    form = CommunityRatingForm(request.POST or None, targets=[t for t in targets if not t.rated])

    def save(f):
        evaluation.community_rate(member=member, committee=f.chosen.committee,
                                  year=f.chosen.year, score=f.cleaned_data["score"])

    return form_page(
        request, form, save=save,
        title=_("Rate your community's service"),
        cancel_url=reverse("members:me"),
        success_message=_("Thank you. Your rating is anonymous: the community sees only "
                          "how many rated and how."),
        next_url=reverse("activities:community-rating"),
        template="activities/community_rating.html",
        context={"targets": targets},
    )


@login_required
@require_GET
def district_evaluations(request, pk):
    district = get_for_user(request.user, District, pk=pk)
    year = _year(request)
    committees = list(
        Committee.objects.for_user(request.user).filter(district=district).order_by("name", "pk")
    )
    return render(
        request,
        "activities/evaluation_district.html",
        {
            "district": district, **year_context(year),
            "rows": evaluation.district_evaluations(committees, year),
            "min_shown": evaluation.MIN_SHOWN,
        },
    )
