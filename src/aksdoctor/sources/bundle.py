"""The bundle source: Kubernetes objects from kubectl -o yaml|json files, Azure from recorded responses.

Format: specs/bundle-format.md. A kind the bundle does not hold is "not captured" (NotCaptured), which
is not the same as "does not exist" (NotFound).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from ..errors import BundleError, NotCaptured, NotFound, SourceUnavailable
from .kube import normalize
from .resources import KIND_TO_KEY, STEM_TO_KEY, Resource
from .selectors import field_matcher, label_matcher

_SKIP_DIRS = {"azure", "logs"}
_SUFFIXES = {".yaml", ".yml", ".json"}
_MANIFEST = "bundle.yaml"
_DOC_START = re.compile(r"^---(\s|$)")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BundleKube:
    """Kubernetes objects read once from a bundle folder."""

    mode = "bundle"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.context = str(root)
        self.default_namespace = "default"
        self.requests = 0
        self._objects: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._by_name: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._captured: set[str] = set()
        self._manifest: dict[str, set[str]] | None = None
        self._load()

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """One object, NotFound when captured but absent, NotCaptured when the kind is not in the bundle."""
        self.requests += 1
        self._require(res, "get", namespace)
        obj = self._by_name.get((res.key, namespace or "" if res.namespaced else "", name))
        if obj is None:
            raise NotFound(
                f"{res.plural} {name!r}" + (f" in namespace {namespace}" if namespace else ""), kind=res.kind, name=name
            )
        return obj

    def list(
        self,
        res: Resource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Objects of a kind, filtered like the API server would."""
        self.requests += 1
        self._require(res, "list", namespace)
        labels, fields = label_matcher(label_selector), field_matcher(field_selector)
        out = [
            obj
            for obj in self._objects.get(res.key, [])
            if (not namespace or not res.namespaced or _ns(obj) == namespace) and labels(obj) and fields(obj)
        ]
        return out[:limit] if limit is not None else out

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 200) -> str:
        """A container log from logs/<ns>/<pod>/<container>[.previous].log."""
        self.requests += 1
        path = self.root / "logs" / namespace / pod / f"{container}{'.previous' if previous else ''}.log"
        if not path.is_file():
            raise NotCaptured(
                f"log of {namespace}/{pod}/{container}", reason=f"the bundle has no {path.relative_to(self.root)}"
            )
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-tail:])

    def captured(self, key: str) -> bool:
        """Whether the bundle holds this resource at all."""
        return key in self._captured

    # ---- loading --------------------------------------------------------------------------------
    def _require(self, res: Resource, verb: str, namespace: str | None) -> None:
        if self._manifest is not None:
            spaces = self._manifest.get(res.key)
            if spaces is not None and (not res.namespaced or not namespace or namespace in spaces or "*" in spaces):
                return
        elif res.key in self._captured:
            return
        raise NotCaptured(res.describe(verb, namespace), reason="not captured in the bundle")

    def _load(self) -> None:
        if not self.root.is_dir():
            raise SourceUnavailable(
                f"bundle {self.root} is not a folder", hint="pass --bundle DIR (a folder of kubectl -o yaml/json files)"
            )
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if rel.parts[0] in _SKIP_DIRS or not path.is_file() or path.suffix.lower() not in _SUFFIXES:
                continue
            if rel.as_posix() in ("report.json", "report.md", "expected.json"):
                continue  # the report a capture wrote beside its evidence; a test case's expected verdict
            if rel.as_posix() == _MANIFEST:
                self._manifest = _read_manifest(path)
                continue
            for doc, line in _documents(path):
                self._add_document(doc, path, line)

    def _add_document(self, doc: Any, path: Path, line: int) -> None:
        if doc is None:
            return
        where = f"{path}:{line}"
        if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or not doc.get("apiVersion"):
            raise BundleError(f"{where}: not a Kubernetes object (needs apiVersion and kind)")
        kind = doc["kind"]
        if kind.endswith("List") and isinstance(doc.get("items"), list):
            items = doc["items"]
            if not items:
                self._mark_captured_by_name(path, kind)
            item_kind = kind[: -len("List")] if kind != "List" else None
            for item in items:
                filled = item
                if isinstance(item, dict) and item_kind and "kind" not in item:
                    filled = {"kind": item_kind, "apiVersion": doc["apiVersion"], **item}
                self._add_document(filled, path, line)
            return
        key = KIND_TO_KEY.get(kind)
        if key is None:
            return  # a kind no runbook reads: kept out of the index, not an error
        obj = normalize(doc)
        self._objects[key].append(obj)
        self._captured.add(key)
        meta = obj.get("metadata") or {}
        self._by_name[(key, meta.get("namespace") or "", str(meta.get("name", "")))] = obj

    def _mark_captured_by_name(self, path: Path, kind: str) -> None:
        stem = re.split(r"[-_.]", path.stem.lower(), maxsplit=1)[0]
        key = STEM_TO_KEY.get(stem) or KIND_TO_KEY.get(kind[: -len("List")])
        if key:
            self._captured.add(key)


def open_bundle(root: str | Path) -> tuple[BundleKube, Any]:
    """The Kubernetes and Azure readers of a bundle (Azure is None when the bundle has no azure/)."""
    from .azure import replay_azure
    from .azure_transport import ReplayTransport, load_recordings

    root = Path(root)
    kube = BundleKube(root)
    azure_dir = root / "azure"
    if not azure_dir.is_dir():
        return kube, None
    context = _read_context(azure_dir / "context.json")
    return kube, replay_azure(ReplayTransport(load_recordings(azure_dir)), context=context)


def _documents(path: Path) -> list[tuple[Any, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{path}: not UTF-8 text (byte {exc.start}); is it a kubectl -o yaml|json file?") from None
    if "\x00" in text:
        raise BundleError(f"{path}: binary content; is it a kubectl -o yaml|json file?")
    if path.suffix.lower() == ".json":
        try:
            return [(json.loads(text), 1)]
        except json.JSONDecodeError as exc:
            raise BundleError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    docs = []
    for start, chunk in _yaml_chunks(text):
        try:
            docs.append((yaml.load(chunk, Loader=_LOADER), start))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            # PyYAML marks errors found at end of stream one line past the last: clamp to the document.
            line = start + min(mark.line if mark else 0, max(chunk.count("\n") - 1, 0))
            raise BundleError(f"{path}:{line}: invalid YAML ({exc.problem or exc.context})") from None
        except yaml.YAMLError as exc:
            raise BundleError(f"{path}:{start}: invalid YAML ({exc})") from None
    return docs


def _yaml_chunks(text: str) -> list[tuple[int, str]]:
    """Split multi-document YAML at '---' lines, keeping each document's first line number."""
    chunks, current, start = [], [], 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _DOC_START.match(line):
            if any(s.strip() and not s.lstrip().startswith("#") for s in current):
                chunks.append((start, "".join(current)))
            current, start = [], number + 1
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                current.append(rest + "\n")
                start = number
            continue
        current.append(line)
    if any(s.strip() and not s.lstrip().startswith("#") for s in current):
        chunks.append((start, "".join(current)))
    return chunks


def _read_manifest(path: Path) -> dict[str, set[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: invalid bundle manifest ({exc})") from None
    captured = data.get("captured") if isinstance(data, dict) else None
    if not isinstance(captured, dict):
        raise BundleError(f"{path}: a bundle manifest needs 'captured: {{resource: [namespaces]}}'")
    return {str(k): set(v or ["*"]) if isinstance(v, list) else {"*"} for k, v in captured.items()}


def _read_context(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: invalid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BundleError(f"{path}: must be a JSON object with subscription, resourceGroup, cluster")
    return {str(k): str(v) for k, v in data.items() if v is not None}


def _ns(obj: dict[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("namespace") or ""


__all__ = ["BundleKube", "open_bundle"]
