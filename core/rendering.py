"""The form renderer: widgets drawn by Jinja2 (Django's own widget templates for it), a third
of what the Django template language costs for the fields of a form; templates Jinja2 has
not (the admin's widgets) still come from the Django templates."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    def __init__(self):
        super().__init__()
        self.fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
