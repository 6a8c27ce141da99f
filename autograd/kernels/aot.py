"""Ahead-of-time builds of the compiled kernels: a fresh process runs them without Numba.

Starting Numba costs every process 0.5–0.7 s on the AVX2 bench machine (``import numba``
and the set-up of its CPU target on the first call of any kernel, cached or not:
bench/README findings 7 and 14), more than a training step's whole start-up budget. So
the first process that runs a kernel serially on some argument types also builds it,
with Numba's ahead-of-time compiler (``numba.pycc``), into a CPython extension module of
its own in the kernel cache; every later process imports that module (~1 ms) and never
imports Numba for it. A call then costs ~0.35 µs of argument unboxing, less than the
JIT dispatcher's type dispatch.

The machine code is Numba's, from the kernel's own Python function and its own options
(error model, fastmath), for this CPU and the features the JIT would use; only
``parallel`` is dropped, so a ``prange`` loop runs serially, as it does below
``sizes.PARALLEL_MIN``. Parallel calls, and every call in a process where a build
fails (no C compiler, a Numba without ``pycc``: one warning says why) or where the
environment has ``GRAPHGRAD_AOT=0``, run the JIT kernel (``cache=True``) as before.

Where the modules go: ``GRAPHGRAD_AOT_DIR`` if set; else ``graphgrad-aot`` in
``NUMBA_CACHE_DIR`` if that is set; else ``__pycache__/graphgrad-aot`` beside these
sources when writable, else ``~/.cache/graphgrad/aot``. Inside, one directory per
fingerprint of everything the machine code depends on (the kernel sources, the Python,
NumPy and Numba versions, the CPU and its flags), so a change to any of them builds
anew. A build writes to a temporary file and renames it into place, so processes that
build the same kernel at once (pytest-xdist workers) never load a half-written module.

The wrapped function's arguments must have, for a given ``key``, always the same types
(dtypes, dimensions, C-contiguous layout, scalar kinds): the extension module checks
only each array's item size, so an int32 array read as float32, or a strided one read
as contiguous, gives garbage or a crash. The dispatchers in this package and in
``optim.kernels`` pass arrays they made contiguous and scalars they cast, and use as
key the dtypes that vary. Checking every call would cost microseconds, so it is done
only where the environment has ``GRAPHGRAD_AOT_CHECK=1`` when this module is imported:
the test suite sets it (``tests/conftest.py``), so every kernel call of the suite is
checked against the types of the key's first call (``tests/autograd/test_aot.py`` also
runs every kernel both ways and compares the bits).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import pool, target

if TYPE_CHECKING:
    from pathlib import Path

_KERNELS_DIR = os.path.dirname(os.path.realpath(__file__))  # a str: pathlib loads on first use
_MIXIN_NAME = "graphgrad_aot_mixin"
_state: dict[str, Any] = {"fingerprint": None, "failure": None}


CHECK = os.environ.get("GRAPHGRAD_AOT_CHECK", "").strip() not in ("", "0")


def argument_types(args: tuple) -> tuple:
    """What a built module assumes of its arguments: each array's dtype, number of
    dimensions and C-contiguity, each scalar's NumPy dtype (``int`` is int64)."""
    return tuple((a.dtype, a.ndim, a.flags.c_contiguous) if isinstance(a, np.ndarray)
                 else np.dtype(type(a)) for a in args)


def enabled() -> bool:
    """Whether kernels are built ahead of time (``GRAPHGRAD_AOT`` unset or not ``0``)."""
    return os.environ.get("GRAPHGRAD_AOT", "1").strip() not in ("0", "off", "false", "no")


def build_failure() -> BaseException | None:
    """The error that made this process give up building (its kernels then run JIT)."""
    return _state["failure"]


def built_modules() -> list[Path]:
    """The kernel modules built for this process's fingerprint (see ``cache_dir``)."""
    where = cache_dir() / fingerprint()
    suffix = _extension_suffix()
    return sorted(where.glob("gg_*" + suffix)) if where.is_dir() else []


def cache_dir() -> Path:
    """The directory of the built modules (see the module docstring for the order)."""
    from pathlib import Path

    if os.environ.get("GRAPHGRAD_AOT_DIR"):
        return Path(os.environ["GRAPHGRAD_AOT_DIR"])
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / "graphgrad-aot"
    beside = Path(_KERNELS_DIR) / "__pycache__"
    if os.access(beside if beside.exists() else _KERNELS_DIR, os.W_OK):
        return beside / "graphgrad-aot"
    return Path.home() / ".cache" / "graphgrad" / "aot"


def _cpu_description() -> str:
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = [line for line in f.read().split("\n\n")[0].splitlines()
                     if line.startswith(("model name", "flags", "Features", "CPU part"))]
        return "\n".join(lines)
    except OSError:
        return platform.processor()


def _installed(package: str) -> str:
    """The package's installed version as its ``*.dist-info`` directory names it (without
    importing it, or reading metadata: ``importlib.metadata`` takes ~35 ms here), else
    its location and modification time."""
    from pathlib import Path

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return "absent"
    where = Path(spec.origin).parent
    infos = sorted(p.name for p in where.parent.glob(f"{package}-*.dist-info"))
    return " ".join(infos) or f"{where} {where.stat().st_mtime_ns}"


def fingerprint() -> str:
    """A hash of everything besides a kernel's own source that its machine code depends on:
    the versions, the CPU, and the sources of this package that hold Numba code."""
    if _state["fingerprint"] is None:
        import hashlib
        import platform

        import numpy

        h = hashlib.sha256()
        for part in (sys.version, numpy.__version__, _installed("numba"), _installed("llvmlite"),
                     platform.machine(), _cpu_description(), os.environ.get("NUMBA_OPT", ""),
                     os.environ.get("NUMBA_CPU_NAME", ""),
                     os.environ.get("NUMBA_CPU_FEATURES", ""), target.mode()):
            h.update(part.encode() + b"\0")
        for source in sorted(f for f in os.listdir(_KERNELS_DIR) if f.endswith(".py")):
            with open(os.path.join(_KERNELS_DIR, source), "rb") as f:
                text = f.read()
            if source == "aot.py" or b"from numba" in text or b"import numba" in text or \
                    b"numba_setup" in text:
                h.update(text)  # the Numba code a kernel may call, and how it is built
        _state["fingerprint"] = h.hexdigest()[:16]
    return _state["fingerprint"]


class Kernel:
    """A Numba kernel, run serially from its ahead-of-time module when there is one.

    ``module`` and ``name`` say where the ``@njit`` function is (the module is imported,
    and Numba with it, only when the JIT kernel or a build is needed). When
    ``parallel_flag`` is true the function takes a last ``parallel`` argument, which
    the serial calls here pass as False.

    ``kernel(key, *args)`` runs it serially; ``key`` (a string) must determine the
    Numba types of ``args`` (see the module docstring). ``kernel.jit()`` is the JIT
    dispatcher, for parallel calls.
    """

    __slots__ = ("module", "name", "parallel_flag", "_jit", "_runs", "_signatures")

    def __init__(self, module: str, name: str, parallel_flag: bool) -> None:
        self.module = module
        self.name = name
        self.parallel_flag = parallel_flag
        self._jit: Any = None
        self._runs: dict[str, Callable[..., Any]] = {}
        self._signatures: dict[str, tuple] = {}

    def __repr__(self) -> str:
        return f"Kernel({self.module}.{self.name})"

    def jit(self) -> Any:
        """The JIT-compiled dispatcher (imports the kernel's module, and Numba)."""
        if self._jit is None:
            pool.wait_for_numba()
            self._jit = getattr(importlib.import_module(self.module), self.name)
        return self._jit

    def __call__(self, key: str, *args: Any) -> Any:
        run = self._runs.get(key)
        if run is None:
            self._signatures[key] = argument_types(args)
            run = self._runs[key] = self._resolve(key, args)
        elif CHECK:
            self._check(key, args)
        return run(*args)

    def run(self, key: str, parallel: bool, *args: Any) -> Any:
        """``self(key, *args)``, or when ``parallel`` (a kernel with ``parallel_flag``) the
        JIT kernel with its ``prange`` loops on Numba's threads. The serial module of
        ``key`` is loaded (built if missing) either way: a fresh process runs its first
        calls serially while Numba loads (``pool.py``), and they must find it built."""
        if parallel and (pool.ready or pool.start()):
            self.prepare(key, *args)  # for the next fresh process's serial calls
            return self.jit()(*args, True)
        return self(key, *args)

    def prepare(self, key: str, *args: Any) -> None:
        """Load the serial module of ``key`` for the types of ``args`` (building it if it
        is missing), without running it."""
        if key not in self._runs:
            self._signatures[key] = argument_types(args)
            self._runs[key] = self._resolve(key, args)

    def _check(self, key: str, args: tuple) -> None:
        found = argument_types(args)
        if found != self._signatures[key]:
            raise TypeError(f"{self.name}: arguments for key {key!r} must keep the types of "
                            f"the first call, {self._signatures[key]}; got {found}")

    def module_path(self, key: str) -> Path:
        """Where the ahead-of-time module for ``key`` is (or will be) stored."""
        return cache_dir() / fingerprint() / (self._module_name(key) + _extension_suffix())

    def _module_name(self, key: str) -> str:
        import hashlib

        source = importlib.util.find_spec(self.module).origin or ""
        h = hashlib.sha256(f"{self.module}.{self.name}:{key}\0".encode())
        with open(source, "rb") as f:
            h.update(f.read())
        return f"gg_{self.name}_{h.hexdigest()[:16]}"

    def _resolve(self, key: str, args: tuple) -> Callable[..., Any]:
        if enabled() and _state["failure"] is None:
            try:
                path = self.module_path(key)
                name = path.name.removesuffix(_extension_suffix())
                if not path.exists():
                    pool.wait_for_numba()  # the build imports Numba: not beside its loading
                    with _locked(path.with_name(path.name + ".lock")):
                        if not path.exists():  # or another process built it meanwhile
                            _build(self, name, args, path)
                return _load(name, path).kernel
            except Exception as error:  # any failure of the build: the JIT still works
                _state["failure"] = error
                warnings.warn(f"graphgrad: building kernel {self.name} ahead of time failed "
                              f"({type(error).__name__}: {error}); this process runs Numba's "
                              "JIT kernels instead (slower start-up only). Set "
                              "GRAPHGRAD_AOT=0 to skip the attempt.", RuntimeWarning,
                              stacklevel=4)
        jit = self.jit()
        if self.parallel_flag:
            return lambda *a: jit(*a, False)
        return jit


def registered(registry: dict[str, Kernel], module: str, name: str,
               parallel_flag: bool) -> Kernel:
    """The ``Kernel`` of ``module.name`` kept in ``registry`` (by name), made on first use."""
    kernel = registry.get(name)
    if kernel is None:
        kernel = registry[name] = Kernel(module, name, parallel_flag)
    return kernel


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` while the block runs, so that processes
    building the same thing (pytest-xdist workers) take turns instead of each doing it.
    Without ``fcntl`` (Windows) there is no lock: the builds may repeat, harmlessly."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _extension_suffix() -> str:
    return importlib.machinery.EXTENSION_SUFFIXES[0]


def _load(module_name: str, path: Path) -> Any:
    loaded = sys.modules.get(module_name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the kernel module {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[module_name] = module
    return module


def _build(kernel: Kernel, module_name: str, args: tuple, path: Path) -> None:
    """Compile ``kernel`` for the Numba types of ``args`` into the module at ``path``."""
    import tempfile
    from pathlib import Path

    target.configure_numba()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".build-") as build:
        compiler = _compiler_class()(module_name, Path(build), path.parent / "mixin")
        compiler.start_support_code()  # gcc, in the background while Numba compiles
        from numba import njit, typeof, types

        jit = kernel.jit()
        options = {k: v for k, v in jit.targetoptions.items()
                   if k not in ("parallel", "cache", "nopython")}
        serial = njit(**options)(jit.py_func)
        arg_types = tuple(typeof(a) for a in args)
        call_types = arg_types + ((types.boolean,) if kernel.parallel_flag else ())
        serial.compile(call_types)
        return_type = serial.overloads[call_types].signature.return_type
        params = ", ".join(f"a{i}" for i in range(len(args)))
        flag = ", False" if kernel.parallel_flag else ""
        namespace: dict[str, Any] = {"serial": serial}
        exec(f"def kernel({params}):\n    return serial({params}{flag})\n", namespace)
        compiler.export("kernel", return_type(*arg_types))(namespace["kernel"])
        compiler.compile()
        os.replace(Path(build) / (module_name + _extension_suffix()), path)


def _compiler_class() -> type:
    """numba.pycc's ``CC`` with four changes: the JIT's CPU features instead of the
    CPU model's (a VM may hide some of the model's), the C support code (Numba's helper
    library and runtime, ~5 s of gcc) compiled once per cache directory, in background
    threads, and linked into every module, modules without symbols on Linux, and the
    output in a given directory."""
    import tempfile
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending-deprecation warning
        from numba.core import codegen
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target
        from numba.pycc import CC
        from numba.pycc.compiler import ModuleCompiler

    class HostCodegen(codegen.AOTCPUCodegen):
        def __init__(self, module_name: str) -> None:
            super().__init__(module_name, cpu_name="host")

        def _customize_tm_features(self) -> str:
            return target.features(self._get_host_cpu_features())

    class KernelModuleCompiler(CC):
        def __init__(self, module_name: str, output_dir: Path, mixin_dir: Path) -> None:
            super().__init__(module_name, source_module=__name__)
            self.output_dir = str(output_dir)
            self.target_cpu = "host"
            self._mixin_dir = mixin_dir
            self._init_function = "pycc_init_" + _MIXIN_NAME

        def _get_extra_ldflags(self) -> list[str]:
            # Without symbols: 270 instead of 690 KB per module (CPython's CFLAGS have -g).
            return super()._get_extra_ldflags() + (["-s"] if sys.platform == "linux" else [])

        def _get_mixin_defines(self) -> list:
            return [(k, _MIXIN_NAME if k == "PYCC_MODULE_NAME" else v)
                    for k, v in super()._get_mixin_defines()]

        def start_support_code(self) -> None:
            """Compile the C support code in background threads, one per source file,
            unless this cache directory has it already."""
            self._support_error: BaseException | None = None
            self._support_thread = None
            if not (self._mixin_dir / "objects.txt").exists():
                self._support_thread = threading.Thread(target=self._build_support_code,
                                                        daemon=True)
                self._support_thread.start()

        def _build_support_code(self) -> None:
            try:
                with _locked(self._mixin_dir / ".lock"):
                    if not (self._mixin_dir / "objects.txt").exists():
                        self._compile_support_code()
            except BaseException as error:  # re-raised in the building thread
                self._support_error = error

        def _compile_support_code(self) -> None:
            macros = self._get_mixin_defines()
            includes = self._toolchain.get_python_include_dirs()
            flags = self._get_extra_cflags()
            with tempfile.TemporaryDirectory(dir=self._mixin_dir, prefix=".build-") as tmp:
                def compile_one(item: tuple[int, str]) -> str:
                    i, source = item
                    [obj] = self._toolchain.compile_objects(
                        [source], f"{tmp}/{i}", include_dirs=includes, macros=macros,
                        extra_cflags=flags)
                    name = f"{i}-{Path(obj).name}"
                    os.replace(obj, self._mixin_dir / name)
                    return name

                # Normalized: an object's path is its source's below its own directory, and
                # gcc cannot write to ".../pycc/../core/runtime/nrt.o" (Numba 0.60's list)
                # where no ".../pycc" was made.
                sources = [os.path.normpath(s) for s in self._get_mixin_sources()]
                with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                    names = list(pool.map(compile_one, enumerate(sources)))
                (Path(tmp) / "objects.txt").write_text("\n".join(names))
                os.replace(Path(tmp) / "objects.txt", self._mixin_dir / "objects.txt")

        def _compile_mixins(self, build_dir: str) -> list[str]:
            if self._support_thread is not None:
                self._support_thread.join()
            if self._support_error is not None:
                raise self._support_error
            done = self._mixin_dir / "objects.txt"
            return [str(self._mixin_dir / n) for n in done.read_text().split("\n")]

        def _compile_object_files(self, build_dir: str) -> tuple[list[str], list[str]]:
            with global_compiler_lock:
                compiler = ModuleCompiler(self._export_entries, self._basename, self._use_nrt,
                                          cpu_name="host")
                compiler.context = cpu_target.target_context.subtarget(
                    _internal_codegen=HostCodegen(self._basename), aot_mode=True)
                compiler.external_init_function = self._init_function
                obj = os.path.join(build_dir, self._basename + ".o")
                compiler.write_native_object(obj, wrap=True)
                return [obj], compiler.dll_exports

    return KernelModuleCompiler

