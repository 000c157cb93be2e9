"""Compiled rule packs cached on disk, so that a process loads a pack in milliseconds, not ~0.3 s.

After a pack file loads without errors, the `Pack` is pickled under a key made of the file's path
and content, the engine's rule and document code and schemas, the Python version and the functions
rules may call; any change to one of them compiles afresh. Generated rule functions are not
importable by name, so their code objects go through `marshal`. Objects that live at module level
(helpers, and sentinels such as codegen.NOT_APPLICABLE that generated code compares by identity)
are pickled by module and name, so a loaded pack shares them with the running engine.
A cache that cannot be read or written is skipped, never an error. `NIANBAO_PACK_CACHE=0` turns it
off; it lives in `$NIANBAO_PACK_CACHE` when that is a directory, else `$XDG_CACHE_HOME/nianbao/packs`
(default `~/.cache/nianbao/packs`). Stale files are never read (their key differs); delete the
directory to reclaim the space.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import marshal
import os
import pickle
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import engine

_OFF = ("0", "off", "no", "false")


def cache_dir() -> Path | None:
    """Where compiled packs are kept, or None when the cache is off."""
    setting = os.environ.get("NIANBAO_PACK_CACHE", "")
    if setting.lower() in _OFF:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nianbao" / "packs"


@functools.cache
def engine_code() -> str:
    """A hash of what compiling a pack depends on: the rules and document code, templates, schemas."""
    root = Path(engine.__file__).parent
    digest = hashlib.sha256(f"{engine.__version__} {sys.version}".encode())
    paths = [p for p in root.glob("*.py")] + [p for sub in ("rules", "document") for p in (root / sub).rglob("*")
                                                if p.suffix in (".py", ".lark", ".json")]
    try:
        from importlib.resources import files

        paths += list(Path(str(files("nianbao_schemas"))).glob("*.json"))
    except (ImportError, TypeError):  # schemas not installed as a package: the engine's hash still holds
        pass
    for path in sorted(paths):
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _functions_key(functions: Any) -> list[Any]:
    """The functions a pack was compiled against: names, signatures, implementations by name, and the
    code of the plugin modules that define them (the engine's own is in engine_code())."""
    if functions is None:
        return ["builtins"]
    out = []
    for spec in functions:
        impl = getattr(spec, "impl", None)
        out.append([spec.name, repr(spec.params), repr(spec.returns) if not callable(spec.returns) else
                    _where(spec.returns), _where(impl), spec.context, spec.cache, _where(spec.prepare),
                    *(_module_code(getattr(value, "__module__", None))
                      for value in (impl, spec.prepare, spec.returns) if callable(value))])
    return out


def _where(value: Any) -> str:
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}" if value is not None else ""


@functools.cache
def _module_code(name: str | None) -> str:
    """A hash of a plugin module's source file: a changed `prepare` or result type compiles afresh."""
    module = sys.modules.get(name or "")
    source = getattr(module, "__file__", None)  # None for C modules such as builtins
    if not source or name == "engine" or (name or "").startswith("engine."):
        return ""
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError:
        return "?"


def key(path: Path, content: bytes, functions: Any) -> str:
    """The cache key of one pack file compiled against `functions`."""
    text = repr([engine_code(), str(path.resolve()), hashlib.sha256(content).hexdigest(), _functions_key(functions)])
    return hashlib.sha256(text.encode()).hexdigest()


def load(cache_key: str) -> Any:
    """The pack stored under `cache_key`, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"{cache_key}.pickle", "rb") as stream:
            return _Unpickler(stream).load()
    except Exception:  # noqa: BLE001 - missing, truncated or from another engine: compile instead
        return None


def save(cache_key: str, pack: Any) -> None:
    """Store `pack` under `cache_key` (atomically: a reader never sees half a file)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        buffer = io.BytesIO()
        _Pickler(buffer, _module_objects()).dump(pack)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(buffer.getvalue())
        os.replace(temp, folder / f"{cache_key}.pickle")
    except Exception:  # noqa: BLE001 - read-only home, an unpicklable plugin function: just no cache
        return


def _module_objects() -> dict[int, tuple[str, str, Any]]:
    """id → (module, name, object) for every module-level object of the engine and the packs' plugins."""
    found: dict[int, tuple[str, str, Any]] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith(("engine", "nianbao")) or not isinstance(module, types.ModuleType):
            continue
        for attr, value in list(vars(module).items()):
            if not isinstance(value, (str, bytes, int, float, bool, type(None), tuple, frozenset, types.ModuleType)):
                found.setdefault(id(value), (name, attr, value))
    return found


class _ModuleGlobals:
    """Stands for a module's globals (a function defined in a module that is not importable by name)."""

    def __init__(self, module: str):
        self.module = module


class _Pickler(pickle.Pickler):
    def __init__(self, stream: Any, names: dict[int, tuple[str, str, Any]]):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.names = names

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, types.ModuleType):
            return ("module", obj.__name__)
        found = self.names.get(id(obj))
        if found is not None and found[2] is obj:
            return ("object", found[0], found[1])
        return None

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, types.FunctionType):
            return NotImplemented
        owner = sys.modules.get(obj.__globals__.get("__name__", ""))
        scope: Any = _ModuleGlobals(owner.__name__) if owner is not None and vars(owner) is obj.__globals__ \
            else obj.__globals__  # a generated rule function's own globals: helpers and constants
        cells = tuple(cell.cell_contents for cell in obj.__closure__ or ())
        return _function, (marshal.dumps(obj.__code__), scope, obj.__name__, obj.__defaults__, cells,
                           obj.__kwdefaults__)


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid[0] == "module":
            return importlib.import_module(pid[1])
        return vars(importlib.import_module(pid[1]))[pid[2]]


def _function(code: bytes, scope: Any, name: str, defaults: Any, cells: tuple[Any, ...], kwdefaults: Any
              ) -> types.FunctionType:
    namespace = vars(importlib.import_module(scope.module)) if isinstance(scope, _ModuleGlobals) else scope
    closure = tuple(types.CellType(value) for value in cells) or None
    function = types.FunctionType(marshal.loads(code), namespace, name, defaults, closure)
    function.__kwdefaults__ = kwdefaults
    return function


