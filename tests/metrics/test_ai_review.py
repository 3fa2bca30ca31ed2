"""Is AI review worth it? (issue 18 item 3), from recorded exports in GitHub's REST shapes.

The comment objects are those `GET /repos/{o}/{r}/pulls/{n}/comments` returns (every field the
API sends, values made up), the reviews those of `GET /repos/{o}/{r}/pulls/{n}/reviews`; the
files hold one array per page, as `gh api --paginate` writes them. Copilot's inline comments are
authored by the login `Copilot` (type Bot) and its review by `copilot-pull-request-reviewer[bot]`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from netgain.metrics.ai_review_api import fetch_ai_review
from netgain.metrics.ai_review_export import read_ai_review_exports
from netgain.metrics.review_bots import builtin_bots, match_bot
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

DAY = 86_400
REPO = "acme/shop"
APP = (
    "import subprocess\n"  # 1
    "\n"
    "\n"
    "def run() -> None:\n"  # 4
    "    cmd = input()\n"  # 5
    "    subprocess.call(cmd, shell=True)\n"  # 6: a command-injection finding
    "\n"
    "\n"
    "def total(items: list[int]) -> int:\n"  # 9: Copilot comments here
    "    result = 0\n"  # 10: CodeRabbit comments here; a later fix changes it
    "    for item in items:\n"  # 11
    "        result += item\n"  # 12: CodeRabbit comments here; the PR changes it
    "    return result\n"  # 13: a human comments here
)
CODERABBIT = {"login": "coderabbitai[bot]", "id": 136622811, "type": "Bot"}
COPILOT = {"login": "Copilot", "id": 175728472, "type": "Bot"}
HUMAN = {"login": "ada", "id": 583231, "type": "User"}


def user(who: dict[str, Any]) -> dict[str, Any]:
    login = who["login"]
    return {
        "login": login,
        "id": who["id"],
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": f"https://avatars.githubusercontent.com/in/{who['id']}?v=4",
        "gravatar_id": "",
        "url": f"https://api.github.com/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": who["type"],
        "user_view_type": "public",
        "site_admin": False,
    }


def comment(
    cid: int,
    who: dict[str, Any],
    commit: str,
    line: int | None,
    original_line: int,
    *,
    reply_to: int | None = None,
    start: int | None = None,
) -> dict[str, Any]:
    url = f"https://api.github.com/repos/{REPO}/pulls/comments/{cid}"
    return {
        "url": url,
        "pull_request_review_id": 2000 + cid,
        "id": cid,
        "node_id": "PRRC_kwDOAAABc84AAAAB",
        "diff_hunk": "@@ -0,0 +1,13 @@\n+import subprocess",
        "path": "src/app.py",
        "position": None if line is None else original_line,
        "original_position": original_line,
        "commit_id": commit,
        "original_commit_id": commit,
        "user": user(who),
        "body": "Consider handling an empty list.",
        "created_at": "2024-01-02T10:00:00Z",
        "updated_at": "2024-01-02T10:00:00Z",
        "html_url": f"https://github.com/{REPO}/pull/7#discussion_r{cid}",
        "pull_request_url": f"https://api.github.com/repos/{REPO}/pulls/7",
        "author_association": "NONE" if who["type"] == "Bot" else "MEMBER",
        "_links": {
            "self": {"href": url},
            "html": {"href": f"https://github.com/{REPO}/pull/7#discussion_r{cid}"},
            "pull_request": {"href": f"https://api.github.com/repos/{REPO}/pulls/7"},
        },
        "reactions": {"url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0},
        "start_line": start if line is not None else None,
        "original_start_line": start,
        "start_side": "RIGHT" if start else None,
        "line": line,
        "original_line": original_line,
        "side": "RIGHT",
        **({"in_reply_to_id": reply_to} if reply_to else {}),
        "subject_type": "line",
    }


def review(rid: int, login: str, bot_id: int, state: str, commit: str) -> dict[str, Any]:
    who = {"login": login, "id": bot_id, "type": "Bot" if "[bot]" in login else "User"}
    return {
        "id": rid,
        "node_id": "PRR_kwDOAAABc84AAAAB",
        "user": user(who),
        "body": "",
        "state": state,
        "html_url": f"https://github.com/{REPO}/pull/7#pullrequestreview-{rid}",
        "pull_request_url": f"https://api.github.com/repos/{REPO}/pulls/7",
        "author_association": "NONE",
        "_links": {"html": {"href": "x"}, "pull_request": {"href": "y"}},
        **({} if state == "PENDING" else {"submitted_at": "2024-01-02T10:05:00Z"}),
        "commit_id": commit,
    }


def history(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """A squash-merged PR #7 with a later fix on main; refs/pull/7/head kept, as fetched."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit(
        {"README.md": "shop\n", "netgain.toml": "[metrics]\nmin_sample = 1\n"},
        "Start",
        date=BASE_EPOCH,
    )
    repo.branch("feature")
    first = repo.commit({"src/app.py": APP}, "Add run and total", date=BASE_EPOCH + DAY)
    final = repo.commit(
        {"src/app.py": APP.replace("result += item", "result = result + item")},
        "Address review",
        date=BASE_EPOCH + DAY + 3600,
    )
    repo.update_ref("refs/pull/7/head", final)
    repo.checkout("main")
    repo.git("merge", "-q", "--squash", "feature")
    repo.commit(message="Add run and total (#7)", date=BASE_EPOCH + 2 * DAY)
    repo.git("branch", "-q", "-D", "feature")
    fixed = APP.replace("result += item", "result = result + item").replace(
        "result = 0", "result = 0  # an empty list sums to 0"
    )
    repo.commit(
        {"src/app.py": fixed, "NOTES": "x\n"}, "Fix crash in total", date=BASE_EPOCH + 9 * DAY
    )
    return repo, first, final


def exports(tmp_path: Path, first: str, final: str) -> Path:
    comments = [
        comment(1, CODERABBIT, first, None, 12),  # the PR changed line 12: outdated
        comment(2, CODERABBIT, first, 10, 10),
        comment(3, CODERABBIT, first, 10, 10, reply_to=2),
        comment(4, COPILOT, first, 9, 9),
        comment(5, HUMAN, first, 13, 13),
        comment(6, CODERABBIT, "f" * 40, None, 3),  # made on a commit the clone lacks
        {**comment(7, CODERABBIT, first, 1, 1), "id": "seven"},  # unreadable: a note
    ]
    reviews = [
        review(11, "coderabbitai[bot]", 136622811, "COMMENTED", first),
        review(12, "copilot-pull-request-reviewer[bot]", 0, "COMMENTED", first),
        review(13, "ada", 583231, "APPROVED", final),
        review(14, "ada", 583231, "PENDING", final),
    ]
    path = tmp_path / "pr7.json"
    # two pages of comments, then the reviews: what `gh api --paginate` concatenates
    pages = [comments[:4], comments[4:], reviews]
    path.write_text("\n".join(json.dumps(p, indent=1) for p in pages), encoding="utf-8")
    return path


def by_reviewer(section: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["reviewer"]: r for r in section["reviewers"]}


def test_what_each_bot_comment_led_to(tmp_path: Path) -> None:
    repo, first, final = history(tmp_path)
    path = exports(tmp_path, first, final)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = netgain(
        "metrics", "--db", db, "--json", "--no-rework", "--ai-review", str(path), cwd=repo.path
    )
    section = json.loads(out.stdout)["ai_review"]
    rows = by_reviewer(section)
    assert json.loads(out.stdout)["sections"]["ai_review"]["status"] == "filled"
    assert list(rows) == ["coderabbit", "copilot-review", "human reviewers"]

    rabbit = rows["coderabbit"]
    assert (rabbit["comments"], rabbit["replies"], rabbit["reviews"]) == (3, 1, 1)
    changed = rabbit["led_to_change"]
    assert (changed["hits"], changed["lines"]) == (2, 3)  # line 12 (git) and the outdated one
    assert changed["method"] == {"git": 2, "github-outdated": 1}
    assert rabbit["lines"] == {"commented": 1, "not_commented": 12}  # line 10 landed as written
    assert rabbit["defects"]["commented"]["hits"] == 1  # the later fix changed line 10
    assert rabbit["defects"]["not_commented"]["hits"] == 0
    assert rabbit["findings"]["not_commented"]["hits"] == 1  # the injection on line 6
    assert rabbit["findings"]["commented"]["hits"] == 0
    assert rabbit["defects"]["commented"]["value"] == 1.0

    copilot = rows["copilot-review"]
    assert (copilot["comments"], copilot["reviews"]) == (1, 1)
    assert copilot["led_to_change"]["hits"] == 0
    assert copilot["defects"]["not_commented"]["hits"] == 1

    human = rows["human reviewers"]
    assert (human["comments"], human["reviews"]) == (1, 1)  # the PENDING review is not one
    assert any("pr7.json" in n and "id: expected an integer" in n for n in section["notes"])

    text = netgain("metrics", "--db", db, "--no-rework", "--ai-review", str(path), cwd=repo.path)
    words = " ".join(text.stdout.split())  # the console wraps long lines
    assert (
        "AI review, coderabbit: 3 comments on 1 PRs; 2 of 3 line comments led to a change" in words
    )


def test_without_an_export_the_section_says_how_to_fill_it(tmp_path: Path) -> None:
    repo, _first, _final = history(tmp_path)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = netgain("metrics", "--db", db, "--json", "--no-rework", "--no-szz", cwd=repo.path)
    doc = json.loads(out.stdout)
    assert "--ai-review FILE" in doc["ai_review"]["status"]
    assert doc["sections"]["ai_review"]["status"] == "empty"


def test_bots_are_matched_by_id_and_copilots_login_only_as_a_bot() -> None:
    bots = builtin_bots()
    renamed = {"login": "coderabbit-renamed[bot]", "id": 136622811, "type": "Bot"}
    assert match_bot(renamed, bots) == "coderabbit"
    assert match_bot({"login": "Copilot", "id": 1, "type": "User"}, bots) is None
    assert match_bot({"login": "sourcery-ai[bot]", "id": 5, "type": "Bot"}, bots) == "sourcery"
    assert match_bot({"login": "ada", "id": 583231, "type": "User"}, bots) is None
    assert all(bot.source for bot in bots)


def test_fetch_pages_comments_and_reviews_and_keeps_the_token_home(tmp_path: Path) -> None:
    first = "a" * 40
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert request.headers["Authorization"] == "Bearer t0ken"
        if request.url.path.endswith("/comments") and "page=2" not in str(request.url):
            nxt = f"<https://api.github.com/repos/{REPO}/pulls/7/comments?per_page=100&page=2>"
            return httpx.Response(
                200,
                json=[comment(2, CODERABBIT, first, 10, 10)],
                headers={"Link": f'{nxt}; rel="next"'},
            )
        if request.url.path.endswith("/comments"):
            return httpx.Response(200, json=[comment(4, COPILOT, first, 9, 9)])
        return httpx.Response(
            200, json=[review(11, "coderabbitai[bot]", 136622811, "COMMENTED", first)]
        )

    dest = fetch_ai_review(
        REPO, [7], "t0ken", tmp_path / "ai.json", transport=httpx.MockTransport(handler)
    )
    export = read_ai_review_exports([dest], builtin_bots())
    assert [c.bot for c in export.comments] == ["coderabbit", "copilot-review"]
    assert [r.bot for r in export.reviews] == ["coderabbit"]
    assert len(seen) == 3 and all(u.startswith("https://api.github.com/") for u in seen)


def test_pagination_that_leaves_the_api_host_is_refused(tmp_path: Path) -> None:
    import pytest

    from netgain.errors import UsageError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json=[], headers={"Link": '<https://evil.example/x>; rel="next"'}
        )

    with pytest.raises(UsageError, match="pagination left"):
        fetch_ai_review(
            REPO, [7], "t0ken", tmp_path / "ai.json", transport=httpx.MockTransport(handler)
        )


def test_the_report_shows_the_ai_review_table(tmp_path: Path) -> None:
    repo, first, final = history(tmp_path)
    path = exports(tmp_path, first, final)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    target = tmp_path / "report.html"
    netgain(
        "report",
        "--db",
        db,
        "--no-rework",
        "--ai-review",
        str(path),
        "-o",
        str(target),
        cwd=repo.path,
    )
    html = target.read_text(encoding="utf-8")
    assert "Is AI review worth it?" in html
    assert '<tr data-reviewer="coderabbit"><td>coderabbit</td><td>3</td><td>1</td>' in html
    assert "<td>2/3 (" in html  # led to a change


def test_a_merged_pr_line_changed_after_the_comment_did_not_land_as_commented(
    tmp_path: Path,
) -> None:
    """Merge commits keep every PR commit: the commented line still stands in the commit that
    first added it, though the PR changed it before merging."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"README.md": "shop\n"}, "Start", date=BASE_EPOCH)
    repo.branch("feature")
    first = repo.commit({"src/app.py": APP}, "Add run and total", date=BASE_EPOCH + DAY)
    repo.commit(
        {"src/app.py": APP.replace("result += item", "result = result + item")},
        "Address review",
        date=BASE_EPOCH + DAY + 3600,
    )
    repo.checkout("main")
    repo.merge("feature", "Merge pull request #7 from acme/feature", date=BASE_EPOCH + 2 * DAY)
    path = tmp_path / "pr7.json"
    changed, kept = comment(1, CODERABBIT, first, None, 12), comment(2, CODERABBIT, first, 10, 10)
    path.write_text(json.dumps([changed, kept]), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = netgain(
        "metrics",
        "--db",
        db,
        "--json",
        "--no-rework",
        "--no-szz",
        "--ai-review",
        str(path),
        cwd=repo.path,
    )
    rabbit = by_reviewer(json.loads(out.stdout)["ai_review"])["coderabbit"]
    assert rabbit["led_to_change"]["hits"] == 1
    assert rabbit["comments_on_landed_lines"] == 1  # only `result = 0` landed as commented
    assert rabbit["lines"]["commented"] == 1
    assert rabbit["defects"] == {"status": "not measured"}


def test_left_side_and_file_level_comments_name_no_landed_line(tmp_path: Path) -> None:
    first = "a" * 40
    left = {**comment(1, CODERABBIT, first, 4, 4), "side": "LEFT"}
    whole_file = {**comment(2, CODERABBIT, first, None, 1), "subject_type": "file"}
    ranged = comment(3, CODERABBIT, first, 12, 12, start=10)
    path = tmp_path / "c.json"
    path.write_text(json.dumps([left, whole_file, ranged]), encoding="utf-8")
    export = read_ai_review_exports([path], builtin_bots())
    spans = [(c.first_line, c.last_line, c.outdated) for c in export.comments]
    assert spans == [(None, None, False), (None, None, False), (10, 12, False)]
