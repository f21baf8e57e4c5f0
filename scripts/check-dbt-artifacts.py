"""Load a target folder's dbt artifacts with dbt-core's own artifact classes and print what they hold, as JSON.

Run with the compat venv's interpreter (.venv-dbt/bin/python, scripts/setup-dbt-core.sh):

    .venv-dbt/bin/python scripts/check-dbt-artifacts.py TARGET_DIR

Each artifact present is read by dbt-core's `read_and_check_versions` (schema version check, then the dataclass
`from_dict` that validates every field): WritableManifest (manifest.json v12), RunResultsArtifact (run_results.json),
FreshnessExecutionResultArtifact (sources.json) and CatalogArtifact (catalog.json). A load error exits 1 naming the
file. The summary (node ids, resource types, dependencies, statuses, catalog columns) is what tests/compat compares
between landfall's artifacts and dbt-core's for the same project.

dbt-core's global flags are set first, as the CLI sets them for a project without a `flags:` block (`set_from_args`
with the version's own ProjectFlags defaults): from 1.12 on, WritableManifest reads the behaviour flag
`state_modified_compare_more_unrendered_values` while it upgrades a manifest (upgrade_manifest_dbt_version.py), and an
empty flags Namespace has no such attribute (AttributeError). Each version gets its own defaults (False on 1.10, True
on 1.12), so the script runs unchanged on the pinned and on the newest dbt-core.
"""
import json
import os
import sys
from argparse import Namespace

from dbt.artifacts.schemas.catalog import CatalogArtifact
from dbt.artifacts.schemas.freshness import FreshnessExecutionResultArtifact
from dbt.artifacts.schemas.manifest import WritableManifest
from dbt.artifacts.schemas.run import RunResultsArtifact
from dbt.contracts.project import ProjectFlags
from dbt.flags import set_from_args


def load(cls, path):
    try:
        return cls.read_and_check_versions(path)
    except Exception as error:  # noqa: BLE001 - any failure to load is the finding
        print(f"{os.path.basename(path)}: dbt-core's {cls.__name__} refused it: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


def main(target):
    set_from_args(Namespace(), ProjectFlags())
    summary = {}
    manifest_path = os.path.join(target, "manifest.json")
    if os.path.exists(manifest_path):
        manifest = load(WritableManifest, manifest_path)
        summary["manifest"] = {
            "nodes": {
                uid: {
                    "resource_type": str(node.resource_type),
                    "depends_on": sorted(getattr(node.depends_on, "nodes", []) or []),
                    "name": node.name,
                }
                for uid, node in manifest.nodes.items()
            },
            "sources": sorted(manifest.sources),
            "unit_tests": sorted(manifest.unit_tests or {}),
            "exposures": sorted(manifest.exposures),
            "parent_map": {k: sorted(v) for k, v in (manifest.parent_map or {}).items()},
        }
    results_path = os.path.join(target, "run_results.json")
    if os.path.exists(results_path):
        results = load(RunResultsArtifact, results_path)
        summary["run_results"] = {r.unique_id: {"status": str(r.status), "failures": r.failures} for r in results.results}
    sources_path = os.path.join(target, "sources.json")
    if os.path.exists(sources_path):
        sources = load(FreshnessExecutionResultArtifact, sources_path)
        summary["sources"] = {r.unique_id: str(r.status) for r in sources.results}
    catalog_path = os.path.join(target, "catalog.json")
    if os.path.exists(catalog_path):
        catalog = load(CatalogArtifact, catalog_path)
        summary["catalog"] = {
            uid: {"columns": [c.name for c in sorted(table.columns.values(), key=lambda c: c.index)], "types": {c.name: c.type for c in table.columns.values()}}
            for uid, table in {**catalog.nodes, **catalog.sources}.items()
        }
    json.dump(summary, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check-dbt-artifacts.py TARGET_DIR")
    main(sys.argv[1])
