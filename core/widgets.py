"""Form widgets the lists draw on every request, written to be cheap to draw."""

from django import forms

from .jinja import render_fragment


class QuickSelect(forms.Select):
    """A <select> drawn by one Jinja2 fragment (templates/jinja2/forms/_select.html):
    Django's renders one template per <option>, which costs more than the rest of a list's
    filters. The same HTML, groups aside (they fall back)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Not list(): it asks a ModelChoiceIterator its length first, a COUNT(*) query.
        choices = [choice for choice in self.choices]  # noqa: C416
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = []
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            chosen = text in selected
            if chosen and not self.allow_multiple_selected:
                selected = set()  # only the first match, as Django marks it
            options.append((text, label, chosen))
        return render_fragment(
            "forms/_select.html",
            {"name": name, "attrs": self.build_attrs(self.attrs, attrs), "options": options},
        )
