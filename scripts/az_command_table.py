"""Write tests/data/az_commands.json: the Azure CLI's own command table (command -> option names).

The table is read from the real `azure-cli` package from PyPI through its command loader — the same
table `az` parses a command line with — so the fix-command test checks every `az` fix aksdoctor prints
against what the Azure CLI accepts, without the Azure CLI in the project's own environment (its pinned
azure-mgmt-* versions would clash with ours).

    python scripts/az_command_table.py            # builds .cache/azcli (a venv with azure-cli==VERSION), writes the table
    python scripts/az_command_table.py --check    # exit 1 when the committed table differs from what azure-cli gives

Only the command groups aksdoctor's fixes can use are kept (GROUPS), to keep the file small.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "az_commands.json"
CACHE = ROOT / ".cache" / "azcli"
VERSION = "2.91.0"
GROUPS = ("aks", "acr", "role", "keyvault", "network", "identity", "vmss", "vm", "group", "provider", "feature",
          "account", "resource", "disk", "snapshot", "monitor", "ad", "extension")

_DUMP = r"""
import json, sys
from azure.cli.core import get_default_cli
from azure.cli.core.file_util import create_invoker_and_load_cmds_and_args
cli = get_default_cli()
create_invoker_and_load_cmds_and_args(cli)
groups = tuple(sys.argv[1].split(","))
table = {}
for name, cmd in cli.invocation.commands_loader.command_table.items():
    if name.split()[0] not in groups:
        continue
    opts = set()
    for arg in cmd.arguments.values():
        for opt in arg.type.settings.get("options_list") or []:
            opts.add(opt if isinstance(opt, str) else str(getattr(opt, "target", opt)))
    table[name] = sorted(o for o in opts if o.startswith("-"))
print(json.dumps(table, sort_keys=True))
"""


def _azcli_python() -> Path:
    python = CACHE / "bin" / "python"
    marker = CACHE / f"azure-cli-{VERSION}"
    if not marker.exists():
        venv.create(CACHE, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"azure-cli=={VERSION}"], check=True)
        marker.write_text(VERSION, encoding="utf-8")
    return python


def build() -> dict:
    """The table as the pinned azure-cli gives it."""
    out = subprocess.run([str(_azcli_python()), "-c", _DUMP, ",".join(GROUPS)], capture_output=True, text=True,
                         check=True)
    return {"azure-cli": VERSION, "commands": json.loads(out.stdout)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead of writing")
    args = parser.parse_args()
    table = build()
    if args.check:
        committed = json.loads(TABLE.read_text(encoding="utf-8"))
        if committed != table:
            print(f"{TABLE.relative_to(ROOT)} is stale: run python scripts/az_command_table.py", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}: {len(table['commands'])} commands of azure-cli {VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
