"""Every public function and method of aigc_utils is documented and fully typed."""

import importlib
import inspect
import pkgutil

import pytest

import aigc_utils

MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(aigc_utils.__path__, "aigc_utils.")
    if not m.name.split(".")[-1].startswith("_")
]


def _public_callables():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
                for method_name, method in vars(obj).items():
                    if inspect.isfunction(method) and not method_name.startswith("_"):
                        yield f"{module.__name__}.{name}.{method_name}", method
                    elif isinstance(method, property):
                        yield f"{module.__name__}.{name}.{method_name}", method.fget


CALLABLES = list(_public_callables())


@pytest.mark.parametrize("qualname, obj", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_documented_and_typed(qualname, obj):
    assert inspect.getdoc(obj), f"{qualname} needs a docstring"
    if inspect.isclass(obj):
        return
    signature = inspect.signature(obj)
    for name, parameter in signature.parameters.items():
        if name in ("self", "cls") or parameter.kind is parameter.VAR_KEYWORD:
            continue
        assert parameter.annotation is not inspect.Parameter.empty, f"{qualname}: parameter {name} has no type hint"
    assert signature.return_annotation is not inspect.Signature.empty, f"{qualname}: no return type hint"


def test_every_module_has_a_docstring():
    for module in MODULES:
        assert module.__doc__, f"{module.__name__} needs a docstring"
