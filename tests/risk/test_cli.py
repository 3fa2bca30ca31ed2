"""`netgain risk` end to end on real repositories: SZZ labels, notices, model-file fallback."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain, netgain_json

DAY = 86_400


def _repo(path: Path) -> tuple[GitRepo, str, str]:
    r = GitRepo(path)
    bad = r.commit({"app.py": "def f(x):\n    return x / 0\n"}, "Add f", date=BASE_EPOCH)
    r.commit({"util.py": "X = 1\n"}, "Add util", date=BASE_EPOCH + DAY)
    fix = r.commit(
        {"app.py": "def f(x):\n    return x / 1\n"},
        "Fix division bug in f",
        date=BASE_EPOCH + 2 * DAY,
    )
    return r, bad, fix


def test_train_labels_with_szz_and_says_history_is_too_small(tmp_path: Path) -> None:
    r, bad, _fix = _repo(tmp_path / "r")
    out = netgain_json("risk", "train", cwd=r.path)
    assert out["commits"] == 3 and out["fixes"] == 1 and out["fixes_analysed_now"] == 1
    assert out["positives"] == 1  # the SZZ link fix -> bad made it a label
    assert out["model"] is None and "too little history" in out["notice"]
    assert not (r.path / ".netgain" / "risk-model.json").exists()
    again = netgain_json("risk", "train", cwd=r.path)
    assert again["fixes_analysed_now"] == 0 and again["positives"] == 1  # SZZ not rerun
    links = netgain_json("szz", bad, "--no-store", cwd=r.path)
    assert links == {bad: []}  # `bad` itself fixes nothing: the label came from the fix


def test_evaluate_refuses_with_a_reason(tmp_path: Path) -> None:
    r, _bad, _fix = _repo(tmp_path / "r")
    proc = netgain("risk", "evaluate", cwd=r.path, check=False)
    assert proc.returncode != 0 and "cannot evaluate" in proc.stderr


def test_score_range_and_corrupt_model_falls_back(tmp_path: Path) -> None:
    r, bad, fix = _repo(tmp_path / "r")
    model = r.path / ".netgain" / "risk-model.json"
    model.parent.mkdir(exist_ok=True)
    model.write_text('{"format": 1,\n  oops')
    out = netgain_json("risk", "score", "--base", bad, "--head", fix, cwd=r.path)
    assert out["features"]["nf"] == 2 and out["features"]["la"] == 2  # util.py + app.py
    assert "(default)" in out["model"]
    assert "risk-model.json:2: corrupt risk model" in out["notice"]
    text = netgain("risk", "score", "HEAD", cwd=r.path)
    assert "falling back" in text.stderr and "risk" in text.stdout
    bad_usage = netgain("risk", "score", cwd=r.path, check=False)
    assert bad_usage.returncode == 2 and "REV" in bad_usage.stderr


def test_incident_fix_without_fix_words_is_labelled(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    bad = r.commit({"app.py": "A = 1\nB = 2\n"}, "Add app", date=BASE_EPOCH)
    quiet = r.commit({"app.py": "A = 1\nB = 3\n"}, "Tune B", date=BASE_EPOCH + DAY)
    csv = tmp_path / "incidents.csv"
    csv.write_text(f"id,title,fixed_by\nINC-1,B was wrong,{quiet}\n")
    netgain("incidents", "import", str(csv), "--format", "csv", "--no-szz", cwd=r.path)
    out = netgain_json("risk", "train", cwd=r.path)
    assert out["fixes"] == 1 and out["positives"] == 1
    assert netgain_json("szz", quiet, "--no-store", cwd=r.path) == {quiet: [bad]}
