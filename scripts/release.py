#!/usr/bin/env python3
"""Build the release artifacts into dist/ (or --out):

- `aksdoctor-VERSION.tar.gz` and `aksdoctor-VERSION-py3-none-any.whl` (`python -m build`);
- `kubectl-aksdoctor`: the whole program and its dependencies in one executable file (a shiv zipapp: it
  unpacks itself once into ~/.shiv, so native extensions such as pydantic_core load as usual; needs python3
  on the PATH, the same minor version as the one that built it);
- `kubectl-aksdoctor.tar.gz`: that file, for krew;
- `krew/aksdoctor.yaml`: the krew manifest from deploy/krew/aksdoctor.template.yaml, with the release's
  version, the archive's download URI and its sha256.

    python scripts/release.py                       # everything, dependencies from the package index
    python scripts/release.py --wheel dist/aksdoctor-0.1.0-py3-none-any.whl --site-packages DIR
                                                    # reuse a built wheel and an environment it is installed in

The version comes from src/aksdoctor/__init__.py (the one place it is written).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import string
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "krew" / "aksdoctor.template.yaml"
RELEASES = "https://github.com/aksdoctor/aksdoctor/releases/download"
PLUGIN = "kubectl-aksdoctor"


def version() -> str:
    """__version__ of src/aksdoctor/__init__.py, read without importing the package."""
    text = (ROOT / "src" / "aksdoctor" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, flags=re.M)
    if not match:
        raise SystemExit("no __version__ in src/aksdoctor/__init__.py")
    return match.group(1)


def build_python(out: Path) -> Path:
    """sdist + wheel with the standard frontend; returns the wheel."""
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True)
    return out / f"aksdoctor-{version()}-py3-none-any.whl"


def build_plugin(wheel: Path, out: Path, site_packages: Path | None = None) -> Path:
    """One executable file with the wheel and every dependency (shiv). With `site_packages` (an environment
    the wheel is installed in) nothing is downloaded; otherwise pip installs the wheel and its dependencies."""
    target = out / PLUGIN
    shiv = [sys.executable, "-m", "shiv", "-c", PLUGIN, "-o", str(target), "-p", "/usr/bin/env python3"]
    shiv.append("--reproducible")
    if site_packages is not None:
        subprocess.run([*shiv, "--site-packages", str(site_packages)], check=True)
    else:
        subprocess.run([*shiv, str(wheel)], check=True)
    return target


def archive(plugin: Path, out: Path) -> Path:
    """kubectl-aksdoctor.tar.gz holding the plugin file (executable) at its top level, for krew."""
    path = out / f"{PLUGIN}.tar.gz"
    data = plugin.read_bytes()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(PLUGIN)
        info.size, info.mode, info.mtime = len(data), 0o755, 0
        tar.addfile(info, io.BytesIO(data))
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(archive_path: Path, out: Path, *, base_url: str = RELEASES) -> Path:
    """The krew manifest for this release: version, the archive's URI and its sha256 filled in."""
    ver = version()
    digest = sha256(archive_path)
    if set(digest) == {"0"}:
        raise SystemExit("refusing to write a zero sha256")
    text = string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        version=ver, uri=f"{base_url}/v{ver}/{archive_path.name}", sha256=digest
    )
    path = out / "krew" / "aksdoctor.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--wheel", type=Path, help="use this wheel instead of building one")
    parser.add_argument("--site-packages", type=Path, help="an environment the wheel is installed in")
    parser.add_argument("--base-url", default=RELEASES, help="where the release's files are downloaded from")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    wheel = args.wheel or build_python(args.out)
    plugin = build_plugin(wheel, args.out, args.site_packages)
    tarball = archive(plugin, args.out)
    krew = manifest(tarball, args.out, base_url=args.base_url)
    for path in (wheel, plugin, tarball, krew):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB  sha256 {sha256(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
