"""Every process-wide memo is forgotten between tests (`process_memos()` in tests/conftest.py)."""

import ast
import importlib
from pathlib import Path

from tests.conftest import process_memos

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "awards_site")
EMPTY_CONTAINER_CALLS = {"dict", "list", "set", "OrderedDict", "defaultdict", "WeakKeyDictionary"}
CACHE_DECORATORS = {"cache", "lru_cache"}


def _name(node) -> str:
    while isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _is_empty_container(node) -> bool:
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.List | ast.Set):
        return not node.elts
    return isinstance(node, ast.Call) and _name(node) in EMPTY_CONTAINER_CALLS and not node.args


def _memos_in(body, prefix: str):
    """Names of the module- or class-level empty containers and cached functions in `body`."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            if node.name == "Meta":  # options (`fields = []`), not state
                continue
            yield from _memos_in(node.body, f"{prefix}.{node.name}")
        elif isinstance(node, ast.FunctionDef):
            if any(_name(decorator) in CACHE_DECORATORS for decorator in node.decorator_list):
                yield f"{prefix}.{node.name}"
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if _is_empty_container(node.value):
                yield from (f"{prefix}.{t.id}" for t in targets if isinstance(t, ast.Name))


def memos_in_the_code() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found.update(_memos_in(ast.parse(path.read_text()).body, module))
    return found


def resolve(dotted: str):
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


def test_every_memo_in_the_code_is_forgotten_between_tests():
    missing = memos_in_the_code() - set(process_memos())
    assert not missing, f"add these process-wide memos to process_memos() in tests/conftest.py: {missing}"


def test_every_listed_memo_still_exists():
    for name in process_memos():
        resolve(name)  # raises for a memo that was renamed or removed


def test_the_check_sees_the_memos_it_is_meant_to_see():
    found = memos_in_the_code()
    assert {"registry.sql._compiled", "registry.filters._countries"} <= found
    assert "registry.clients._networks" in found  # an lru_cache
    assert "registry.awards.AWARD_COLUMNS" not in found  # a constant table, not a memo
