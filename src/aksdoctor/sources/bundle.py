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

from ..errors import BundleError, NotCaptured, NotFound, SourceUnavailable, UsageError
from ..scrub import clean, scrub
from .kube import normalize
from .resources import KIND_TO_KEY, STEM_TO_KEY, Resource
from .selectors import field_matcher, label_matcher
from .validate import check

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
        self._files = 0
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
        return scrub(clean("\n".join(lines[-tail:])))

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
        nested = _nested_bundles(self.root)
        if len(nested) > 1:
            shown = ", ".join(nested[:5]) + (f" (+{len(nested) - 5} more)" if len(nested) > 5 else "")
            raise UsageError(
                f"{self.root} holds {len(nested)} bundles ({shown}), not one",
                hint=f"pass one of them: --bundle {self.root / nested[0]}",
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
            self._files += 1
            for doc, line in _documents(path):
                self._add_document(doc, path, line)
        if not self._objects and not self._captured and self._manifest is None:
            raise BundleError(
                f"bundle {self.root} holds no Kubernetes object"
                + ("" if self._files else " (no .yaml, .yml or .json file outside azure/ and logs/)"),
                hint="a bundle is a folder of `kubectl get ... -o yaml` output (docs/spec/bundle-format.md)",
            )

    def _add_document(self, doc: Any, path: Path, line: int, item: int | None = None) -> None:
        if doc is None:
            return
        if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or not doc.get("apiVersion"):
            where = f"{path}:{line if item is None else _line_of(path, line, item, [])}"
            raise BundleError(f"{where}: not a Kubernetes object (needs apiVersion and kind)")
        kind = doc["kind"]
        if kind.endswith("List") and "items" in doc:
            items = doc["items"]
            if items is None:
                items = []
            if not isinstance(items, list):
                raise BundleError(f"{path}:{line}: {kind} 'items' must be a list, not {type(items).__name__}")
            if not items:
                self._mark_captured_by_name(path, kind)
            item_kind = kind[: -len("List")] if kind != "List" else None
            for index, entry in enumerate(items):
                filled = entry
                if isinstance(entry, dict) and item_kind and "kind" not in entry:
                    filled = {"kind": item_kind, "apiVersion": doc["apiVersion"], **entry}
                self._add_document(filled, path, line, index)
            return
        key = KIND_TO_KEY.get(kind)
        problem = check(doc) if key is not None else None
        if problem is not None:
            at, message = problem
            name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
            raise BundleError(
                f"{path}:{_line_of(path, line, item, at)}: {kind} {name or '(no name)'} is not valid evidence: "
                f"{message}",
                hint="is the file complete? re-export it with `kubectl get ... -o yaml` (a cut or edited file "
                "would give a wrong verdict)",
            )
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


def _nested_bundles(root: Path) -> list[str]:
    """Sub-folders that are bundles of their own (a COMMAND, a manifest or a kubernetes/ folder), when the
    root itself is not one: merging them would mix clusters into one verdict."""
    if any((root / marker).exists() for marker in ("COMMAND", _MANIFEST, "kubernetes")):
        return []
    return sorted(
        child.name
        for child in root.iterdir()
        if child.is_dir() and any((child / marker).exists() for marker in ("COMMAND", _MANIFEST, "expected.json"))
    )


def _line_of(path: Path, doc_line: int, item: int | None, at: list[Any]) -> int:
    """The line of a field inside a file (only computed for an error): the deepest part of the path that
    exists, else the document's first line."""
    try:
        chunks = dict(_yaml_chunks(path.read_text(encoding="utf-8")))
        node = yaml.compose(chunks[doc_line], Loader=_LOADER) if doc_line in chunks else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return doc_line
    line = doc_line
    for step in (["items", item] if item is not None else []) + list(at):
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        line = doc_line + node.start_mark.line
    return line


def open_bundle(root: str | Path) -> tuple[BundleKube, Any]:
    """The Kubernetes and Azure readers of a bundle (Azure is None when the bundle has no azure/)."""
    from .azure import replay_azure
    from .recordings import load_recordings

    root = Path(root)
    kube = BundleKube(root)
    azure_dir = root / "azure"
    if not azure_dir.is_dir():
        return kube, None
    context = _read_context(azure_dir / "context.json")
    return kube, replay_azure(load_recordings(azure_dir), context=context)


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
