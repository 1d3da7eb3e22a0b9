"""The GitHub Actions workflow (issue 8) is valid YAML with the CPU and the GPU job."""

import yaml

from notebook_files import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"


def _workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def _runs(job):
    return [step.get("run", "") for step in job["steps"]]


def test_workflow_loads_and_has_both_jobs():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as True
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    assert set(workflow["jobs"]) == {"cpu", "gpu"}


def test_cpu_job_runs_the_test_command_and_uploads_the_book():
    job = _workflow()["jobs"]["cpu"]
    assert job["runs-on"] == "ubuntu-latest"
    python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert "bash .ci/run" in _runs(job)
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert "_build/book" in upload["with"]["path"] and "_build/screenshots" in upload["with"]["path"]
    assert upload["if"] == "always()"


def test_gpu_job_runs_the_full_profile_on_a_self_hosted_gpu_runner():
    job = _workflow()["jobs"]["gpu"]
    assert job["runs-on"] == ["self-hosted", "gpu"]
    assert any("bash scripts/setup.sh && .venv/bin/aigc-run --profile full" in run for run in _runs(job))
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert "runs/full/summary.md" in upload["with"]["path"] and "data/results/full_gpu.md" in upload["with"]["path"]
