"""Write examples/bundles/scan-several-namespaces: several example bundles side by side, each in its own
namespace, so `aksdoctor scan -A` finds and groups their problems. Run from the repository root after the
other example scripts."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

PARTS = {  # example -> namespace it is moved to
    "imagepull-acr-pull-permission-missing": "shop",
    "imagepull-registry-dns-failure": "catalog",
    "imagepull-registry-rate-limited": "edge",
    "rollout-new-pods-crashloop": "checkout",
    "rollout-quota-exceeded": "payments",
    "imagepull-healthy": "search",
}
SAME_PULL_FAILURE_TWICE = "imagepull-acr-pull-permission-missing"  # also copied to namespace "shop-canary"


def main() -> None:
    root = Path("examples/bundles")
    out = root / "scan-several-namespaces"
    shutil.rmtree(out, ignore_errors=True)
    nodes_written = False
    azure_lines: list[str] = []
    for example, namespace in [*PARTS.items(), (SAME_PULL_FAILURE_TWICE, "shop-canary")]:
        source = root / example
        for path in sorted((source / "kubernetes").glob("*.yaml")):
            if path.name == "nodes.yaml":
                if nodes_written:
                    continue
                nodes_written = True
            doc = yaml.safe_load(path.read_text())
            for item in doc.get("items", []) if doc.get("kind", "").endswith("List") else [doc]:
                _move(item, namespace)
            target = out / "kubernetes" / namespace / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.safe_dump(doc, sort_keys=False, width=200))
        for log in sorted((source / "logs").rglob("*.log")) if (source / "logs").is_dir() else []:
            rel = log.relative_to(source / "logs")
            target = out / "logs" / namespace / Path(*rel.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, target)
        for jsonl in sorted((source / "azure").glob("*.jsonl")) if (source / "azure").is_dir() else []:
            azure_lines += [line for line in jsonl.read_text().splitlines() if line.strip()]
    # A real capture holds the metrics API's answer too: the node's usage (from the healthy nodecpu example).
    metrics = out / "kubernetes" / "cluster"
    metrics.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nodecpu-healthy" / "kubernetes" / "nodemetrics.yaml", metrics / "nodemetrics.yaml")
    (metrics / "podmetrics.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": []}))
    if azure_lines:
        (out / "azure").mkdir()
        unique = list(dict.fromkeys(azure_lines))
        (out / "azure" / "arm.jsonl").write_text("\n".join(unique) + "\n")
    (out / "COMMAND").write_text("aksdoctor scan -A\n")
    print(f"wrote {out}")


def _move(obj: dict, namespace: str) -> None:
    meta = obj.get("metadata") or {}
    if "namespace" in meta:
        meta["namespace"] = namespace
        if "uid" in meta:
            meta["uid"] = (
                meta["uid"][: -len(namespace)] + namespace if len(meta["uid"]) > len(namespace) else meta["uid"]
            )
    involved = obj.get("involvedObject")
    if involved:
        involved["namespace"] = namespace
        if "uid" in involved:
            involved["uid"] = involved["uid"][: -len(namespace)] + namespace
    for owner in meta.get("ownerReferences") or []:
        if "uid" in owner:
            owner["uid"] = owner["uid"][: -len(namespace)] + namespace


if __name__ == "__main__":
    main()
