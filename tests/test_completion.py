"""Shell completion offers pod and Deployment names from the current context, and stays quiet without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES
from live import served


def _complete(words: str, env: dict[str, str]) -> list[str]:
    bindir = Path(sys.executable).parent
    environment = {
        **os.environ,
        **env,
        "_AKSDOCTOR_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = subprocess.run(
        [str(bindir / "aksdoctor")], env=environment, capture_output=True, text=True, check=False, timeout=60
    )
    return result.stdout.split()


def test_pod_names_complete_from_the_current_context(tmp_path):
    with served(EXAMPLES / "rollout-new-pods-crashloop", tmp_path) as (_server, kubeconfig):
        env = {"KUBECONFIG": kubeconfig}
        assert _complete("aksdoctor imagepull web-5 -n shop", env) == []  # the word being completed is the last one
        assert _complete("aksdoctor imagepull -n shop web-5", env) == ["web-5c9d7b6f4-a"]
        assert _complete("aksdoctor diagnose -n shop web", env) == ["web-5c9d7b6f4-a", "web-7d9f8-q"]
        assert _complete("aksdoctor rollout -n shop deploy/w", env) == ["deploy/web"]


def test_node_names_complete_from_the_current_context(tmp_path):
    with served(EXAMPLES / "node-healthy", tmp_path) as (_server, kubeconfig):
        env = {"KUBECONFIG": kubeconfig}
        assert _complete("aksdoctor node aks-userpool-24817365-vmss00000", env) == [
            f"aks-userpool-24817365-vmss00000{i}" for i in range(3)
        ]
        assert _complete("aksdoctor node node/aks-nodepool1", env) == [
            "node/aks-nodepool1-31718369-vmss000000",
            "node/aks-nodepool1-31718369-vmss000001",
        ]


def test_no_cluster_no_completion_and_no_error(tmp_path):
    assert _complete("aksdoctor imagepull web", {"KUBECONFIG": str(tmp_path / "missing")}) == []
