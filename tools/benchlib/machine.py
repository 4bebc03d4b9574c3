"""The machine's facts for the report: CPU, memory, the OpenBLAS that ran, seqlab's SIMD path, the git commit."""
import os
import platform
import statistics
import subprocess

from . import ROOT


def cpu_facts():
    """(model name, the SIMD flags of interest, the whole flag set, memory) from /proc."""
    model, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model == "unknown":
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    simd = ", ".join(x for x in ("avx2", "fma", "avx512f") if x in flags) or "none of avx2/fma/avx512f"
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return model, simd, flags, mem


# The vector instructions of OpenBLAS's kernel sets (the names openblas_get_corename() returns), for the report's
# wording; a name not listed here is printed without it.
OPENBLAS_CORE_SIMD = {
    "haswell": ("AVX2", 256), "zen": ("AVX2", 256), "skylakex": ("AVX-512", 512), "cooperlake": ("AVX-512", 512),
    "sapphirerapids": ("AVX-512", 512), "sandybridge": ("AVX", 256), "nehalem": ("SSE4.2", 128),
    "core2": ("SSSE3", 128), "prescott": ("SSE3", 128),
}


def blas_facts(probe, own_choice, seqlab_cores, torch_runs):
    """Sentences about the OpenBLAS that ran and seqlab's SIMD path, from what this invocation measured:
    probe is seqlab_sgemm_peak's JSON (the same environment as every child), own_choice the core OpenBLAS
    picked in a probe run without OPENBLAS_CORETYPE (None when not run), seqlab_cores the cores seqlab's
    summary.json files reported, torch_runs the baseline's runs (their blas_core and blas_library)."""
    core = probe.get("core") or "unknown"
    config = probe.get("config") or ""
    env = probe.get("coretype_env")
    isa, isa_bits = OPENBLAS_CORE_SIMD.get(core.lower(), (None, None))
    kernels = f"{core} ({isa})" if isa else core
    if env is None or not env.strip():  # OpenBLAS ignores an empty value
        why = ("chosen by OpenBLAS for this CPU" if "DYNAMIC_ARCH" in config.split()
               else "the only kernels of this OpenBLAS build, which has no DYNAMIC_ARCH")
        why += "; OPENBLAS_CORETYPE " + ("unset" if env is None else "empty")
    elif env.strip().lower() == core.lower():
        if own_choice and own_choice.lower() == core.lower():
            why = f"set by OPENBLAS_CORETYPE={env}, which is also what OpenBLAS picks here without it"
        else:
            why = f"held there by OPENBLAS_CORETYPE={env}"
            if own_choice:
                why += f"; without it OpenBLAS picks {own_choice} here"
    else:
        why = f"OPENBLAS_CORETYPE={env} is set, but OpenBLAS reports {core}"
    blas = f"OpenBLAS used its {kernels} kernels ({why})"
    others = sorted({c for c in seqlab_cores if c and c != core})
    if others:
        blas += f"; but seqlab's summary.json reported {', '.join(others)}"
    library = os.path.realpath(probe["library"]) if probe.get("library") else None
    torch_cores = sorted({r.extra.get("blas_core") for r in torch_runs if r.extra.get("blas_core")})
    torch_libs = sorted({lib for r in torch_runs for lib in (r.extra.get("blas_library") or [])
                         if "openblas" in os.path.basename(lib)})
    details = [f"build: {config}"] if config else []
    if library:
        details.append(f"loaded from {library}")
    if torch_runs:
        if library and torch_libs:
            same = torch_libs == [library]
            details.append("the PyTorch baseline mapped " + ("the same file" if same else ", ".join(torch_libs)))
        if torch_cores and torch_cores != [core]:
            details.append(f"the PyTorch baseline reported core {', '.join(torch_cores)}")
    detail_text = "; ".join(details)
    simd = probe.get("simd") or {}
    bits, arch = simd.get("bits"), simd.get("arch", "unknown")
    if simd.get("register_kernel"):
        register = (f"seqlab's SIMD code was compiled for {arch} ({bits}-bit vectors), so the recurrent plugins ran "
                    "their per-step products on its register kernel")
        if isa_bits and bits and isa_bits < bits:
            register += f", with wider vectors than OpenBLAS's {isa} kernels ({isa_bits}-bit)"
    else:
        register = (f"seqlab's SIMD code was compiled for {arch} ({bits}-bit vectors), so the register kernel, "
                    "which needs 512-bit vectors, was not used: every matrix product went to OpenBLAS")
    return blas, detail_text, register


def git_facts():
    def git(*a):
        r = subprocess.run(["git", "-C", ROOT] + list(a), capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "framework", "plugins", "CMakeLists.txt",
                "cmake")
    return head + (" + uncommitted changes in framework/plugins" if dirty else "")



def machine_facts(cases, probe, own_core, wait_quiet_s):
    """The report's machine rows that come from this machine and this invocation's runs: probe is the 1-thread
    seqlab_sgemm_peak JSON measured before the cases, own_core what OpenBLAS picks without OPENBLAS_CORETYPE."""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    cpu, simd, _, mem = cpu_facts()
    cores_text = f"{cores} logical CPUs" + (f" ({usable} usable by this process)" if usable != cores else "")
    all_seqlab = [r for c in cases for r in c.seqlab_runs]
    blas_cores = sorted({r.extra["blas_core"] for r in all_seqlab if r.extra.get("blas_core")})
    all_torch = [r for c in cases for r in c.torch_runs]
    blas_text, blas_details, register_text = blas_facts(probe, own_core, blas_cores, all_torch)
    seqlab_blas_threads = sorted({r.extra["blas_threads"] for r in all_seqlab if r.extra.get("blas_threads")})
    env_blas = ", ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(("OPENBLAS_", "OMP_")))
    loads = [r.other_cores for c in cases for r in c.seqlab_runs + c.torch_runs if r.other_cores is not None]
    load_text = (f"other processes kept {statistics.median(loads):.2f} cores busy during the median run, "
                 f"{max(loads):.2f} at most (/proc/stat minus the child's own CPU time)" if loads else "not measured")
    if wait_quiet_s > 0:
        load_text += f"; each run waited up to {wait_quiet_s:g} s for a quiet machine"
    return {
        "other load": load_text,
        "CPU": cpu,
        "SIMD": f"{simd} (CPU flags); seqlab built for {probe.get('simd', {}).get('arch', 'unknown')}",
        "cores": cores_text,
        "memory": mem,
        "kernel": f"{platform.system()} {platform.release()}",
        "OpenBLAS": blas_text + (f"; {blas_details}" if blas_details else ""),
        "OpenBLAS sentence": blas_text,
        "register kernel": register_text,
        "seqlab_blas_threads": ", ".join(str(t) for t in seqlab_blas_threads) or "not reported",
        "OpenBLAS environment": env_blas or "none set",
        "seqlab": f"commit {git_facts()}",
    }
