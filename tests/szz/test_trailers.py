"""Reading `Fixes:` lines: the commit form only (issue numbers, URLs and words are not shas)."""

from __future__ import annotations

from netgain.szz.trailers import cited_names


def test_commit_form_is_read_and_other_forms_are_not() -> None:
    message = (
        "net: fix a leak\n\n"
        'Fixes: 1f2e3d4c5b6a ("net: add the pool")\n'
        "fixes: commit ABCDEF12 (x)\n"
        'Fixes: 1f2e3d4c5b6a ("net: add the pool")\n'  # repeated: counted once
        "Fixes: #1234\n"
        "Fixes: https://bugs.example.org/1234567\n"
        "Fixes: 1234567-crash\n"
        "Fixes: deadbeefcafe0_x\n"
        "  Fixes: 0badc0de (indented: not a trailer line)\n"
        "Signed-off-by: A <a@example.com>\n"
    )
    assert cited_names(message) == ["1f2e3d4c5b6a", "abcdef12"]
