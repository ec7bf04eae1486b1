"""What migrations that hand a model from one app to another share."""

from django.db import migrations


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """Rename the models' content types, so the admin's log and anything else that names them
    follows the model to its new app (the table stays where it was)."""

    def forward(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        for model in models:
            if not content_types.filter(app_label=to_app, model=model).exists():
                content_types.filter(app_label=from_app, model=model).update(app_label=to_app)

    def backward(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        for model in models:
            if not content_types.filter(app_label=from_app, model=model).exists():
                content_types.filter(app_label=to_app, model=model).update(app_label=from_app)

    return migrations.RunPython(forward, backward)
