"""vmssCSE exit statuses: what AKS's node bootstrap script (AgentBaker cse_helpers.sh, ERR_* codes) means by each.

Only the codes users meet in practice are listed, with the documented troubleshooting page where AKS has
one (https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/...). An unlisted code is
shown as it is, with a pointer to the table.
"""

from __future__ import annotations

_TABLE = "https://github.com/Azure/AgentBaker/blob/master/parts/linux/cloud-init/artifacts/cse_helpers.sh"
_LEARN = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/"

# exit status -> (AgentBaker constant, what failed, AKS troubleshooting page or "")
CSE_EXIT_CODES: dict[int, tuple[str, str, str]] = {
    4: ("ERR_SYSTEMCTL_START_FAIL", "a systemd service did not start", ""),
    5: ("ERR_CLOUD_INIT_TIMEOUT", "cloud-init did not finish in time", ""),
    9: ("ERR_APT_INSTALL_TIMEOUT", "installing packages timed out", ""),
    30: ("ERR_K8S_RUNNING_TIMEOUT", "the node did not become healthy in time", ""),
    31: ("ERR_K8S_DOWNLOAD_TIMEOUT", "downloading the Kubernetes binaries timed out (egress blocked?)", ""),
    34: ("ERR_KUBELET_START_FAIL", "the kubelet did not start", ""),
    35: ("ERR_DOCKER_IMG_PULL_TIMEOUT", "pulling a system image timed out", ""),
    41: ("ERR_CNI_DOWNLOAD_TIMEOUT", "downloading the CNI plugins timed out (egress blocked?)", ""),
    50: (
        "ERR_OUTBOUND_CONN_FAIL",
        "the node has no outbound connectivity (firewall, NSG, UDR or proxy blocks mcr.microsoft.com:443)",
        _LEARN + "vmextensionerror-outboundconnfail",
    ),
    51: (
        "ERR_K8S_API_SERVER_CONN_FAIL",
        "the node cannot reach the API server on 443 (authorized IP ranges, NSG, private endpoint)",
        _LEARN + "vmextensionerror-k8sapiserverconnfail",
    ),
    52: (
        "ERR_K8S_API_SERVER_DNS_LOOKUP_FAIL",
        "the node cannot resolve the API server name (custom DNS, private DNS zone)",
        _LEARN + "vmextensionerror-k8sapiserverdnslookupfail",
    ),
    53: (
        "ERR_K8S_API_SERVER_AZURE_DNS_LOOKUP_FAIL",
        "Azure DNS (168.63.129.16) cannot resolve the API server name",
        _LEARN + "vmextensionerror-k8sapiserverazurednslookupfail",
    ),
    65: ("ERR_VHD_FILE_NOT_FOUND", "the node image is not an AKS image", ""),
    84: ("ERR_GPU_DRIVERS_START_FAIL", "the GPU driver did not start", ""),
    85: ("ERR_GPU_DRIVERS_INSTALL_TIMEOUT", "installing the GPU drivers timed out", ""),
    99: ("ERR_APT_UPDATE_TIMEOUT", "apt-get update timed out (egress to the package mirrors blocked?)", ""),
    100: ("ERR_CSE_PROVISION_SCRIPT_NOT_READY_TIMEOUT", "cloud-init did not place the provisioning script in time", ""),
    121: ("ERR_KUBELET_INSTALL_FAIL", "installing the kubelet failed", ""),
    124: ("timeout(1)", "a step of the bootstrap script hit its timeout", ""),
    207: ("ERR_ORAS_PULL_K8S_FAIL", "pulling the Kubernetes binaries from the registry failed", ""),
    211: ("ERR_ORAS_PULL_NETWORK_TIMEOUT", "the registry token exchange timed out", ""),
    212: ("ERR_ORAS_PULL_UNAUTHORIZED", "the registry refused the pull (unauthorized)", ""),
    215: ("ERR_DNS_HEALTH_FAIL", "the node's DNS health check failed", ""),
}


def describe_exit_status(status: int) -> str:
    """'ERR_OUTBOUND_CONN_FAIL: the node has no outbound connectivity (...); see https://...'."""
    known = CSE_EXIT_CODES.get(status)
    if known is None:
        return f"not in aksdoctor's list; look it up in AKS's table {_TABLE}"
    constant, meaning, page = known
    return f"{constant}: {meaning}" + (f"; see {page}" if page else "")


__all__ = ["CSE_EXIT_CODES", "describe_exit_status"]
