"""Who owns an object, and the fix command that fits its kind and its owner (issue 14).

Owner resolution: Pod -> ReplicaSet -> Deployment (from the `pod-template-hash` label and the ReplicaSet name
when the ReplicaSet was not captured), Pod -> Job -> CronJob (from the Job name `CRONJOB-<minutes>` when the Job
was not captured), StatefulSet, DaemonSet, a custom resource (an operator), or none (a bare pod). What could not
be read never turns into "has no owner": the kind is inferred and says so.

`fit(ev, fixes)` is the one fix builder every runbook's causes go through (the engine calls it): each rendered
kubectl command is checked against the object it names and rewritten when the verb does not fit:

- `rollout restart|undo|...` only on Deployments, StatefulSets, DaemonSets: a CronJob runs a Job now from its
  template (`kubectl create job --from=cronjob/...`), a bare pod is recreated, a Job is recreated from its manifest;
- `set image|resources|env`, `patch`, `edit` go to the workload that owns the pod template, never to a ReplicaSet
  of a Deployment or a Job of a CronJob; a CronJob's template is patched at `spec.jobTemplate.spec.template`;
  a Job's template is immutable (recreate it from its manifest); a bare pod's spec is changed by recreating it;
- `kubectl scale` of a workload an HPA manages patches the HPA's minReplicas/maxReplicas instead;
- objects AKS manages (label kubernetes.azure.com/managedby: aks, addonmanager.kubernetes.io/mode: Reconcile,
  the add-ons in kube-system) or a Helm release / an operator renders get their owner's command, not kubectl.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import DataUnavailable, NotFound
from ..model import Fix
from ..sources.selectors import dig

if TYPE_CHECKING:  # the engine imports this module: no source (and no SDK) behind it
    from ..sources.evidence import Evidence

ROLLABLE = ("Deployment", "StatefulSet", "DaemonSet")
# kubectl resource names and short names -> (Kind, resource key of sources/resources.py)
_ALIASES: dict[str, tuple[str, str]] = {}
for _kind, _key, _names in (
    ("Pod", "pods", ("pod", "pods", "po")),
    ("Deployment", "deployments", ("deployment", "deployments", "deploy", "deployment.apps", "deployments.apps")),
    ("StatefulSet", "statefulsets", ("statefulset", "statefulsets", "sts", "statefulset.apps")),
    ("DaemonSet", "daemonsets", ("daemonset", "daemonsets", "ds", "daemonset.apps")),
    ("ReplicaSet", "replicasets", ("replicaset", "replicasets", "rs", "replicaset.apps")),
    ("Job", "jobs", ("job", "jobs", "job.batch")),
    ("CronJob", "cronjobs", ("cronjob", "cronjobs", "cj", "cronjob.batch")),
    ("SecretProviderClass", "secretproviderclasses", ("secretproviderclass", "secretproviderclasses")),
    ("ConfigMap", "configmaps", ("configmap", "configmaps", "cm")),
    ("Service", "services", ("service", "services", "svc")),
    ("HorizontalPodAutoscaler", "horizontalpodautoscalers", ("hpa", "horizontalpodautoscaler",
                                                             "horizontalpodautoscalers")),
    ("PodDisruptionBudget", "poddisruptionbudgets", ("pdb", "poddisruptionbudget", "poddisruptionbudgets")),
):
    for _name in _names:
        _ALIASES[_name] = (_kind, _key)
_KEYS = dict(_ALIASES.values())

# Add-ons AKS deploys and reconciles in kube-system (https://learn.microsoft.com/azure/aks/integrations).
AKS_ADDONS = frozenset({
    "coredns", "coredns-autoscaler", "metrics-server", "konnectivity-agent", "kube-proxy", "azure-ip-masq-agent",
    "cloud-node-manager", "csi-azuredisk-node", "csi-azurefile-node", "csi-blob-node", "ama-logs", "ama-logs-rs",
    "ama-metrics", "ama-metrics-node", "azure-policy", "azure-policy-webhook", "gatekeeper-controller",
    "aks-secrets-store-csi-driver", "aks-secrets-store-provider-azure", "azure-wi-webhook-controller-manager",
    "keda-operator", "keda-operator-metrics-apiserver", "keda-admission-webhooks", "eraser-controller-manager",
    "azure-cns", "cilium", "cilium-operator", "azure-npm", "kube-egress-gateway", "retina-agent",
    "omsagent", "omsagent-rs", "tunnelfront", "aks-link",
})
_MUTATING = {"set", "patch", "edit", "scale", "label", "annotate", "replace", "apply"}


@dataclass(frozen=True)
class Manager:
    """Someone other than the user who writes the object's spec back: AKS, a Helm release, an operator."""

    kind: str  # aks | helm | operator
    name: str = ""  # the Helm release, or the owning custom resource as kind/name
    chart: str = ""  # the Helm chart (name without version) when the helm.sh/chart label says
    why: str = ""  # the label/annotation/owner reference that says so


@dataclass(frozen=True)
class Owner:
    """The object whose spec a fix changes, resolved from a pod (or any object) through its owners."""

    kind: str
    name: str
    namespace: str
    inferred: str = ""  # how the kind was inferred when a link of the chain was not captured
    chain: tuple[str, ...] = ()  # pod/x, replicaset/y, deployment/z
    manager: Manager | None = None
    hpa: str = ""
    hpa_min: int | None = None
    hpa_max: int | None = None
    obj: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ref(self) -> str:
        """kubectl's TYPE/NAME for it: deployment/web."""
        return f"{self.kind.lower()}/{self.name}"

    @property
    def rollable(self) -> bool:
        """kubectl rollout works on it."""
        return self.kind in ROLLABLE


def _controller(obj: dict[str, Any]) -> dict[str, Any] | None:
    owners = dig(obj, "metadata.ownerReferences", []) or []
    return next((o for o in owners if o.get("controller")), owners[0] if owners else None)


def _read(ev: Evidence, kind: str, name: str, ns: str) -> dict[str, Any] | None:
    key = _KEYS.get(kind)
    if key is None:
        return None
    try:
        return ev.get(key, name, ns)
    except (DataUnavailable, NotFound):
        return None


def resolve(ev: Evidence, obj: dict[str, Any]) -> Owner:
    """The top owner of a pod (or a ReplicaSet, Job, ...): the object whose template a fix changes."""
    ns = dig(obj, "metadata.namespace", "") or ev.target.namespace or ""
    kind, name = str(obj.get("kind") or "Pod"), str(dig(obj, "metadata.name", ""))
    return ev.memo(("derived", "owner", ns, kind, name), lambda: _resolve(ev, obj, ns))


def prefetch_owner(ev: Evidence) -> None:
    """Start reading the target pod's owner chain (ReplicaSet, Deployment, ...) and the namespace's HPAs now, in
    the background: the fix builder needs them after the walk, and the walk does not (live only; see
    Evidence.prefetch). The chain is memoized, so the fix builder joins it."""
    ns = ev.target.namespace or ""
    ev.prefetch(lambda: hpas(ev, ns), lambda: resolve(ev, ev.pod()), lambda: _top(ev))


def hpas(ev: Evidence, ns: str) -> list[dict[str, Any]]:
    """The namespace's HorizontalPodAutoscalers: the one read the fix builder makes (and prefetches join)."""
    return ev.list("horizontalpodautoscalers", ns)


def _top(ev: Evidence) -> None:
    """The Deployment a pod's ReplicaSet is named for (its pod-template-hash suffix), read beside the ReplicaSet
    rather than after it: the chain then takes one round less. A guess that the ReplicaSet's own owner reference
    does not confirm is never used (resolve follows the references)."""
    pod = ev.pod()
    ref = _controller(pod)
    if ref is None or ref.get("kind") != "ReplicaSet":
        return
    guess = _infer(pod, "ReplicaSet", str(ref.get("name", "")))
    if guess is not None:
        _read(ev, guess[0], guess[1], ev.target.namespace or "")


def _resolve(ev: Evidence, obj: dict[str, Any], ns: str) -> Owner:
    kind, name = str(obj.get("kind") or "Pod"), str(dig(obj, "metadata.name", ""))
    chain = [f"{kind.lower()}/{name}"]
    inferred = ""
    current: dict[str, Any] | None = obj
    for _ in range(4):
        ref = _controller(current) if current is not None else None
        if ref is None:
            break
        ref_kind, ref_name = str(ref.get("kind", "")), str(ref.get("name", ""))
        if ref_kind == "Node":  # a static (mirror) pod: the kubelet's manifest owns it
            break
        upper = _read(ev, ref_kind, ref_name, ns)
        if upper is None:
            guess = _infer(current or {}, ref_kind, ref_name)
            kind, name, current = ref_kind, ref_name, None
            chain.append(f"{ref_kind.lower()}/{ref_name}")
            if guess:
                kind, name, inferred = guess
                chain.append(f"{kind.lower()}/{name}")
            elif ref_kind not in _KEYS:
                break
            elif ref_kind in ("ReplicaSet", "Job"):
                inferred = f"{ref_kind} {ref_name} could not be read: its own owner is unknown"
            break
        kind, name, current = ref_kind, ref_name, upper
        chain.append(f"{kind.lower()}/{name}")
    top = current if current is not None and current is not obj else (obj if len(chain) == 1 else {})
    manager = _manager(ev, kind, name, ns, top or {}, obj)
    hpa, lo, hi = _hpa(ev, kind, name, ns)
    return Owner(kind, name, ns, inferred, tuple(chain), manager, hpa, lo, hi, top or {})


def _infer(below: dict[str, Any], kind: str, name: str) -> tuple[str, str, str] | None:
    """The owner's owner from names and labels when the ReplicaSet or Job itself was not captured."""
    labels = dig(below, "metadata.labels", {}) or {}
    if kind == "ReplicaSet":
        hashed = labels.get("pod-template-hash")
        if hashed and name.endswith(f"-{hashed}"):
            base = name[: -len(hashed) - 1]
            return "Deployment", base, (
                f"ReplicaSet {name} was not captured; its pod-template-hash {hashed} names Deployment {base}")
    if kind == "ReplicaSet":
        match = re.fullmatch(r"(.+)-([bcdfghjklmnpqrstvwxz2456789]{6,10})", name)
        if match:
            return "Deployment", match.group(1), (
                f"ReplicaSet {name} was not captured; its name (a pod-template-hash suffix) names Deployment "
                f"{match.group(1)}")
    if kind == "Job":
        match = re.fullmatch(r"(.+)-(\d{8,})", name)
        if match:
            return "CronJob", match.group(1), (
                f"Job {name} was not captured; its name (scheduled-time suffix) names CronJob {match.group(1)}")
    return None


def _manager(ev: Evidence, kind: str, name: str, ns: str, top: dict[str, Any], pod: dict[str, Any]) -> Manager | None:
    labels = dig(top, "metadata.labels", {}) or {}
    annotations = dig(top, "metadata.annotations", {}) or {}
    if labels.get("kubernetes.azure.com/managedby") == "aks":
        return Manager("aks", why=f"{kind} {name} carries label kubernetes.azure.com/managedby: aks")
    if labels.get("addonmanager.kubernetes.io/mode") == "Reconcile":
        return Manager("aks", why=f"{kind} {name} carries label addonmanager.kubernetes.io/mode: Reconcile")
    if ns == "kube-system" and name in AKS_ADDONS and kind in ("Deployment", "DaemonSet", "ConfigMap"):
        return Manager("aks", why=f"{kind} {name} in kube-system is an AKS add-on")
    release = annotations.get("meta.helm.sh/release-name")
    helm_labels = labels or (dig(pod, "metadata.labels", {}) or {})
    if release or helm_labels.get("app.kubernetes.io/managed-by") == "Helm":
        chart = str(helm_labels.get("helm.sh/chart") or "")
        chart = re.sub(r"-v?\d+(\.\d+)*([-+].*)?$", "", chart) if chart else ""
        release = release or helm_labels.get("app.kubernetes.io/instance") or ""
        why = (f"{kind} {name} belongs to Helm release {release}" if release
               else f"{kind} {name} carries label app.kubernetes.io/managed-by: Helm")
        return Manager("helm", str(release), chart, why)
    if kind not in _KEYS and kind not in ("Node", ""):
        why = f"the pods belong to {kind} {name} (a custom resource)"
        return Manager("operator", f"{kind.lower()}/{name}", why=why)
    up = _controller(top) if top else None
    if up is not None and str(up.get("kind")) not in _KEYS:
        ref = f"{str(up.get('kind')).lower()}/{up.get('name')}"
        return Manager("operator", ref, why=f"{kind} {name} is owned by {up.get('kind')} {up.get('name')}")
    return None


def _hpa(ev: Evidence, kind: str, name: str, ns: str) -> tuple[str, int | None, int | None]:
    if kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
        return "", None, None
    try:
        found = hpas(ev, ns)
    except (DataUnavailable, NotFound):
        return "", None, None
    for hpa in found:
        target = dig(hpa, "spec.scaleTargetRef", {}) or {}
        if target.get("kind") == kind and target.get("name") == name:
            return str(dig(hpa, "metadata.name", "")), dig(hpa, "spec.minReplicas"), dig(hpa, "spec.maxReplicas")
    return "", None, None


def workload_of(ev: Evidence, pod: dict[str, Any]) -> str:
    """`deployment/web`, `cronjob/report`, `statefulset/db`, ... the pod's owning workload, else `pod/NAME`."""
    owner = resolve(ev, pod)
    return owner.ref


def owner_of(ev: Evidence, kind: str, name: str, ns: str) -> Owner | None:
    """The owner of the object kubectl names as KIND/NAME in NS, when it can be read (or inferred)."""
    if kind not in _KEYS:
        return None
    obj = _read(ev, kind, name, ns)
    if obj is None:
        if kind in ("ReplicaSet", "Job"):
            stub = {"kind": "Pod", "metadata": {"name": "", "namespace": ns}}
            guess = _infer(stub, kind, name)
            if guess:
                return Owner(guess[0], guess[1], ns, guess[2], (f"{kind.lower()}/{name}",))
        return None
    obj = {"kind": kind, **obj}
    return resolve(ev, obj)


# ---------------------------------------------------------------------------------------------------------------
# The fix builder


@dataclass
class _Cmd:
    words: list[str]
    verb: list[str]  # ["rollout", "restart"], ["set", "image"], ["patch"], ...
    kind: str
    name: str
    namespace: str
    target_at: tuple[int, int]  # word span of the target (TYPE/NAME is one word, TYPE NAME two)


def _parse(command: str, default_ns: str) -> _Cmd | None:  # noqa: PLR0912 - one pass over kubectl's words
    if any(c in command for c in ("|", "&&", ";", ">", "<", "$(", "`")):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] != "kubectl":
        return None
    ns, rest, i = default_ns, [], 1
    positions = []
    while i < len(words):
        w = words[i]
        if w in ("-n", "--namespace") and i + 1 < len(words):
            ns = words[i + 1]
            i += 2
            continue
        if w.startswith("--namespace="):
            ns = w.split("=", 1)[1]
        elif w.startswith("-") and w in ("-p", "--patch", "--type", "-c", "--containers", "--replicas", "-f",
                                           "-l", "--selector", "--limits", "--requests", "--image", "-o"):
            i += 2
            continue
        elif not w.startswith("-"):
            rest.append(w)
            positions.append(i)
        i += 1
    if not rest:
        return None
    verb_len = 2 if rest[0] in ("rollout", "set") and len(rest) > 1 else 1
    verb, args, pos = rest[:verb_len], rest[verb_len:], positions[verb_len:]
    if not args:
        return None
    if "/" in args[0]:
        type_, name = args[0].split("/", 1)
        span = (pos[0], pos[0] + 1)
    elif len(args) > 1 and args[0].lower() in _ALIASES:
        type_, name = args[0], args[1]
        span = (pos[0], pos[1] + 1)
    else:
        return None
    resolved = _ALIASES.get(type_.lower())
    if resolved is None:
        return None
    return _Cmd(words, verb, resolved[0], name, ns, span)


def _join(words: list[str]) -> str:
    return shlex.join(words)


def _with_target(cmd: _Cmd, ref: str) -> list[str]:
    a, b = cmd.target_at
    return [*cmd.words[:a], ref, *cmd.words[b:]]


def _flag(words: list[str], *names: str) -> str | None:
    for i, w in enumerate(words):
        if w in names and i + 1 < len(words):
            return words[i + 1]
        for n in names:
            if n.startswith("--") and w.startswith(n + "="):
                return w.split("=", 1)[1]
    return None


def _replace_flag(words: list[str], names: tuple[str, ...], value: str) -> list[str]:
    out = list(words)
    for i, w in enumerate(out):
        if w in names and i + 1 < len(out):
            out[i + 1] = value
            return out
        for n in names:
            if n.startswith("--") and w.startswith(n + "="):
                out[i] = f"{n}={value}"
                return out
    return out


def _cronjob_patch(words: list[str]) -> list[str] | None:
    """The same patch with the pod template moved under spec.jobTemplate.spec.template."""
    patch = _flag(words, "-p", "--patch")
    if patch is None:
        return None
    kind = _flag(words, "--type") or "strategic"
    try:
        body = json.loads(patch)
    except ValueError:
        return None
    if kind == "json" and isinstance(body, list):
        moved = []
        for raw in body:
            op = dict(raw)
            for key in ("path", "from"):
                if isinstance(op.get(key), str) and op[key].startswith("/spec/template"):
                    op[key] = "/spec/jobTemplate" + op[key]
            moved.append(op)
        new = json.dumps(moved, separators=(",", ":"))
    elif isinstance(body, dict) and isinstance(body.get("spec"), dict) and "template" in body["spec"]:
        spec = dict(body["spec"])
        template = spec.pop("template")
        spec["jobTemplate"] = {"spec": {"template": template}}
        new = json.dumps({**body, "spec": spec}, separators=(",", ":"))
    else:
        return None
    return _replace_flag(words, ("-p", "--patch"), new)


def _patch_body(words: list[str]) -> tuple[str, Any] | None:
    patch = _flag(words, "-p", "--patch")
    if patch is None:
        return None
    try:
        return (_flag(words, "--type") or "strategic"), json.loads(patch)
    except ValueError:
        return None


def _touches_template(words: list[str]) -> bool:
    parsed = _patch_body(words)
    if parsed is None:
        return False
    kind, body = parsed
    if kind == "json" and isinstance(body, list):
        return any(str(op.get("path", "")).startswith("/spec/template") for op in body if isinstance(op, dict))
    return isinstance(body, dict) and isinstance(body.get("spec"), dict) and "template" in body["spec"]


def _pod_patch(words: list[str]) -> list[str]:
    """A workload-template patch applied to a pod itself: spec.template.X becomes X."""
    parsed = _patch_body(words)
    if parsed is None:
        return words
    kind, body = parsed
    if kind == "json" and isinstance(body, list):
        ops = []
        for raw in body:
            op = dict(raw)
            for key in ("path", "from"):
                if isinstance(op.get(key), str) and op[key].startswith("/spec/template"):
                    op[key] = op[key][len("/spec/template"):] or "/"
            ops.append(op)
        return _replace_flag(words, ("-p", "--patch"), json.dumps(ops, separators=(",", ":")))
    if isinstance(body, dict) and isinstance(body.get("spec"), dict) and "template" in body["spec"]:
        spec = dict(body["spec"])
        template = spec.pop("template") or {}
        new = {k: v for k, v in body.items() if k != "spec"}
        if spec:
            new["spec"] = spec
        for key, value in template.items():
            new[key] = {**(new.get(key) or {}), **value} if isinstance(value, dict) else value
        return _replace_flag(words, ("-p", "--patch"), json.dumps(new, separators=(",", ":")))
    return words


def _recreate_pod(name: str, ns: str, change: list[str] | None, why: str, *, edit: bool = False) -> list[Fix]:
    saved = f"{name}.yaml"
    if change is not None:
        first = Fix(f"{_join([*change, '--dry-run=client', '-o', 'yaml'])} > {shlex.quote(saved)}",
                    f"{why}: write the changed pod to {saved} (nothing changes yet)")
    else:
        first = Fix(f"kubectl get pod {shlex.quote(name)} -n {shlex.quote(ns)} -o yaml > {shlex.quote(saved)}",
                    f"{why}: save the pod to {saved}" + (" and edit it there" if edit else ""))
    return [first, Fix(f"kubectl replace --force -f {shlex.quote(saved)}",
                       f"then delete pod {name} and create it again from {saved}")]


def _recreate_job(owner: Owner, why: str, change: str = "") -> list[Fix]:
    name, ns = shlex.quote(owner.name), shlex.quote(owner.namespace)
    return [
        Fix(f"kubectl delete job {name} -n {ns}",
            f"{why}: a Job's pod template is immutable; delete Job {owner.name} and create it again from its manifest "
            "with the change"),
        Fix(f'kubectl apply -n {ns} -f "$JOB_MANIFEST"',
            f"set JOB_MANIFEST to the manifest file Job {owner.name} was created from, with the change in its pod "
            "template"
            + (f" (what `{change}` would set)" if change else "")
            + f"; kubectl get job {owner.name} -o yaml holds generated selector labels: start from the source"),
    ]


def _managed(owner: Owner, cmd: _Cmd, original: Fix, facts: dict[str, Any]) -> list[Fix]:
    m = owner.manager
    assert m is not None
    ns = shlex.quote(owner.namespace)
    if m.kind == "helm":
        release = shlex.quote(m.name) if m.name else '"$RELEASE"'
        chart = m.chart or "$CHART"
        return [
            Fix(f"helm get values {release} -n {ns} --all",
                f"check: {m.why}; the chart value that renders this field"),
            Fix(f'helm upgrade {release} "$CHART_REPO/{chart}" -n {ns} --reuse-values --set "$VALUE_KEY=$NEW_VALUE"',
                f"change it through the release (a kubectl change is reverted at the next helm upgrade): set "
                f"CHART_REPO to the chart's repository (helm repo list), VALUE_KEY and NEW_VALUE to the chart value "
                f"for what `{original.command}` would change"
                + ("" if m.name and m.chart else "; set RELEASE and CHART from helm list -n " + ns)),
        ]
    if m.kind == "operator":
        return [
            Fix(f"kubectl edit {shlex.quote(m.name)} -n {ns}",
                f"{m.why}: its operator writes {owner.ref} back; change the custom resource instead of "
                f"`{original.command}`"),
        ]
    # AKS reconciles it
    if owner.name == "coredns" or (owner.kind == "ConfigMap" and owner.name == "coredns"):
        return [Fix("kubectl edit configmap coredns-custom -n kube-system",
                    f"{m.why}: AKS reverts changes to CoreDNS; customise it through ConfigMap coredns-custom "
                    "(https://learn.microsoft.com/azure/aks/coredns-custom)"),
                Fix("kubectl -n kube-system rollout restart deployment/coredns",
                    "CoreDNS reads coredns-custom when it restarts")]
    if owner.name == "metrics-server":
        return [Fix("kubectl edit configmap metrics-server-config -n kube-system",
                    f"{m.why}: AKS reverts changes to the metrics-server Deployment; its resources are set through "
                    "ConfigMap metrics-server-config (https://learn.microsoft.com/azure/aks/use-metrics-server-vertical-pod-autoscaler)"),
                Fix("kubectl -n kube-system rollout restart deployment/metrics-server",
                    "the add-on reads metrics-server-config when it restarts")]
    rg, cluster = facts.get("resource_group") or "<resource-group>", facts.get("cluster") or "<cluster>"
    return [Fix(f"az aks update -g {shlex.quote(str(rg))} -n {shlex.quote(str(cluster))}",
                f"{m.why}: AKS reverts kubectl changes to {owner.ref} (`{original.command}` would not last); "
                "change the add-on through AKS (a plain az aks update reconciles managed components)")]


def fit(ev: Evidence, fixes: list[Fix], facts: dict[str, Any] | None = None) -> list[Fix]:
    """The fixes with each kubectl command fitted to the kind and the owner of the object it names."""
    out: list[Fix] = []
    recreated = False
    for fix in fixes:
        try:
            fitted = _fit_one(ev, fix, facts or {})
        except Exception:  # noqa: BLE001 - a fix we cannot reason about is kept as it was
            fitted = [fix]
        if any(f.command.startswith("kubectl replace --force -f ") for f in fitted):
            if recreated and all(" get pod " in f.command or "replace --force" in f.command for f in fitted):
                continue  # the pod was already recreated by an earlier fix: that is its restart
            recreated = True
        out.extend(fitted)
    seen, unique = set(), []
    for fix in out:
        if fix.command not in seen:
            seen.add(fix.command)
            unique.append(fix)
    return unique


def _pool_scale(ev: Evidence, fix: Fix) -> Fix:
    """`az aks nodepool scale` of a pool whose cluster autoscaler is on (as the managed cluster the run read says)
    fails ("Cannot scale cluster autoscaler enabled node pool"): the autoscaler's bounds are what can be changed.
    A min-count of the wanted node count makes AKS add the nodes now; the max-count keeps room above it."""
    words = shlex.split(fix.command)
    pool, count = _option(words, "-n", "--name"), _option(words, "-c", "--node-count")
    profile = _pool_profile(ev, pool)
    if profile is None or not profile.get("enableAutoScaling") or not (count or "").isdigit():
        return fix
    wanted = int(count or 0)
    low = max(int(profile.get("minCount") or 0), wanted)
    high = max(int(profile.get("maxCount") or 0), wanted)
    group, name = _option(words, "-g", "--resource-group"), _option(words, "--cluster-name")
    command = shlex.join([
        "az", "aks", "nodepool", "update", "-g", str(group), "--cluster-name", str(name), "-n", str(pool),
        "--update-cluster-autoscaler", "--min-count", str(low), "--max-count", str(high),
    ])
    explain = (
        f"{fix.explain}; pool {pool} autoscales ({profile.get('minCount')}-{profile.get('maxCount')} nodes) and AKS "
        f"refuses a manual scale of it (Cannot scale cluster autoscaler enabled node pool): a min-count of {low} makes "
        "AKS add the nodes now; lower it again once the pods run"
    ).lstrip("; ")
    return Fix(command, explain)


def _pool_profile(ev: Evidence, pool: str | None) -> dict[str, Any] | None:
    """The agent pool as the managed cluster the run already read shows it (None when it was not read)."""
    cluster = ev.peek(("azure", "managed_cluster"))
    if not isinstance(cluster, dict) or not pool:
        return None
    return next((p for p in dig(cluster, "properties.agentPoolProfiles", []) or [] if p.get("name") == pool), None)


def _option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words[:-1]):
        if word in names:
            return words[i + 1]
    return None


def _fit_one(ev: Evidence, fix: Fix, facts: dict[str, Any]) -> list[Fix]:
    if fix.command.startswith("az aks nodepool scale "):
        return [_pool_scale(ev, fix)]
    if fix.command.startswith("az aks nodepool update ") and " --enable-cluster-autoscaler" in fix.command:
        profile = _pool_profile(ev, _option(shlex.split(fix.command), "-n", "--name"))
        return [] if profile is not None and profile.get("enableAutoScaling") else [fix]  # on already: AKS refuses
    cmd = _parse(fix.command, ev.target.namespace or "default")
    if cmd is None:
        return [fix]
    verb = cmd.verb
    mutating = verb[0] in _MUTATING or verb[:2] == ["rollout", "restart"] or verb[:2] == ["rollout", "undo"]
    if not mutating and not (verb[0] == "delete" and cmd.kind == "Pod"):
        return [fix]
    owner = owner_of(ev, cmd.kind, cmd.name, cmd.namespace)
    if owner is None:
        if verb[0] == "rollout" and cmd.kind not in ROLLABLE:
            return [Fix(f"kubectl get {cmd.kind.lower()} {cmd.name} -n {cmd.namespace} -o yaml",
                        f"check: kubectl cannot roll out a {cmd.kind}; {fix.explain}")]
        return [fix]
    explain = fix.explain
    # a bare pod deleted is gone: recreate it
    if verb[0] == "delete":
        if any(w == "--force" or w.startswith("--grace-period") for w in cmd.words):
            return [fix]  # a force delete of a pod stuck on a lost node is meant as it is
        if owner.kind == "Pod" and not owner.inferred and len(owner.chain) == 1 and not _controller(owner.obj):
            return _recreate_pod(cmd.name, cmd.namespace, None,
                                 f"pod {cmd.name} has no controller (deleted, nothing recreates it)")
        return [fix]
    note = f" ({owner.inferred})" if owner.inferred else ""
    # the kind kubectl can change is the owner's: retarget ReplicaSet -> Deployment, Job -> CronJob, Pod -> owner
    templated = verb[0] in ("set", "edit", "rollout", "scale") or (verb[0] == "patch" and (
        cmd.kind != "Pod" or _touches_template(cmd.words)))
    if owner.kind != cmd.kind and templated:
        words = _with_target(cmd, owner.ref)
        retarget = Fix(_join(words), f"{explain}; on {owner.ref}, which owns {cmd.kind.lower()}/{cmd.name}{note}")
        cmd = _parse(retarget.command, cmd.namespace) or cmd
        fix = retarget
    fitted = _fit_kind(owner, cmd, fix)
    if owner.manager is not None and verb[0] in ("set", "patch", "edit", "scale", "replace", "apply"):
        return _managed(owner, cmd, fitted[0] if len(fitted) == 1 else fix, facts)
    return fitted


def _fit_kind(owner: Owner, cmd: _Cmd, fix: Fix) -> list[Fix]:  # noqa: PLR0912 - one rule per kind
    verb, ns = cmd.verb, cmd.namespace
    if owner.kind == "CronJob":
        if verb[0] == "rollout":
            job = f"{owner.name[:44]}-manual-fix"
            run = f"kubectl create job {shlex.quote(job)} --from=cronjob/{shlex.quote(owner.name)} -n {shlex.quote(ns)}"
            return [Fix(run,
                        f"CronJob {owner.name} is not rolled out: its next scheduled Job uses the new template; "
                        "run one now from it")]
        if verb[0] == "patch":
            moved = _cronjob_patch(cmd.words)
            if moved is not None:
                where = "a CronJob's pod template is spec.jobTemplate.spec.template"
                return [Fix(_join(moved), f"{fix.explain} ({where})")]
        return [fix]
    if owner.kind == "Job":
        if verb[0] in ("rollout", "set", "patch", "edit"):
            change = fix.command if verb[0] in ("set", "patch") else ""
            return _recreate_job(owner, f"Job {owner.name} owns the pod and has no CronJob", change)
        return [fix]
    if owner.kind == "Pod":
        if verb[0] == "rollout":
            return _recreate_pod(owner.name, ns, None, f"pod {owner.name} has no controller to roll out")
        if verb[:2] == ["set", "image"]:
            return [fix]  # a pod's images can change in place
        if verb[0] == "patch" and not _touches_template(cmd.words):
            return [fix]  # a pod-level change (scheduling gates, tolerations): the pod takes it in place
        if verb[0] in ("set", "patch"):
            return _recreate_pod(owner.name, ns, _pod_patch(cmd.words),
                                 f"pod {owner.name} has no controller and its spec cannot change in place")
        if verb[0] == "edit":
            return _recreate_pod(owner.name, ns, None, f"pod {owner.name} has no controller", edit=True)
        return [fix]
    if verb[0] == "scale" and owner.hpa:
        wanted = _flag(cmd.words, "--replicas")
        try:
            n = int(wanted or "")
        except ValueError:
            return [fix]
        spec: dict[str, Any] = {"minReplicas": n}
        if owner.hpa_max is not None and n > owner.hpa_max:
            spec["maxReplicas"] = n
        patch = json.dumps({"spec": spec}, separators=(",", ":"))
        hpa = f"kubectl patch hpa {shlex.quote(owner.hpa)} -n {shlex.quote(ns)} --type merge -p {shlex.quote(patch)}"
        return [Fix(hpa,
                    f"{owner.ref} is scaled by HPA {owner.hpa} (a kubectl scale is undone at its next sync): "
                    f"raise its minReplicas to {n}")]
    if verb[0] == "rollout" and not owner.rollable:
        return [Fix(f"kubectl get {owner.ref} -n {shlex.quote(ns)} -o yaml",
                    f"check: kubectl cannot roll out a {owner.kind}; {fix.explain}")]
    return [fix]


__all__ = ["AKS_ADDONS", "ROLLABLE", "Manager", "Owner", "fit", "owner_of", "resolve", "workload_of"]
