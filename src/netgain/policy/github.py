"""GitHub inputs of the review gate: event payloads and reviews, in the exact shapes GitHub sends.

* `pull_request` and `pull_request_review` webhook / Actions event payloads (`GITHUB_EVENT_PATH`);
* the REST "list reviews for a pull request" response (`GET /repos/{o}/{r}/pulls/{n}/reviews`),
  from a file (`--reviews`) or, with a token and a network, fetched through httpx.

Payloads are hostile input: anything malformed is a `UsageError` naming the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netgain.errors import UsageError
from netgain.jsoninput import JsonInputError, loads

if TYPE_CHECKING:
    import httpx

API = "https://api.github.com"
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True, slots=True)
class Review:
    """One submitted review; `state` is upper-case as in the REST API."""

    login: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str | None = None
    submitted_at: str | None = None
    body: str = ""  # the review's text (design-document attestations are read from it)


@dataclass(slots=True)
class PullRequest:
    """What the gate needs from a pull request."""

    number: int | None = None
    author: str | None = None
    title: str = ""
    body: str = ""
    labels: list[str] = field(default_factory=list)
    draft: bool = False
    head_sha: str | None = None
    base_sha: str | None = None
    head_ref: str | None = None
    repository: str | None = None  # owner/name
    requested_reviewers: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    event: str | None = None


def _load_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read {what}: {exc}") from exc
    try:
        return loads(text)
    except JsonInputError as exc:
        raise UsageError(f"{path}:{exc.line}: {what} is not valid JSON: {exc.msg}") from exc


def _get(
    obj: Any,
    path: Path,
    *keys: str,
    kind: type | tuple[type, ...] = object,
    required: bool = True,
    prefix: str = "",
) -> Any:
    """`obj[k1][k2]...` checked against `kind`; errors name the file and the dotted field."""
    field_name = prefix + ".".join(keys)
    value = obj
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            if required:
                raise UsageError(f"{path}: event payload has no {field_name}")
            return None
        value = value[key]
    if value is not None and not isinstance(value, kind):
        name = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise UsageError(
            f"{path}: event field {field_name} must be {name}, not {type(value).__name__}"
        )
    return value


def _review(item: Any, where: str) -> Review:
    if not isinstance(item, dict):
        raise UsageError(f"{where}: a review must be an object")
    user = item.get("user")
    # GitHub sends "user": null for deleted accounts and shows them as @ghost
    deleted = "user" in item and user is None
    login = user.get("login") if isinstance(user, dict) else ("ghost" if deleted else None)
    state = item.get("state")
    if not isinstance(login, str) or not isinstance(state, str):
        raise UsageError(f"{where}: a review needs user.login and state")
    commit = item.get("commit_id")
    submitted = item.get("submitted_at")
    body = item.get("body")
    return Review(
        login,
        state.upper(),
        commit if isinstance(commit, str) else None,
        submitted if isinstance(submitted, str) else None,
        body if isinstance(body, str) else "",
    )


def parse_event(path: Path) -> PullRequest:
    """Read a `pull_request` or `pull_request_review` event payload."""
    data = _load_json(path, "event payload")
    if not isinstance(data, dict):
        raise UsageError(f"{path}: event payload must be a JSON object")
    pr = _get(data, path, "pull_request", kind=dict, required=False)
    if pr is None:
        raise UsageError(
            f"{path}: not a pull_request or pull_request_review event (no pull_request object)"
        )
    number = _get(pr, path, "number", kind=int, prefix="pull_request.")
    labels = _get(pr, path, "labels", kind=list, required=False, prefix="pull_request.") or []
    result = PullRequest(
        number=number,
        author=_get(pr, path, "user", "login", kind=str, prefix="pull_request."),
        title=_get(pr, path, "title", kind=str, required=False, prefix="pull_request.") or "",
        body=_get(pr, path, "body", kind=str, required=False, prefix="pull_request.") or "",
        labels=[
            lb["name"] for lb in labels if isinstance(lb, dict) and isinstance(lb.get("name"), str)
        ],
        draft=bool(_get(pr, path, "draft", kind=bool, required=False, prefix="pull_request.")),
        head_sha=_get(pr, path, "head", "sha", kind=str, prefix="pull_request."),
        base_sha=_get(pr, path, "base", "sha", kind=str, prefix="pull_request."),
        head_ref=_get(pr, path, "head", "ref", kind=str, required=False, prefix="pull_request."),
        repository=_get(data, path, "repository", "full_name", kind=str, required=False),
        requested_reviewers=[
            r["login"]
            for r in (
                _get(
                    pr,
                    path,
                    "requested_reviewers",
                    kind=list,
                    required=False,
                    prefix="pull_request.",
                )
                or []
            )
            if isinstance(r, dict) and isinstance(r.get("login"), str)
        ],
    )
    review = data.get("review")
    if review is not None:
        result.event = "pull_request_review"
        result.reviews.append(_review(review, f"{path}: review"))
    else:
        result.event = "pull_request"
    return result


def parse_reviews(path: Path) -> list[Review]:
    """Read a REST list-reviews response (a JSON array of review objects)."""
    data = _load_json(path, "reviews")
    if not isinstance(data, list):
        raise UsageError(f"{path}: reviews must be a JSON array (GitHub's list-reviews response)")
    return [_review(item, f"{path}: reviews[{i}]") for i, item in enumerate(data)]


def check_repository(repository: str, number: int) -> None:
    """Refuse names that would make an API path other than `/repos/OWNER/NAME/...`."""
    parts = repository.split("/")
    if not _REPOSITORY.match(repository) or {".", ".."} & set(parts) or number <= 0:
        raise UsageError(f"not a GitHub repository and pull request: {repository!r} #{number}")


def fetch_reviews(
    repository: str,
    number: int,
    token: str,
    *,
    api: str = API,
    transport: httpx.BaseTransport | None = None,
) -> list[Review]:
    """Fetch every review of a pull request through the REST API (paginated, 100 per page).

    `transport` replaces the network (tests pass an `httpx.MockTransport`).
    """
    import httpx

    reviews: list[Review] = []
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    check_repository(repository, number)
    url = f"{api}/repos/{repository}/pulls/{number}/reviews?per_page=100"
    with httpx.Client(headers=headers, timeout=20.0, transport=transport) as client:
        for page_url, page in list_pages(client, api, url, "reviews"):
            reviews.extend(_review(item, page_url) for item in page)
    return reviews


def list_pages(
    client: httpx.Client, api: str, url: str, what: str
) -> Iterator[tuple[str, list[Any]]]:
    """(url, items) of every page of a list endpoint, following `Link: next` on the API host.

    Raises:
        UsageError: an HTTP error, a page that is not a list, or a `next` link to another host
            (the token must never travel to a host a response names).
    """
    import httpx

    origin = httpx.URL(api)
    following: str | None = url
    while following:
        try:
            # the host is fixed (the API); `next` links are checked to stay on it below
            response = client.get(following)  # netgain: ignore[ssrf] host fixed, links checked
        except httpx.HTTPError as exc:
            raise UsageError(f"GitHub API {following}: {exc}") from exc
        if response.status_code != 200:
            raise UsageError(f"GitHub API {following}: HTTP {response.status_code}")
        page = response.json()
        if not isinstance(page, list):
            raise UsageError(f"GitHub API {following}: expected a list of {what}")
        yield following, page
        following = response.links.get("next", {}).get("url")
        if following is not None:
            target = httpx.URL(following)
            if (target.scheme, target.host) != (origin.scheme, origin.host):
                raise UsageError(f"GitHub API pagination left {origin.host}: {following}")


def latest_states(reviews: list[Review]) -> dict[str, str]:
    """Each reviewer's standing review: the latest APPROVED / CHANGES_REQUESTED / DISMISSED.

    As on GitHub, a later COMMENTED review does not cancel an approval or a change request.
    """
    states: dict[str, str] = {}
    for review in reviews:
        if review.state in {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}:
            states[review.login] = review.state
    return {k: v for k, v in states.items() if v != "DISMISSED"}
