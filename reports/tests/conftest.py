from reports.tests.dataset import contacts, history  # noqa: F401 - the hand-counted history
