from aigc_utils.env import DEPENDENCIES, dependency_report, main
from notebook_files import pyproject_dependencies


def test_dependency_report_covers_pyproject(capsys):
    rows = dependency_report()
    assert all(ok for _, ok, _ in rows), [r for r in rows if not r[1]]
    assert len(rows) == len(DEPENDENCIES)
    assert main() == 0
    out = capsys.readouterr().out
    assert "OK   torch" in out and "device:" in out


def test_env_lists_every_pyproject_dependency():
    assert set(pyproject_dependencies()) == {d for _, d in DEPENDENCIES}
