import pytest
from django.conf import settings

from helpdesk.celery import app
from helpdesk.tests.test_settings import PRODUCTION, manage


def test_the_celery_app_carries_the_task_time_limits():
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT == 120
    assert settings.CELERY_TASK_TIME_LIMIT == 150
    assert app.conf.task_soft_time_limit == 120
    assert app.conf.task_time_limit == 150


def test_the_task_time_limits_are_read_from_the_environment():
    code = (
        "from helpdesk.celery import app;"
        "print(app.conf.task_soft_time_limit, app.conf.task_time_limit)"
    )
    env = {"CELERY_TASK_SOFT_TIME_LIMIT": "30", "CELERY_TASK_TIME_LIMIT": "45"}
    result = manage("shell", "-c", code, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    assert "30 45" in result.stdout.splitlines()


@pytest.mark.parametrize(
    ("soft", "hard", "message"),
    [
        ("150", "120", "CELERY_TASK_TIME_LIMIT=120 must be above CELERY_TASK_SOFT_TIME_LIMIT=150"),
        ("120", "120", "CELERY_TASK_TIME_LIMIT=120 must be above CELERY_TASK_SOFT_TIME_LIMIT=120"),
        ("0", "150", "CELERY_TASK_SOFT_TIME_LIMIT=0 is not a positive number of seconds"),
        ("two minutes", "150", "CELERY_TASK_SOFT_TIME_LIMIT='two minutes' is not a whole number"),
    ],
)
def test_a_bad_pair_of_task_time_limits_refuses_to_start(soft, hard, message):
    result = manage(
        "check", **PRODUCTION, CELERY_TASK_SOFT_TIME_LIMIT=soft, CELERY_TASK_TIME_LIMIT=hard
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"helpdesk: refusing to start: {message}"]
