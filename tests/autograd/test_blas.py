"""autograd.blas: the OpenBLAS core-type rule on made-up CPUs, and in a fresh process."""

import json
import os
import subprocess
import sys

import pytest

from autograd import blas

AVX2_FLAGS = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx fma avx2"
AVX512_FLAGS = AVX2_FLAGS + " avx512f avx512dq avx512cd avx512bw avx512vl"


def cpuinfo(flags: str) -> str:
    return (f"processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: {flags}\n\n"
            f"processor\t: 1\nflags\t\t: {flags}\n")


def decide(flags_text, environ=None, numpy_imported=False):
    flags = None if flags_text is None else blas.cpu_flags(cpuinfo(flags_text))
    return blas.choose(flags, environ or {}, numpy_imported)


def test_cpu_flags_reads_the_flags_line():
    flags = blas.cpu_flags(cpuinfo(AVX512_FLAGS))
    assert "avx512bw" in flags and "avx2" in flags and "flags" not in flags
    assert blas.has_avx512(flags)
    assert not blas.has_avx512(blas.cpu_flags(cpuinfo(AVX2_FLAGS)))
    assert blas.cpu_flags("processor : 0\n") == frozenset()


def test_avx512_cpu_gets_skylakex():
    coretype, reason = decide(AVX512_FLAGS)
    assert coretype == "SkylakeX"
    assert "avx512f" in reason


@pytest.mark.parametrize("flags", [AVX2_FLAGS, AVX2_FLAGS + " avx512f avx512dq avx512vl"])
def test_never_forced_without_full_avx512(flags):
    # avx512f alone is not enough: the SkylakeX kernels also use the bw/vl/dq subsets.
    coretype, reason = decide(flags)
    assert coretype is None
    assert "no AVX-512" in reason


def test_unknown_cpu_is_left_alone():
    coretype, reason = decide(None)
    assert coretype is None and "unknown" in reason


def test_user_none_disables():
    coretype, reason = decide(AVX512_FLAGS, {"GRAPHGRAD_BLAS_CORETYPE": "none"})
    assert coretype is None and "none" in reason


def test_existing_openblas_coretype_is_kept():
    coretype, reason = decide(AVX512_FLAGS, {"OPENBLAS_CORETYPE": "Haswell"})
    assert coretype is None and "Haswell" in reason and "kept" in reason


def test_user_choice_is_applied():
    coretype, _ = decide(AVX512_FLAGS, {"GRAPHGRAD_BLAS_CORETYPE": "Haswell"})
    assert coretype == "Haswell"


def test_user_cannot_force_avx512_kernels_on_an_avx2_cpu():
    coretype, reason = decide(AVX2_FLAGS, {"GRAPHGRAD_BLAS_CORETYPE": "SkylakeX"})
    assert coretype is None and "refused" in reason


def test_too_late_when_numpy_already_imported():
    coretype, reason = decide(AVX512_FLAGS, numpy_imported=True)
    assert coretype is None and "numpy was imported" in reason


def test_configure_writes_the_environment_it_is_given(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(cpuinfo(AVX512_FLAGS))
    env: dict[str, str] = {}
    record = blas.configure(env, str(path))
    # numpy is loaded in this test process, so the rule must refuse and say why.
    assert "numpy" in sys.modules
    assert record["numpy_imported_before"] is True and record["set"] is None
    assert env == {}
    assert record["cpu_avx512"] is True


def test_info_is_a_copy_with_every_key():
    record = blas.info()
    assert set(record) == {"requested", "set", "openblas_coretype", "cpu_avx512",
                           "numpy_imported_before", "reason"}
    record["set"] = "mutated"
    assert blas.info()["set"] != "mutated"


def _fresh_process(extra_env: dict[str, str], code: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "GRAPHGRAD_BLAS_CORETYPE")}
    env.update(extra_env)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout)


READ_ENV = ("import autograd, numpy, os, json; "
            "print(json.dumps([os.environ.get('OPENBLAS_CORETYPE'), autograd.blas.info()]))")


def test_fresh_process_sets_the_variable_when_the_cpu_supports_it():
    supported = blas.has_avx512(blas.cpu_flags(open("/proc/cpuinfo").read())) \
        if os.path.exists("/proc/cpuinfo") else False
    value, record = _fresh_process({}, READ_ENV)
    assert record["numpy_imported_before"] is False
    assert value == ("SkylakeX" if supported else None)


def test_fresh_process_respects_none():
    value, record = _fresh_process({"GRAPHGRAD_BLAS_CORETYPE": "none"}, READ_ENV)
    assert value is None and record["set"] is None


def test_openblas_really_loads_the_chosen_kernels():
    """threadpoolctl asks the loaded OpenBLAS which kernel family it runs."""
    pytest.importorskip("threadpoolctl")
    flags = blas.cpu_flags(open("/proc/cpuinfo").read()) if os.path.exists("/proc/cpuinfo") \
        else frozenset()
    if "avx2" not in flags:
        pytest.skip("not an x86 CPU with AVX2: OpenBLAS's Haswell kernels cannot be forced")
    code = ("import autograd, numpy, json, threadpoolctl; "
            "print(json.dumps([m.get('architecture') for m in "
            "threadpoolctl.threadpool_info() if m.get('internal_api') == 'openblas']))")
    (auto,) = _fresh_process({}, code)
    if blas.has_avx512(flags):
        assert auto == "SkylakeX"
    else:  # nothing set: OpenBLAS's own pick, never an AVX-512 family on this CPU
        assert auto.lower() not in blas.AVX512_CORETYPES
    # A user's choice reaches OpenBLAS too.
    assert _fresh_process({"GRAPHGRAD_BLAS_CORETYPE": "Haswell"}, code) == ["Haswell"]
