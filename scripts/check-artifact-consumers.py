"""Run the PyPI consumers of dbt's artifacts on one target folder and print their answers as JSON.

    .venv-artifact-consumers/bin/python scripts/check-artifact-consumers.py TARGET_DIR PROJECT_DIR [TARGET_DIR PROJECT_DIR …]

(the venv from scripts/setup-artifact-consumers.sh). tests/compat/artifacts.test.ts runs it on landfall's target
folder and on dbt-core's for the same project and compares the answers:

- dbt-artifacts-parser: parses manifest.json (v12), run_results.json (v6), catalog.json (v1), sources.json (v3) into
  its pydantic models; answers the node ids, their dependencies and the result statuses it read.
- dbt-score: `dbt-score lint --manifest manifest.json --format json` (its command line, run in this process); answers each model's score, badge and rule results.
- dbt-coverage: `dbt-coverage compute doc|test` from manifest.json + catalog.json; answers covered/total per table.

Prints one answer object per target folder, in order. Any consumer failing on the artifacts exits 1 with its output.
"""
import json
import os
import sys
import tempfile

from dbt_artifacts_parser.parser import parse_catalog_v1, parse_manifest_v12, parse_run_results_v6, parse_sources_v3

def read(target, name):
    path = os.path.join(target, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def parser_answers(target):
    answers = {}
    manifest = read(target, "manifest.json")
    if manifest is not None:
        parsed = parse_manifest_v12(manifest)
        answers["nodes"] = {uid: sorted(getattr(getattr(node, "depends_on", None), "nodes", None) or []) for uid, node in parsed.nodes.items()}
        answers["sources"] = sorted(parsed.sources)
    results = read(target, "run_results.json")
    if results is not None:
        answers["statuses"] = {r.unique_id: str(getattr(r.status, "value", r.status)) for r in parse_run_results_v6(results).results}
    catalog = read(target, "catalog.json")
    if catalog is not None:
        parsed = parse_catalog_v1(catalog)
        answers["catalog_columns"] = {uid: sorted(t.columns) for uid, t in {**parsed.nodes, **parsed.sources}.items()}
    sources = read(target, "sources.json")
    if sources is not None:
        answers["freshness"] = {r.unique_id: str(getattr(r.status, "value", r.status)) for r in parse_sources_v3(sources).results}
    return answers


def invoke(app, args):
    """Run a consumer's own command line in this process (no interpreter start per call): click/typer's test runner."""
    from click.testing import CliRunner

    result = CliRunner().invoke(app, args, catch_exceptions=True, env={"NO_COLOR": "1", "COLUMNS": "200"})
    return result.exit_code, result.output, result.exception


def dbt_score_answers(target):
    from dbt_score.cli import cli

    code, output, error = invoke(cli, ["lint", "--manifest", os.path.join(target, "manifest.json"), "--format", "json"])
    try:
        report = json.loads(output[output.index("{"):])
    except ValueError:
        print(f"dbt-score failed (exit {code}): {error}\n{output}", file=sys.stderr)
        sys.exit(1)
    evaluables = {
        uid: {"score": round(e["score"], 6), "badge": e["badge"], "results": {rule: r["result"] for rule, r in e["results"].items()}}
        for uid, e in report.get("evaluables", {}).items()
    }
    return {"project_score": round(report.get("project", {}).get("score", 0), 6), "evaluables": evaluables}


def dbt_coverage_answers(target, project):
    from dbt_coverage import app
    from typer.main import get_command

    answers = {}
    if read(target, "catalog.json") is None:
        return answers
    command = get_command(app)
    for kind in ("doc", "test"):
        with tempfile.TemporaryDirectory() as work:
            report = os.path.join(work, "coverage.json")
            code, output, error = invoke(command, ["compute", kind, "--project-dir", project, "--run-artifacts-dir", target, "--cov-report", report])
            if code != 0 or not os.path.exists(report):
                print(f"dbt-coverage compute {kind} failed (exit {code}): {error}\n{output}", file=sys.stderr)
                sys.exit(1)
            with open(report, encoding="utf-8") as handle:
                data = json.load(handle)
            answers[kind] = {
                "covered": data["covered"],
                "total": data["total"],
                "tables": {t["name"]: [t["covered"], t["total"]] for t in data["tables"]},
            }
    return answers


def main(pairs):
    answers = [{"parser": parser_answers(target), "dbt_score": dbt_score_answers(target), "dbt_coverage": dbt_coverage_answers(target, project)} for target, project in pairs]
    json.dump(answers, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    if len(sys.argv) < 3 or len(sys.argv) % 2 != 1:
        sys.exit("usage: check-artifact-consumers.py TARGET_DIR PROJECT_DIR [TARGET_DIR PROJECT_DIR …]")
    main(list(zip(sys.argv[1::2], sys.argv[2::2])))
