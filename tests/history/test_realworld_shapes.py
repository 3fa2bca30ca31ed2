"""Regressions found by `benchmarks/realworld.py` on real repositories, rebuilt in small repos.

Each test reproduces the shape of history that broke a command on a real clone (named in the
test's docstring), with real git, and checks the command completes with honest output.
"""

from __future__ import annotations

import json
from pathlib import Path

from netgain.git import is_partial_clone
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain

CONVERTER_V1 = "".join(
    f"def page_{i}(doc):\n    text = doc.page({i}).extract()\n    return text\n\n\n"
    for i in range(6)
)
OCR = '"""OCR layer."""\n\n\ndef ocr(image):\n    return image.text()\n'


def _pdf(tag: bytes) -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 60 + tag + b"\n%%EOF\n"


def test_szz_and_risk_train_complete_when_a_snapshot_left_a_blob_out(tmp_path: Path) -> None:
    """microsoft/markitdown as fetched: the snapshot left out one large PDF that commit c6308dc
    ("Add OCR layer service ... and PDF scans") added with code, and it is no partial clone.
    `netgain szz` on the fix a6c8ac4 (which blames c6308dc's lines), `risk train` and `check` of
    that pull request exited 2 with "object ... is not in the repository": `git diff-tree
    --stdin` died at c6308dc and took every other commit's diff with it, and the gate's
    `git diff` died the same way."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"converter.py": CONVERTER_V1, "README.md": "converter\n"}, "Add converter")
    ocr_commit = repo.commit(
        {
            "converter.py": CONVERTER_V1.replace("return text", "return ocr(text)"),
            "ocr.py": OCR,
            "tests/data/scanned_report.pdf": _pdf(b"scan"),
        },
        "Add OCR layer service for embedded images and PDF scans (#1541)",
    )
    repo.commit({"README.md": "converter with OCR\n"}, "Document OCR")
    fix = repo.commit(
        {"converter.py": CONVERTER_V1.replace("return text", "return ocr(text.strip())")},
        "Fix memory growth in PDF conversion by closing pages (#1612)",
    )
    pdf = repo.git("rev-parse", f"{ocr_commit}:tests/data/scanned_report.pdf")
    (repo.path / ".git" / "objects" / pdf[:2] / pdf[2:]).unlink()
    # The clone's checkout could not write the file either (git diff reads a clean work-tree
    # copy instead of the object, which would hide the missing blob).
    (repo.path / "tests" / "data" / "scanned_report.pdf").unlink()
    assert not is_partial_clone(repo.path)  # no promisor remote: a snapshot that lost a blob

    proc = netgain("szz", fix, ocr_commit, "--json", "--evidence", cwd=repo.path)
    result = json.loads(proc.stdout)
    assert [c["sha"] for c in result[fix]["candidates"]] == [ocr_commit]
    assert result[fix]["problems"] == []
    problems = result[ocr_commit]["problems"]  # its own diff needs the PDF: said, not hidden
    assert [p["kind"] for p in problems] == ["missing-blob"] and pdf in problems[0]["message"]

    train = json.loads(netgain("risk", "train", "--json", cwd=repo.path).stdout)
    assert train["fixes"] == 1 and train["positives"] == 1

    # `netgain check` on that pull request (4a5340f..c6308dc) exited 2 the same way
    gate = netgain(
        "check", "--base", f"{ocr_commit}^", "--head", ocr_commit, "--format", "json",
        cwd=repo.path, check=False,
    )  # fmt: skip
    assert gate.returncode in (0, 1), gate.stderr
    doc = json.loads(gate.stdout)
    absent = [p for p in doc["problems"] if p["kind"] == "missing-blob"]
    assert [p["path"] for p in absent] == ["tests/data/scanned_report.pdf"]
    assert doc["provenance"]["unknown_lines"] == 11  # converter.py 6 + ocr.py 5: still judged
