"""The house rules import-linter cannot see: first-party imports hidden in function bodies (a
dependency pointing the wrong way), private names imported across apps, the size of the
tickets app, and comments that point at issue numbers instead of saying why."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "mail", "printing", "drafts", "accounts", "tickets", "fieldwork", "inbound", "chat",
        "workspace", "attendance", "reports", "api", "helpdesk"]  # fmt: skip
MAX_FUNCTION_IMPORTS = 5


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield app, path


def first_party(module: str) -> bool:
    return module.split(".")[0] in APPS


def is_first_party_import(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        return bool(node.level) or first_party(node.module)
    return isinstance(node, ast.Import) and any(first_party(alias.name) for alias in node.names)


def imports_in_function_bodies():
    found = []
    for _app, path in app_modules():
        source = path.read_text()
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                found += [
                    (path, node.lineno, lines[node.lineno - 2].strip())
                    for node in ast.walk(function)
                    if is_first_party_import(node)
                ]
    return found


def test_at_most_five_first_party_imports_sit_in_function_bodies_each_with_its_reason():
    found = imports_in_function_bodies()
    assert len(found) <= MAX_FUNCTION_IMPORTS, found
    for path, line, above in found:
        assert above.startswith("#"), f"{path}:{line} needs a one-line reason above it"


def test_no_app_imports_another_apps_private_names():
    offenders = []
    for app, path in app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            other = node.module.split(".")[0]
            if other in APPS and other != app:
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(part.startswith("_") for part in node.module.split(".")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    assert offenders == []


def test_the_tickets_app_stays_within_6750_lines():
    # Raised from 6,500 when claiming, guest links and held replies landed at once; at 6,765
    # the field work's pages moved out to their own app (fieldwork/). Its models are next.
    lines = sum(
        len(path.read_text().splitlines()) for app, path in app_modules() if app == "tickets"
    )
    assert lines <= 6750, lines


def test_no_comment_points_at_an_issue_number():
    pattern = re.compile(r"#.*\bissue\s*#?\d+|\(issue \d+|issue \d+\)", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for _app, path in app_modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
