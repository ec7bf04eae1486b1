"""Fixtures of the attendance tests: a plan, a type, a script, a technician."""

import pytest

from accounts.tests.factories import AgentFactory
from attendance.models import (
    AttendanceScript,
    AttendanceType,
    ScriptOption,
    ScriptQuestion,
    ServicePlan,
)


@pytest.fixture
def plan(department):
    return ServicePlan.objects.create(name="Basic support", department=department)


@pytest.fixture
def phone_type():
    return AttendanceType.objects.create(name="Answered by phone")


@pytest.fixture
def script():
    script = AttendanceScript.objects.create(name="No internet")
    lights = ScriptQuestion.objects.create(
        script=script, position=0, question="Are the modem lights on?",
        client_explanation="Look at the modem.", operator_explanation="Open the monitor.",
    )  # fmt: skip
    restart = ScriptQuestion.objects.create(
        script=script, position=1, question="Does a restart help?"
    )
    cable = ScriptQuestion.objects.create(script=script, position=2, question="Cable plugged?")
    ScriptOption.objects.create(question=lights, label="Yes", next_question=restart)
    ScriptOption.objects.create(question=lights, label="No", next_question=cable)
    ScriptOption.objects.create(question=restart, label="It works now")
    ScriptOption.objects.create(question=restart, label="Still down", next_question=cable)
    ScriptOption.objects.create(question=cable, label="It was loose")
    return script


@pytest.fixture
def technician(department, password):
    return AgentFactory(
        email="tech@helpdesk.example", full_name="Tina Technician", departments=[department],
        is_technician=True, password=password,
    )  # fmt: skip
