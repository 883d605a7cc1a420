"""GPUs of Azure VM sizes: how many whole NVIDIA GPUs a node of a size advertises (nvidia.com/gpu)."""

from __future__ import annotations

import re

GPU = "nvidia.com/gpu"

# Whole NVIDIA GPUs per VM size, as the device plugin advertises them on an AKS node (Microsoft Learn, "Sizes
# for virtual machines in Azure": NCasT4_v3, NCv3, NC A100 v4, ND A100 v4, NCads H100 v5, NDv5 H100 series).
# Fractional-GPU sizes (NVadsA10 v5 below 36 vCPUs) and sizes not listed here count as unknown, never as 0.
GPU_COUNTS = {
    "standard_nc4as_t4_v3": 1, "standard_nc8as_t4_v3": 1, "standard_nc16as_t4_v3": 1, "standard_nc64as_t4_v3": 4,
    "standard_nc6s_v3": 1, "standard_nc12s_v3": 2, "standard_nc24s_v3": 4, "standard_nc24rs_v3": 4,
    "standard_nc24ads_a100_v4": 1, "standard_nc48ads_a100_v4": 2, "standard_nc96ads_a100_v4": 4,
    "standard_nd96asr_v4": 8, "standard_nd96amsr_a100_v4": 8,
    "standard_nc40ads_h100_v5": 1, "standard_nc80adis_h100_v5": 2, "standard_nd96isr_h100_v5": 8,
}
_GPU_SERIES = re.compile(r"^Standard_N[A-Z]", re.IGNORECASE)


def gpu_count(vm_size: str) -> int | None:
    """NVIDIA GPUs a node of the VM size offers: the table's count, 0 for a size outside the N-series (no GPU),
    None for an N-series size the table does not know."""
    if not vm_size:
        return None
    if vm_size.lower() in GPU_COUNTS:
        return GPU_COUNTS[vm_size.lower()]
    return None if _GPU_SERIES.match(vm_size) else 0


__all__ = ["GPU", "GPU_COUNTS", "gpu_count"]
