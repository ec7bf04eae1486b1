"""`{% same_for a b %}…{% endsame_for %}`: a part of a page that reads nothing but `a`, `b`
and the language (links, labels, menus): rendered once a process for each set of values and
language, then given as it was. The layout's menus, the shortcuts' help and the panel's links
cost each page a third of its template time, for text that is the same for every agent.

Only what the listed values decide may go inside: nothing of the person (their name), of the
request (a CSRF token, a nonce, the path) or of the data.
"""

import itertools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

_RENDERED: dict[tuple, str] = {}
# Far more than the parts times the languages times the roles; past it, all start again.
_LIMIT = 4096
_ids = itertools.count()


@receiver(setting_changed)
def _forget(**kwargs):
    """A setting changed (a test's URLs, languages): render every part again."""
    _RENDERED.clear()


class SameForNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values
        self.number = next(_ids)  # not id(): a node freed and another made may share one

    def render(self, context):
        key = (
            self.number,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            *(value.resolve(context) for value in self.values),
        )
        found = _RENDERED.get(key)
        if found is None:
            found = self.nodelist.render(context)
            if len(_RENDERED) >= _LIMIT:
                _RENDERED.clear()
            _RENDERED[key] = found
        return found


@register.tag
def same_for(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endsame_for",))
    parser.delete_first_token()
    return SameForNode(nodelist, values)
