"""The Debian packages a staged tree's programs and libraries need from the system.

    python packaging/linux/depends.py STAGED_ROOT   ->  "libc6 (>= 2.36), libgl1, ..."

Every ELF file under the tree is run through ``ldd``; each library resolved outside the tree
is mapped to the package owning it (``dpkg -S``). PyInstaller bundles most libraries, leaving
the ones that must match the system (glibc, OpenGL/EGL, fontconfig...), which this finds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def elf_files(root: Path):
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


# Libraries only optional plugins use that a build machine without a Wayland desktop lacks:
# soname -> the Debian package that has it.
NOT_ON_BUILD_MACHINE = {
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}


def system_libraries(root: Path) -> tuple[set[str], set[str]]:
    """(libraries resolved outside ``root``, packages of libraries found nowhere)."""
    found: set[str] = set()
    packages: set[str] = set()
    files = list(elf_files(root))
    # As the frozen program loads them: the bundle's own libraries first.
    bundled = sorted({str(path.parent) for path in files if ".so" in path.name})
    env = {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join(bundled)}
    for path in files:
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            if "not found" in line:
                soname = line.split()[0]
                if soname in NOT_ON_BUILD_MACHINE:
                    packages.add(NOT_ON_BUILD_MACHINE[soname])
                else:  # e.g. libexiv2.so.28, which pyexiv2 loads itself from its own folder
                    print(f"depends: {path.name} needs {soname}, found nowhere", file=sys.stderr)
            match = re.search(r"=> (/\S+)", line) or re.match(r"\s*(/\S+) \(", line)
            if match and not Path(match.group(1)).resolve().is_relative_to(root.resolve()):
                found.add(os.path.realpath(match.group(1)))
    return found, packages


def owning_packages(libraries: set[str]) -> set[str]:
    packages: set[str] = set()
    for library in sorted(libraries):
        candidates = [library, library.replace("/usr/lib/", "/lib/", 1)]
        for candidate in candidates:
            result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if result.returncode == 0:
                packages.add(result.stdout.split(":")[0].strip())
                break
        else:
            print(f"depends: no package owns {library}", file=sys.stderr)
    return packages


def main() -> int:
    root = Path(sys.argv[1])
    libraries, packages = system_libraries(root)
    packages |= owning_packages(libraries)
    glibc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libc6"], capture_output=True,
                           text=True, check=True).stdout.split("-")[0]
    parts = [f"libc6 (>= {glibc})" if name == "libc6" else name for name in sorted(packages)]
    print(", ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
