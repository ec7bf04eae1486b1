from reports.tests.dataset import history  # noqa: F401 - the hand-counted history fixture
