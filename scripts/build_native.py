"""Compile embargo's screening core with mypyc into .native/ (see embargo/_native.py).

Does nothing if .native/ was built from the sources as they are. Without a C compiler it says so
and leaves embargo to run interpreted (the same results, slower). Usage: python scripts/build_native.py [--force]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["EMBARGO_NATIVE"] = "0"  # importing embargo here must not load the modules being rebuilt

from embargo import _native  # noqa: E402


def main() -> int:
    force = "--force" in sys.argv[1:]
    if not force and _native.changed() == []:
        print("compiled core: up to date")
        return 0
    want = _native.digests()
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        print("compiled core: no C compiler found; embargo runs interpreted (same results, slower)")
        return 0
    import numpy
    from mypyc.build import mypycify
    from setuptools import Extension, setup

    t0 = time.perf_counter()
    print(
        f"compiling the screening core ({len(_native.MODULES)} modules with mypyc, "
        f"{len(_native.EXTENSIONS)} in C; about half a minute)...",
        flush=True,
    )
    os.chdir(ROOT)
    shutil.rmtree(_native.BUILD, ignore_errors=True)
    paths = [str(_native.source(m).relative_to(ROOT)) for m in _native.MODULES]
    warnings.filterwarnings("ignore")  # setuptools' notes on the project's (hatchling) metadata
    setup(
        name="embargo-native",
        packages=[],
        py_modules=[],
        ext_modules=[
            *mypycify(
                ["--config-file", "pyproject.toml", *paths],
                opt_level="3",
                group_name=_native.GROUP,
                target_dir="build/native",
            ),
            *(
                Extension(
                    name,
                    [src],
                    include_dirs=[numpy.get_include()],
                    depends=list(_native.HEADERS),
                    # no fused multiply-add: the same floating-point results as numpy and Python
                    extra_compile_args=["-O2", "-Wall", "-Werror", "-ffp-contract=off"],
                )
                for name, src in _native.EXTENSIONS.items()
            ),
        ],
        script_args=[
            "--quiet",
            "build_ext",
            "--build-lib",
            str(_native.BUILD),
            "--build-temp",
            "build/native/temp",
        ],
    )
    _native.MANIFEST.write_text(json.dumps(want, indent=1))
    print(f"compiled core: built in {time.perf_counter() - t0:.0f} s into {_native.BUILD.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
