"""The forms of two-way evaluation: the committee's ratings of its checked-in members (one row
per check-in: a rating and a remark; the record beside them is computed, never a field), and
a member's rating of a community."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Rating

from .models import Satisfaction

REMARK_MAX = 200


class ServiceRatingsForm(forms.Form):
    """For each check-in of ``rows`` (``evaluation.year_checkins``, with their ``rating`` and
    ``remark``): ``rating-<pk>`` (empty: not rated) and ``remark-<pk>``."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkins = list(rows)
        for checkin in self.checkins:
            name = checkin.member.name
            self.fields[f"rating-{checkin.pk}"] = forms.ChoiceField(
                label=_("Rating of %(name)s") % {"name": name},
                choices=[("", "—"), *Rating.choices], required=False,
                initial=checkin.rating or "",
            )
            self.fields[f"remark-{checkin.pk}"] = forms.CharField(
                label=_("Remark on %(name)s") % {"name": name}, max_length=REMARK_MAX,
                required=False, initial=checkin.remark or "",
            )

    @property
    def rows(self):
        """``(checkin, rating field, remark field)`` per row, for the table."""
        return [(c, self[f"rating-{c.pk}"], self[f"remark-{c.pk}"]) for c in self.checkins]

    def clean(self):
        data = super().clean()
        for checkin in self.checkins:
            rating, remark = f"rating-{checkin.pk}", f"remark-{checkin.pk}"
            if (data.get(remark) or "").strip() and not data.get(rating) and (
                    rating not in self.errors):
                self.add_error(rating, _("Choose a rating for %(name)s to go with the remark.")
                               % {"name": checkin.member.name})
        return data

    def changes(self):
        """``(checkin, rating, remark)`` for each row changed on the form."""
        changed = []
        for checkin in self.checkins:
            rating = self.cleaned_data[f"rating-{checkin.pk}"]
            remark = self.cleaned_data[f"remark-{checkin.pk}"].strip()
            if (rating, remark) != (checkin.rating or "", checkin.remark or ""):
                changed.append((checkin, rating, remark))
        return changed


class CommunityRatingForm(forms.Form):
    """A member's rating of one of the communities they may still rate (``targets``:
    ``evaluation.Target``s not rated yet)."""

    target = forms.ChoiceField(label=_("Community and year"))
    score = forms.TypedChoiceField(
        label=_("How well does the community organise members' service?"), coerce=int,
        choices=Satisfaction.choices, widget=forms.RadioSelect,
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {t.key: t for t in targets}
        self.fields["target"].choices = [
            (t.key, f"{t.committee.name} · {t.year}") for t in targets
        ]
        if len(targets) == 1:
            self.fields["target"].initial = targets[0].key

    @property
    def chosen(self):
        return self.targets[self.cleaned_data["target"]]
