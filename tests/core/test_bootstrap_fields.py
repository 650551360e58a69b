"""``core.forms.BootstrapBoundField`` writes a plain ``<select>`` in Python (issue 16): the
markup must be what Django's template-rendered widget writes, for every state a filter form
shows."""

from django import forms
from django.forms.boundfield import BoundField
from django.test import SimpleTestCase

from core.forms import BootstrapForm


class Filter(BootstrapForm):
    colour = forms.ChoiceField(
        label="Colour", required=False, help_text="Pick one",
        choices=[("", "Any <colour>"), ("red", "Red & co"), ("blue", '"Blue"'), (3, "Three")],
    )
    shape = forms.ChoiceField(choices=[("round", "Round"), ("square", "Square")])
    grouped = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("Warm", [("red", "Red"), ("amber", "Amber")])]
    )
    many = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])
    radio = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=[("x", "X"), ("y", "Y")]
    )


def django_markup(bound):
    return BoundField.as_widget(bound)


class SelectMarkupTests(SimpleTestCase):
    def assert_same(self, form):
        for name in form.fields:
            with self.subTest(field=name):
                self.assertHTMLEqual(str(form[name]), django_markup(form[name]))

    def test_unbound_with_help_text_and_escaped_labels(self):
        form = Filter()
        self.assert_same(form)
        html = str(form["colour"])
        self.assertIn('aria-describedby="id_colour_helptext"', html)
        self.assertIn("Any &lt;colour&gt;", html)
        self.assertIn('class="form-select"', html)

    def test_bound_and_selected(self):
        form = Filter({"colour": "3", "shape": "square", "grouped": "amber"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assert_same(form)
        self.assertIn('<option value="3" selected>Three</option>', str(form["colour"]))

    def test_with_errors(self):
        form = Filter({"colour": "green"})
        self.assertFalse(form.is_valid())
        self.assert_same(form)
        html = str(form["colour"])
        self.assertIn("is-invalid", html)
        self.assertIn('aria-invalid="true"', html)

    def test_a_value_that_would_inject_markup_is_escaped(self):
        form = Filter({"colour": '"><script>x</script>'})
        form.is_valid()
        self.assert_same(form)
        self.assertNotIn("<script>", str(form["colour"]))
