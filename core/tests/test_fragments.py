"""`{% same_for %}`: a part rendered once for each set of its values and language."""

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

PAGE = Template(
    "{% load i18n fragments %}"
    "{% same_for role %}{% translate 'Log in' %} {{ role }} {{ count }}{% endsame_for %}"
    " {{ count }}"
)


def test_rendered_once_for_the_same_values_and_again_for_others():
    with translation.override("en"):
        assert PAGE.render(Context({"role": "agent", "count": 1})) == "Log in agent 1 1"
        # What the part does not list is not read again inside it: only outside it.
        assert PAGE.render(Context({"role": "agent", "count": 2})) == "Log in agent 1 2"
        assert PAGE.render(Context({"role": "manager", "count": 3})) == "Log in manager 3 3"


def test_each_language_its_own():
    with translation.override("en"):
        english = PAGE.render(Context({"role": "light", "count": 1}))
    with translation.override("pt-br"):
        portuguese = PAGE.render(Context({"role": "light", "count": 1}))
    assert english.startswith("Log in light")
    assert portuguese.startswith("Entrar light")


def test_two_parts_of_a_template_are_two():
    page = Template(
        "{% load fragments %}{% same_for %}a{% endsame_for %}{% same_for %}b{% endsame_for %}"
    )
    assert page.render(Context()) == "ab"


def test_a_setting_changed_renders_again():
    with translation.override("en"):
        PAGE.render(Context({"role": "master", "count": 1}))
        with override_settings(DEBUG=True):
            assert PAGE.render(Context({"role": "master", "count": 2})) == "Log in master 2 2"
