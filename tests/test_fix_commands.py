"""Every fix command aksdoctor prints is checked by the real tools, so it pastes as it is.

- kubectl fixes run with the real kubectl against the API server fixture holding the case's own objects: the
  fixture answers every write 405, so nothing can change, yet kubectl parses the command, maps the kind through
  discovery, finds the object and gets as far as the write. An unknown command, flag or argument, or a verb that
  kubectl refuses for that kind (`rollout restart pod/...`), fails the test.
- az fixes are checked against the Azure CLI's own command table (tests/data/az_commands.json, read from the
  real azure-cli package by scripts/az_command_table.py): the command must exist and every flag must be one of its
  options. Under CI the committed table is compared with what the pinned azure-cli gives.
- No fix holds a `<placeholder>` for a value the same report states as a fact.

Cases: every example bundle and every real-world case (a folder with a COMMAND file).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT
from live import served

REALWORLD = ROOT / "tests" / "realworld"
AZ_TABLE = json.loads((ROOT / "tests" / "data" / "az_commands.json").read_text(encoding="utf-8"))
AZ_GLOBAL = {"--output", "-o", "--query", "--only-show-errors", "--debug", "--verbose", "--help", "-h", "--subscription"}
# Commands that live in Azure CLI extensions (not in azure-cli itself): the fix must tell how to add the extension.
AZ_EXTENSIONS = {"quota": "az extension add --name quota"}
KUBECTL_ROLLOUT_KINDS = {"deployment", "deployments", "deploy", "statefulset", "statefulsets", "sts", "daemonset",
                         "daemonsets", "ds"}
# What kubectl prints when it got all the way to the server's answer: the command itself was accepted.
_REACHED = (
    "MethodNotAllowed",
    "the server does not allow this method",
    "(NotFound)",
    "not found",
    "Edit cancelled",
    "no objects passed to",
    "does not exist",  # `-f FILE` names a file the user writes; kubectl parsed the rest
    "is not supported on resources of kind",  # discovery says the fixture serves no write verb: the write was next
    "unable to find history controlled by",  # rollout undo looked up the revisions the fixture does not hold
    "is not available",  # logs of a container that has not started: the server's answer to a valid request
)
_REFUSED = ("unknown flag", "unknown command", "unknown shorthand flag", "invalid argument", "has been implemented",
            "required flag", "accepts ", "error: unknown", "must specify", "flag needs an argument",
            "restarting is not supported", "doesn't have a resource type")


def _cases() -> list[Path]:
    roots = [EXAMPLES] + ([REALWORLD] if REALWORLD.is_dir() else [])
    return sorted(d for root in roots for d in root.iterdir() if (d / "COMMAND").is_file())


def _report(cli: Any, case: Path) -> dict:
    args = shlex.split((case / "COMMAND").read_text(encoding="utf-8").strip())[1:]
    result = cli(*args, "--bundle", str(case), "-o", "json")
    return json.loads(result.stdout)


def _fixes(report: dict) -> list[dict]:
    """Every fix of the report, nested causes and scan findings included."""
    return [fix for fixes in _cause_fixes(report) for fix in fixes]


def _segments(command: str) -> list[list[str]]:
    """The simple commands of a pipeline or list (`a | b`, `a && b`), each split as a shell would; the command of a
    `VAR=$(...)` assignment is a segment of its own."""
    # A `<placeholder>` stands for one word the user fills in (not a shell redirection).
    command = re.sub(r"<([A-Za-z][A-Za-z0-9_-]*)>", r"PLACEHOLDER-\1", command)
    command = re.sub(r"(^|[\s;&|])[A-Za-z_][A-Za-z0-9_]*=\$\(", r"\1", command).replace(")", " ; ")
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    segments, current = [], []
    for token in lexer:
        if token in ("|", "||", "&&", ";", "&"):
            segments.append(current)
            current = []
        elif token in ("<", ">"):
            current.append(None)  # redirection: the next word is a file, not an argument
        else:
            current.append(token)
    segments.append(current)
    cleaned = []
    for seg in segments:
        words, skip = [], False
        for word in seg:
            if word is None:
                skip = True
                continue
            if not skip:
                words.append(word)
            skip = False
        if words:
            cleaned.append(words)
    return cleaned


def _az_problem(words: list[str]) -> str | None:
    """Why the Azure CLI would refuse `az WORDS...`, or None when its command table accepts it."""
    commands = AZ_TABLE["commands"]
    positional = [w for w in words[1:] if not w.startswith("-")]
    name = None
    for n in range(len(positional), 0, -1):
        candidate = " ".join(positional[:n])
        if candidate in commands and words[1 : 1 + n] == positional[:n]:
            name = candidate
            break
    if name is None:
        group = positional[0] if positional else ""
        if group in AZ_EXTENSIONS:
            return None
        return f"`az {' '.join(positional[:3])}` is not a command of azure-cli {AZ_TABLE['azure-cli']}"
    allowed = set(commands[name]) | AZ_GLOBAL
    for word in words[1:]:
        if word.startswith("-") and not re.fullmatch(r"-\d.*", word):
            flag = word.split("=", 1)[0]
            if flag not in allowed:
                return f"`az {name}` has no option {flag}"
    return None


def _objects(case: Path) -> dict[tuple[str, str, str], dict]:
    """The case's captured objects by (kind, namespace, name), kind in lower case."""
    import yaml

    out: dict[tuple[str, str, str], dict] = {}
    for path in sorted((case / "kubernetes").glob("*")) if (case / "kubernetes").is_dir() else []:
        if path.suffix not in (".yaml", ".yml", ".json"):
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            items = (doc or {}).get("items") if isinstance(doc, dict) and "items" in doc else [doc]
            for obj in items or []:
                if isinstance(obj, dict) and obj.get("kind"):
                    meta = obj.get("metadata") or {}
                    out[(obj["kind"].lower(), meta.get("namespace") or "", meta.get("name") or "")] = obj
    return out


_KIND_NAMES = {"deploy": "deployment", "deployments": "deployment", "sts": "statefulset", "statefulsets": "statefulset",
               "ds": "daemonset", "daemonsets": "daemonset", "rs": "replicaset", "replicasets": "replicaset",
               "po": "pod", "pods": "pod", "jobs": "job", "cj": "cronjob", "cronjobs": "cronjob",
               "cm": "configmap", "configmaps": "configmap", "secretproviderclasses": "secretproviderclass"}
_AKS_ADDONS = {"coredns", "metrics-server", "konnectivity-agent", "kube-proxy", "azure-ip-masq-agent",
               "cloud-node-manager", "csi-azuredisk-node", "csi-azurefile-node", "ama-logs", "ama-metrics"}


def _kubectl_target(words: list[str]) -> tuple[list[str], str, str, str] | None:
    """(verb words, kind, name, namespace) of a kubectl command naming one object."""
    ns, rest, i = "", [], 1
    while i < len(words):
        w = words[i]
        if w in ("-n", "--namespace") and i + 1 < len(words):
            ns, i = words[i + 1], i + 2
            continue
        if w in ("-p", "--patch", "--type", "-c", "--replicas", "-f", "-l", "-o", "--containers"):
            i += 2
            continue
        if w.startswith("--namespace="):
            ns = w.split("=", 1)[1]
        elif not w.startswith("-"):
            rest.append(w)
        i += 1
    verb_len = 2 if rest[:1] in (["rollout"], ["set"]) else 1
    verb, args = rest[:verb_len], rest[verb_len:]
    if not args:
        return None
    if "/" in args[0]:
        kind, name = args[0].split("/", 1)
    elif len(args) > 1:
        kind, name = args[0], args[1]
    else:
        return None
    kind = kind.lower().split(".", 1)[0]
    return verb, _KIND_NAMES.get(kind, kind), name, ns


def _patch_of(words: list[str]) -> str:
    for i, w in enumerate(words):
        if w in ("-p", "--patch") and i + 1 < len(words):
            return words[i + 1]
    return ""


def _top_template(patch: str) -> bool:
    """The patch writes spec.template (merge patch) or /spec/template... (JSON patch)."""
    try:
        body = json.loads(patch)
    except ValueError:
        return False
    if isinstance(body, list):
        return any(str(op.get("path", "")).startswith("/spec/template") for op in body if isinstance(op, dict))
    return isinstance(body, dict) and isinstance(body.get("spec"), dict) and "template" in body["spec"]


def _managed_by(obj: dict, kind: str, name: str, ns: str) -> str:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if labels.get("kubernetes.azure.com/managedby") == "aks" or labels.get(
            "addonmanager.kubernetes.io/mode") == "Reconcile":
        return "AKS (its labels say so)"
    if ns == "kube-system" and name in _AKS_ADDONS and kind in ("deployment", "daemonset"):
        return "AKS (a kube-system add-on)"
    if annotations.get("meta.helm.sh/release-name"):
        return f"Helm release {annotations['meta.helm.sh/release-name']}"
    return ""


def _kubectl_static_problem(
    words: list[str], objects: dict[tuple[str, str, str], dict] | None = None, default_ns: str = ""
) -> str | None:
    """Why the verb does not fit the kind or the owner of the object the command names (issue 14)."""
    objects = objects or {}
    if len(words) > 2 and words[1] == "rollout" and words[2] in {"restart", "undo", "resume", "pause", "status",
                                                                  "history"}:
        targets = [w for w in words[3:] if not w.startswith("-") and "/" in w]
        for target in targets:
            if target.split("/", 1)[0].lower() not in KUBECTL_ROLLOUT_KINDS:
                return f"kubectl rolls out only Deployments, StatefulSets and DaemonSets, not {target}"
    found = _kubectl_target(words)
    if found is None:
        return None
    verb, kind, name, ns = found
    ns = ns or default_ns
    obj = objects.get((kind, ns, name)) or {}
    owners = (obj.get("metadata") or {}).get("ownerReferences") or []
    patch = _patch_of(words)
    if verb[:1] == ["set"] and kind == "replicaset" and (not obj or any(o.get("kind") == "Deployment" for o in owners)):
        return f"`set {verb[1:]}` on {kind}/{name}: the Deployment owning it reverts it; set it on the Deployment"
    if verb[:1] == ["set"] and kind == "job":
        return f"a Job's pod template is immutable: `kubectl set` on job/{name} fails"
    if verb == ["patch"] and kind == "job" and "template" in patch:
        return f"a Job's pod template is immutable: patching job/{name} fails; patch its CronJob or recreate the Job"
    if verb == ["patch"] and kind == "cronjob" and _top_template(patch):
        return f"a CronJob's pod template is spec.jobTemplate.spec.template, not spec.template ({name})"
    if verb == ["patch"] and kind == "pod" and _top_template(patch):
        return f"a pod has no template: the patch of pod/{name} changes nothing"
    if verb[:2] == ["set", "resources"] and kind == "pod":
        return f"a pod's resources cannot change in place: recreate pod/{name} or set them on its workload"
    if verb == ["patch"] and kind == "replicaset" and any(o.get("kind") == "Deployment" for o in owners):
        return f"replicaset/{name} belongs to a Deployment, which reverts the patch"
    if verb == ["scale"] and kind in ("deployment", "statefulset"):
        for (k, hns, hname), hpa in objects.items():
            ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
            if k == "horizontalpodautoscaler" and hns == ns and ref.get("name") == name and str(
                    ref.get("kind", "")).lower() == kind:
                return f"HPA {hname} manages {kind}/{name}: kubectl scale is undone; patch the HPA's min/maxReplicas"
    if verb[:1] in (["edit"], ["patch"], ["set"], ["scale"]) and obj and (who := _managed_by(obj, kind, name, ns)):
        return f"{kind}/{name} is managed by {who}, which overwrites `kubectl {verb[0]}`: use its owner's command"
    return None


CASES = _cases()


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    from typer.testing import CliRunner

    from aksdoctor.cli.main import app

    runner = CliRunner()

    def cli(*args: str) -> Any:
        return runner.invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"}, catch_exceptions=False)

    return {str(case): _report(cli, case) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_az_fix_is_a_command_of_the_azure_cli(case, reports):
    problems = []
    for fix in _fixes(reports[str(case)]):
        for words in _segments(fix["command"]):
            if words[0] == "az" and (why := _az_problem(words)):
                problems.append(f"{fix['command']}\n    -> {why}")
            if words[0] == "az" and words[1:2] and words[1] in AZ_EXTENSIONS:
                hint = AZ_EXTENSIONS[words[1]]
                if hint not in (fix.get("explain") or "") and hint not in fix["command"]:
                    problems.append(f"{fix['command']}\n    -> needs the {words[1]} extension: say `{hint}`")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_kubectl_fix_is_accepted_by_kubectl(case, reports, tmp_path):
    commands = [
        words
        for fix in _fixes(reports[str(case)])
        for words in _segments(fix["command"])
        if words[0] == "kubectl"
    ]
    objects = _objects(case)
    default_ns = (reports[str(case)].get("target") or {}).get("namespace") or ""
    problems = [f"{shlex.join(w)}\n    -> {why}" for w in commands
                if (why := _kubectl_static_problem(w, objects, default_ns))]
    if commands:
        with served(case, tmp_path) as (_server, kubeconfig):
            env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=str(tmp_path), EDITOR="true", KUBE_EDITOR="true")
            for words in commands:
                run = subprocess.run(
                    ["kubectl", "--cache-dir", str(tmp_path / "kcache"), "--request-timeout=10s", *words[1:]],
                    env=env, capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
                )
                said = (run.stderr + run.stdout).strip()
                if any(r in said for r in _REFUSED) or (run.returncode != 0 and not any(r in said for r in _REACHED)):
                    problems.append(f"{shlex.join(words)}\n    -> kubectl exit {run.returncode}: {said[-400:]}")
    assert not problems, "\n".join(problems)


_CLUSTER_URL = re.compile(
    r"/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<resource_group>[^/]+)/providers/"
    r"Microsoft\.ContainerService/managedClusters/(?P<cluster>[^/?]+)(?:\?|$)", re.I)
_PROVIDER = re.compile(r"^azure:///subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<node_resource_group>[^/]+)/",
                       re.I)


def _items(path: Path) -> list[dict]:
    import yaml

    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]
    return [i for d in docs for i in (d.get("items") if "items" in d else [d]) or [] if isinstance(i, dict)]


def held_values(case: Path) -> dict[str, str]:
    """What the case's own evidence holds, read from the bundle itself (not from the report): the cluster's
    coordinates (azure/context.json, a managed cluster read from ARM), the nodes' subscription and node
    resource group (providerID), the pod's namespace and name."""
    held: dict[str, str] = {}
    context = case / "azure" / "context.json"
    if context.is_file():
        ctx = json.loads(context.read_text(encoding="utf-8"))
        held |= {k: ctx[c] for k, c in (("subscription", "subscription"), ("resource_group", "resourceGroup"),
                                          ("cluster", "cluster")) if ctx.get(c)}
    for jsonl in sorted((case / "azure").glob("*.jsonl")) if (case / "azure").is_dir() else []:
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            exchange = json.loads(line)
            match = _CLUSTER_URL.search(exchange.get("url", ""))
            if match and exchange.get("status") == 200 and exchange.get("method", "GET") == "GET":
                for key, value in match.groupdict().items():
                    held.setdefault(key, value)
    kube = case / "kubernetes"
    for path in sorted(kube.glob("nodes*.y*ml")) if kube.is_dir() else []:
        for node in _items(path):
            match = _PROVIDER.match(str((node.get("spec") or {}).get("providerID") or ""))
            if match:
                for key, value in match.groupdict().items():
                    held.setdefault(key, value)
    args = shlex.split((case / "COMMAND").read_text(encoding="utf-8").strip())
    if "-n" in args and args.index("-n") + 1 < len(args):
        held.setdefault("namespace", args[args.index("-n") + 1])
    return held


def _placeholders(command: str) -> list[str]:
    """Fact names a command leaves for the user: `<name>` and `"$NAME"` / `$NAME` shell variables."""
    names = re.findall(r"<([a-z][a-z0-9_-]*)>", command)
    names += [v.lower() for v in re.findall(r"\$\{?([A-Z][A-Z0-9_]*)\}?", command)]
    return [n.replace("-", "_") for n in names]


def _set_by(fixes: list[dict], index: int, variable: str) -> bool:
    """Whether the fix says how to set the variable, or an earlier fix of the cause sets it."""
    if any(re.search(rf"\bset\b[^.;]*\b{variable}\b", f.get("explain") or "") for f in fixes[: index + 1]):
        return True
    return any(re.search(rf"(^|[\s;&]){variable}=", f["command"]) for f in fixes[:index])


def _cause_fixes(report: dict) -> list[list[dict]]:
    out: list[list[dict]] = []

    def walk(causes: list[dict]) -> None:
        for cause in causes:
            out.append(cause.get("fix") or [])
            walk(cause.get("nested") or [])

    walk(report.get("causes") or [])
    for finding in report.get("findings") or []:
        walk(finding.get("causes") or [])
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_placeholder_for_a_value_the_report_holds(case, reports):
    """A value the case's evidence holds is filled in; what is left is a shell variable the fix says how to set.

    `<name>` never appears in a command: a shell reads `<name>` as a redirection from a file.
    """
    report = reports[str(case)]
    held = held_values(case)
    problems = []
    for fixes in _cause_fixes(report):
        for index, fix in enumerate(fixes):
            command = fix["command"]
            if re.search(r"<[a-z][a-z0-9_-]*>", command):
                problems.append(f"{command}\n    -> a <placeholder> breaks the shell (it is a redirection)")
            assigned = set(re.findall(r"(?:^|[\s;&])([A-Z][A-Z0-9_]*)=", command))
            for name in dict.fromkeys(_placeholders(command)):
                variable = name.upper()
                if variable in assigned:
                    continue
                if name in held:
                    problems.append(f"{command}\n    -> leaves {variable} for {name}, which the evidence holds: "
                                    f"{held[name]}")
                elif not _set_by(fixes, index, variable):
                    problems.append(f"{command}\n    -> {variable}: neither this fix nor an earlier one sets it")
                node_rg = held.get("node_resource_group", "")
                if name in ("resource_group", "cluster") and node_rg and not any(
                        node_rg.lower() in f["command"].lower() for f in fixes[:index]):
                    problems.append(f"{command}\n    -> {variable}: the nodes run in node resource group {node_rg}; "
                                    "an earlier fix must find the cluster from it")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_read_only_commands_are_checks_and_scan_leads_with_a_fix(case, reports):
    """kubectl get/describe/logs/top and az list/show are labelled checks; every other command is a fix."""
    from aksdoctor.model import Fix
    from aksdoctor.render.scan_report import first_fix

    problems = []
    for fixes in _cause_fixes(reports[str(case)]):
        for fix in fixes:
            words = _segments(fix["command"])
            reads = all(
                (w[0] == "kubectl" and len(w) > 1 and w[1] in {"get", "describe", "logs", "top"})
                or (w[0] == "az" and any(x.startswith(("list", "show")) for x in w[1:4] if not x.startswith("-")))
                or w[0] in {"echo", "cut", "jq", "openssl"}
                for w in words
            )
            if reads and fix.get("kind") != "check":
                problems.append(f"{fix['command']}: only reads, yet kind {fix.get('kind')!r}")
            if any(w[0] == "kubectl" and len(w) > 1 and w[1] in {"patch", "set", "delete", "annotate", "apply",
                                                                   "rollout", "uncordon", "scale", "create"}
                   for w in words) and fix.get("kind") != "fix":
                problems.append(f"{fix['command']}: changes the cluster, yet kind {fix.get('kind')!r}")
        objects = [Fix(f["command"], f.get("explain", ""), f.get("kind", "")) for f in fixes]
        if any(f.kind == "fix" for f in objects):
            chosen = first_fix(objects)
            assert next(f for f in objects if f.command == chosen).kind == "fix"
    assert not problems, "\n".join(problems)


def test_runbook_templates_hold_no_angle_placeholders_and_explain_their_variables():
    """In the templates too: no `<word>` in a command; a `$VARIABLE` is explained by its own fix."""
    import yaml

    problems = []
    for path in sorted((ROOT / "runbooks").glob("*.yaml")):
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cid, cause in (book.get("causes") or {}).items():
            fixes = cause.get("fix") or []
            for index, fix in enumerate(fixes):
                command = fix["command"]
                if re.search(r"<[A-Za-z][A-Za-z0-9_-]*>", command):
                    problems.append(f"{path.name} {cid}: {command}")
                for variable in re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", command):
                    if not _set_by([{"command": f["command"], "explain": f.get("explain", "")} for f in fixes],
                                   index, variable):
                        problems.append(f"{path.name} {cid}: {command}: nothing says how to set {variable}")
    assert not problems, "\n".join(problems)


def test_the_checks_refuse_what_the_tools_refuse():
    """The checkers themselves can fail: made-up commands and flags, and a rollout of a pod, are caught."""
    assert _az_problem(["az", "aks", "nodepool", "scale", "--node-count", "3", "--nodes", "4"])
    assert _az_problem(["az", "network", "vnet", "peering", "fix"])
    assert _az_problem(["az", "aks", "nodepool", "scale", "-g", "rg", "--cluster-name", "c", "-n", "p",
                        "--node-count", "3"]) is None
    assert _kubectl_static_problem(["kubectl", "rollout", "restart", "pod/web-1", "-n", "shop"])
    assert _kubectl_static_problem(["kubectl", "rollout", "restart", "deployment/web", "-n", "shop"]) is None
    # the verb fits the kind and the owner (issue 14)
    dep_rs = {("replicaset", "shop", "web-7d9f"): {"kind": "ReplicaSet", "metadata": {
        "name": "web-7d9f", "namespace": "shop", "ownerReferences": [{"kind": "Deployment", "name": "web"}]}}}
    assert _kubectl_static_problem(["kubectl", "set", "image", "replicaset/web-7d9f", "web=nginx:1", "-n", "shop"],
                                   dep_rs)
    assert _kubectl_static_problem(["kubectl", "set", "resources", "replicaset/web-7d9f", "--limits=cpu=1"])
    assert _kubectl_static_problem(["kubectl", "patch", "job/report-28000000", "-n", "shop", "--type", "merge", "-p",
                                    '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"r"}]}}}}'])
    assert _kubectl_static_problem(["kubectl", "patch", "cronjob/report", "-n", "shop", "--type", "merge", "-p",
                                    '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"r"}]}}}}'])
    assert _kubectl_static_problem(["kubectl", "patch", "cronjob/report", "-n", "shop", "--type", "merge", "-p",
                                    '{"spec":{"jobTemplate":{"spec":{"template":{"spec":{}}}}}}']) is None
    assert _kubectl_static_problem(["kubectl", "set", "resources", "pod/web-1", "-n", "shop", "--limits=cpu=1"])
    hpa = {("horizontalpodautoscaler", "shop", "web"): {"kind": "HorizontalPodAutoscaler", "spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "web"}}}}
    assert _kubectl_static_problem(["kubectl", "scale", "deployment/web", "-n", "shop", "--replicas=3"], hpa)
    assert _kubectl_static_problem(["kubectl", "scale", "deployment/api", "-n", "shop", "--replicas=3"], hpa) is None
    aks = {("deployment", "kube-system", "metrics-server"): {"kind": "Deployment", "metadata": {
        "name": "metrics-server", "namespace": "kube-system", "labels": {"kubernetes.azure.com/managedby": "aks"}}}}
    assert _kubectl_static_problem(["kubectl", "set", "resources", "deployment/metrics-server", "-n", "kube-system",
                                    "--limits=cpu=1"], aks)
    assert _kubectl_static_problem(["kubectl", "-n", "kube-system", "rollout", "restart", "deployment/metrics-server"],
                                   aks) is None
    helm = {("deployment", "web", "ingress-nginx-controller"): {"kind": "Deployment", "metadata": {
        "name": "ingress-nginx-controller", "annotations": {"meta.helm.sh/release-name": "ingress-nginx"},
        "namespace": "web"}}}
    assert _kubectl_static_problem(["kubectl", "edit", "deployment", "ingress-nginx-controller", "-n", "web"], helm)
    assert _segments("kubectl get pvc a -o json | jq '.x' | kubectl replace --force -f -") == [
        ["kubectl", "get", "pvc", "a", "-o", "json"], ["jq", ".x"], ["kubectl", "replace", "--force", "-f", "-"]]
    assert _segments('ID=$(az group show -n mc --query managedBy -o tsv) && RG=$(echo "$ID" | cut -d/ -f5)') == [
        ["az", "group", "show", "-n", "mc", "--query", "managedBy", "-o", "tsv"], ["echo", "$ID"],
        ["cut", "-d/", "-f5"]]
    assert _placeholders('az aks nodepool scale -g "$RESOURCE_GROUP" --cluster-name <cluster>') == [
        "cluster", "resource_group"]


def test_kubectl_refuses_a_verb_the_kind_does_not_support(tmp_path):
    """The fixture run tells a command kubectl refuses from one that only reached the read-only server."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
           "spec": {"containers": [{"name": "web", "image": "nginx"}]}, "status": {"phase": "Running"}}
    bundle = tmp_path / "b"
    (bundle / "kubernetes").mkdir(parents=True)
    (bundle / "kubernetes" / "pods.json").write_text(json.dumps({"kind": "List", "items": [pod]}), encoding="utf-8")
    with served(bundle, tmp_path) as (_server, kubeconfig):
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=str(tmp_path))

        def run(*args: str) -> str:
            done = subprocess.run(["kubectl", "--cache-dir", str(tmp_path / "kc"), *args], env=env,
                                  capture_output=True, text=True, timeout=60, check=False)
            return done.stderr + done.stdout

        assert "MethodNotAllowed" in run("delete", "pod", "web-1", "-n", "shop") or "not allow" in run(
            "delete", "pod", "web-1", "-n", "shop")
        assert any(r in run("rollout", "restart", "pod/web-1", "-n", "shop") for r in _REFUSED)
        assert any(r in run("set", "image", "pod/web-1", "-n", "shop", "--bogus") for r in _REFUSED)


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="rebuilds the table from azure-cli (about 3 minutes)")
def test_committed_az_table_is_what_azure_cli_gives():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "az_command_table.py"), "--check"],
                          capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_table_covers_the_command_groups_fixes_use():
    assert Path(ROOT / "scripts" / "az_command_table.py").is_file()
    for name in ("aks nodepool add", "acr import", "role assignment create", "keyvault set-policy",
                 "identity federated-credential create", "network nsg rule create", "vmss restart"):
        assert name in AZ_TABLE["commands"], name
