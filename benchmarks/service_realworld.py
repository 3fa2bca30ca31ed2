"""The service's check job on real repositories: their last merged pull requests, end to end.

    .venv/bin/python benchmarks/service_realworld.py BARE_REPO... [--prs 5]

Each BARE_REPO (a bare clone of a public repository) is served by the fake GitHub over smart
HTTP as `real/NAME`; its last `--prs` first-parent merge commits become pull requests (base = the
merge's first parent, head = its second, published as refs/pull/N/head). Signed `opened`
deliveries go to the embedded service, whose job fetches into a fresh mirror, runs the gate and
reports. Prints per pull request the conclusion, annotations, the job's wall time and any
problem the check reported; a job failure is printed with its error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fakegithub import FakeGitHub, Served  # noqa: E402
from benchmarks.github_payloads import pull_request_event  # noqa: E402
from netgain.service.app import create_app  # noqa: E402
from netgain.service.queue import EmbeddedQueue  # noqa: E402
from netgain.service.runtime import open_runtime  # noqa: E402
from netgain.service.settings import from_env  # noqa: E402
from netgain.service.signature import sign  # noqa: E402


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--prs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="netgain-real-"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp / "app.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    fake = FakeGitHub(public_key=public, app_id="1")
    with Served(fake.asgi()) as served:
        settings = from_env(
            {
                "NETGAIN_GITHUB_APP_ID": "1",
                "NETGAIN_GITHUB_PRIVATE_KEY_FILE": str(tmp / "app.pem"),
                "NETGAIN_WEBHOOK_SECRET": "s",
                "NETGAIN_GITHUB_API_URL": served.url,
                "NETGAIN_GITHUB_WEB_URL": served.url,
                "NETGAIN_SERVICE_DIR": str(tmp / "svc"),
            }
        )
        runtime = open_runtime(settings)
        if not isinstance(runtime.queue, EmbeddedQueue):
            raise SystemExit("expected the embedded queue")
        app_server = Served(create_app(runtime.ctx, runtime.queue)).__enter__()
        import httpx

        for bare in args.repos:
            name = f"real/{bare.name.removesuffix('.git').replace('+', '-')}"
            fake.repos[name] = bare
            branch = git(bare, "symbolic-ref", "--short", "HEAD")
            merges = git(
                bare, "rev-list", "--first-parent", "--merges", f"-{args.prs}", branch
            ).split()
            for number, merge in enumerate(merges, start=1):
                base, head = git(bare, "rev-parse", f"{merge}^1", f"{merge}^2").split()
                git(bare, "update-ref", f"refs/pull/{number}/head", head)
                pull = fake.add_pull(name, number, base=base, head=head, author="contributor")
                pull["base"]["ref"] = branch
                event = pull_request_event(base_sha=base, head_sha=head, body="", number=number)
                event["repository"]["full_name"] = name
                event["installation"] = {"id": fake.installation_id}
                body = json.dumps(event).encode()
                response = httpx.post(
                    f"{app_server.url}/webhooks/github",
                    content=body,
                    headers={
                        "X-GitHub-Event": "pull_request",
                        "X-GitHub-Delivery": str(uuid.uuid4()),
                        "X-Hub-Signature-256": sign(b"s", body),
                    },
                )
                started = time.perf_counter()
                runtime.queue.run_pending()
                elapsed = time.perf_counter() - started
                runs = fake.completed_runs(head)
                summary = runs[0] if runs else None
                line = (
                    f"{name}#{number} {merge[:10]} ({response.status_code}): "
                    + (
                        f"{summary['conclusion']}, {len(summary['annotations'])} annotation(s), "
                        f"{summary['output'].get('title')!r}"
                        if summary
                        else "no completed check run"
                    )
                    + f", {elapsed:.1f} s"
                )
                print(line, flush=True)
        counts = runtime.queue.counts()
        print(f"jobs: {counts}")
        from sqlalchemy import text

        with runtime.ctx.engine.connect() as conn:
            for error in conn.execute(
                text("SELECT error FROM service_embedded_jobs WHERE error IS NOT NULL")
            ).scalars():
                print(f"job error: {error[:500]}")
            for doc in conn.execute(text("SELECT document FROM service_decisions")).scalars():
                data = doc if isinstance(doc, dict) else json.loads(doc)
                for problem in data.get("problems", [])[:3]:
                    print(f"problem ({data.get('pull_request')}): {problem.get('message')}")
        app_server.__exit__()
        runtime.queue.stop()
        runtime.ctx.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
