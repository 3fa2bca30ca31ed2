"""Long fuzz campaigns over every parser netgain owns, and 10 MB pathological inputs.

    .venv/bin/python benchmarks/fuzz.py [--examples N] [--seconds S] [--parser NAME]...
        [--engine hypothesis|atheris|both] [--mb 10] [--jobs 2] [--crashes DIR]
        [--no-campaign] [--no-pathological] [--no-patterns]
    .venv/bin/python benchmarks/fuzz.py --replay .netgain/fuzz-crashes/PARSER-HASH.bin

The targets, their contract and the input strategies are those of tests/fuzz (see
benchmarks/fuzzing/targets.py): `make test` runs 100 fixed inputs per parser, this runs many more.

* Campaigns: per parser and engine, a child process tries up to `--examples` inputs within
  `--seconds`. `hypothesis` draws the structure-aware inputs of benchmarks/fuzzing/strategies.py at random
  (seeded, `--seed`); `atheris` (libFuzzer, coverage-guided; Linux x86-64) mutates the seed
  documents as bytes, steered by the branches of netgain's code it reaches. An input that raises
  anything but the parser's documented error, or breaks the contract, is a crash: crashes are
  counted per kind (exception type and the netgain line it came from) and the smallest input of
  each kind is written to `--crashes`. The table gives inputs tried, crashes, the slowest input
  and the child's peak RSS (interpreter and libraries included, about 150 MB).
* Pathological inputs: every shape of benchmarks/fuzzing/pathological.py at `--mb` megabytes (deep
  nesting, one huge line, cell or string, millions of lines or records), run once for wall and
  CPU time and once under tracemalloc for the peak memory the parser allocated.
* Patterns: the backtracking cases that made netgain move user patterns to RE2, timed with
  Python's `re` on a few dozen characters and with RE2 on `--mb` megabytes.

Absolute times depend on the machine and its load; the CPU column is the steadier one.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
# No netgain import at module level: the atheris worker must import it under instrumentation.
WORKER_MEMORY = 4 << 30  # address space of a worker (the interpreter alone maps ~1 GiB)

CATASTROPHIC = (  # (pattern, text = head + unit * n + tail)
    ("(a+)+$", "", "a", "!"),  # the textbook exponential case
    ("^https://.*a.*a.*a.*a.*a.*a.*/x\\Z", "https://", "a", ""),  # a design_docs URL glob
    ("^(?:.*/)?[^/]*a[^/]*a[^/]*a[^/]*a[^/]*a[^/]*a[^/]*a[^/]*b\\Z", "", "a", "bc"),  # CODEOWNERS
)


class _OutOfTime(BaseException):
    """Ends a hypothesis campaign at its time budget (a BaseException: hypothesis lets it out)."""


@dataclass
class Campaign:
    """What one engine found on one parser; written as JSON by the worker process."""

    target: str
    engine: str
    inputs: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    slowest_size: int = 0
    crashes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def run(self, run: Any, data: bytes, workdir: Path, crash_dir: Path) -> None:
        started = time.perf_counter()
        try:
            run(data, workdir)
        except Exception as exc:
            self._crash(exc, data, crash_dir)
        spent = time.perf_counter() - started
        self.inputs += 1
        self.seconds += spent
        if spent > self.slowest:
            self.slowest, self.slowest_size = spent, len(data)

    def _crash(self, exc: Exception, data: bytes, crash_dir: Path) -> None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/netgain/" in f.filename]
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        kind = f"{type(exc).__name__} at {where}"
        found = self.crashes.setdefault(kind, {"count": 0, "size": None, "example": None})
        found["count"] += 1
        if found["size"] is None or len(data) < found["size"]:
            digest = hashlib.sha256(data).hexdigest()[:12]
            path = crash_dir / f"{self.target}-{digest}.bin"
            path.write_bytes(data)
            found.update(size=len(data), example=str(path), message=str(exc)[:300])

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")


# --- workers (child processes) ------------------------------------------------------------------


def hypothesis_worker(args: argparse.Namespace) -> None:
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from benchmarks.fuzzing.strategies import inputs_for
    from benchmarks.fuzzing.targets import TARGETS

    target = TARGETS[args.parser[0]]
    campaign = Campaign(target.name, "hypothesis")
    workdir = Path(tempfile.mkdtemp(prefix="netgain-fuzz-"))
    deadline = time.monotonic() + args.seconds

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # nothing fails the test: crashes are counted, not shrunk
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(inputs_for(target))
    def one_input(data: bytes) -> None:
        if time.monotonic() > deadline:
            raise _OutOfTime
        campaign.run(target.run, data, workdir, args.crashes)

    with contextlib.suppress(_OutOfTime):
        one_input()
    campaign.save(args.out)


def atheris_worker(args: argparse.Namespace) -> None:
    import atheris

    with atheris.instrument_imports(include=["netgain"]):
        from benchmarks.fuzzing.targets import TARGETS

    target = TARGETS[args.parser[0]]
    campaign = Campaign(target.name, "atheris")
    workdir = Path(tempfile.mkdtemp(prefix="netgain-fuzz-"))
    corpus = Path(tempfile.mkdtemp(prefix="netgain-corpus-"))
    for number, data in enumerate(target.seeds):
        (corpus / f"seed-{number}").write_bytes(data)
    saved = [time.monotonic()]

    def one_input(data: bytes) -> None:
        campaign.run(target.run, data, workdir, args.crashes)
        if time.monotonic() - saved[0] > 1.0:  # libFuzzer may end the process without cleanup
            campaign.save(args.out)
            saved[0] = time.monotonic()

    import atexit

    atexit.register(campaign.save, args.out)

    longest = max(len(seed) for seed in target.seeds)
    atheris.Setup(
        [
            sys.argv[0],
            f"-atheris_runs={args.examples}",
            f"-max_total_time={int(args.seconds)}",
            f"-max_len={max(4096, 2 * longest)}",
            "-rss_limit_mb=4096",
            "-timeout=60",
            str(corpus),
        ],
        one_input,
    )
    atheris.Fuzz()


def pathological_worker(args: argparse.Namespace) -> None:
    from benchmarks.fuzzing.pathological import SHAPES
    from benchmarks.fuzzing.targets import TARGETS

    target = TARGETS[args.parser[0]]
    workdir = Path(tempfile.mkdtemp(prefix="netgain-fuzz-"))
    rows = []
    for shape, build in SHAPES[target.name]:
        data = build(int(args.mb * 1024 * 1024))
        outcome, wall, cpu = _timed(target.run, data, workdir)
        tracemalloc.start()
        _timed(target.run, data, workdir)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            {
                "shape": shape,
                "size": len(data),
                "wall": wall,
                "cpu": cpu,
                "peak": peak,
                "outcome": outcome,
            }
        )
    args.out.write_text(json.dumps(rows), encoding="utf-8")


def _timed(run: Any, data: bytes, workdir: Path) -> tuple[str, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        run(data, workdir)
        outcome = "result or documented error"
    except Exception as exc:
        outcome = f"CRASH {type(exc).__name__}: {str(exc)[:80]}"
    return outcome, time.perf_counter() - wall, time.process_time() - cpu


# --- the parent ---------------------------------------------------------------------------------


def _child(args: argparse.Namespace, worker: str, parser: str, out: Path) -> tuple[Any, int, int]:
    """Run a worker process; (its JSON output, peak RSS in KiB, exit status)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        worker,
        "--parser",
        parser,
        "--examples",
        str(args.examples),
        "--seconds",
        str(args.seconds),
        "--seed",
        str(args.seed),
        "--mb",
        str(args.mb),
        "--crashes",
        str(args.crashes),
        "--out",
        str(out),
    ]
    log = out.with_suffix(".log")
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return result, usage.ru_maxrss, process.returncode


def _campaign(args: argparse.Namespace, engine: str, parser: str, scratch: Path) -> dict[str, Any]:
    out = scratch / f"{engine}-{parser}.json"
    result, rss, status = _child(args, engine, parser, out)
    if result is None:  # the worker died (libFuzzer timeout or RSS limit): that is a finding too
        tail = out.with_suffix(".log").read_text(errors="replace")[-300:]
        result = asdict(Campaign(parser, engine))
        result["crashes"] = {f"worker exited {status}": {"count": 1, "message": tail}}
    result["rss"] = rss
    return result


def _patterns(size: int) -> list[tuple[str, str, str]]:
    """(pattern, Python re on the longest text it finished within a second, RE2 on `size`)."""
    import re2

    rows = []
    for pattern, head, unit, tail in CATASTROPHIC:
        regex = re.compile(pattern)
        python = "?"
        for length in range(10, 400, 2):
            text = head + unit * length + tail
            started = time.perf_counter()
            regex.search(text)
            spent = time.perf_counter() - started
            python = f"{spent:.2f} s on {len(text)} characters"
            if spent > 1.0:
                break
        compiled = re2.compile(pattern.replace("\\Z", "\\z"))
        text = head + unit * size + tail
        started = time.perf_counter()
        compiled.search(text)
        rows.append((pattern, python, f"{time.perf_counter() - started:.2f} s on {len(text):,}"))
    return rows


def _mib(value: float) -> str:
    return f"{value / 1024 / 1024:.0f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="inputs per parser and engine")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per parser and engine")
    parser.add_argument("--parser", action="append", help="only these targets (repeatable)")
    parser.add_argument("--engine", choices=["hypothesis", "atheris", "both"], default="both")
    parser.add_argument("--mb", type=float, default=10.0, help="size of the pathological inputs")
    parser.add_argument("--jobs", type=int, default=2, help="campaigns run side by side")
    parser.add_argument("--seed", type=int, default=20261201, help="hypothesis seed")
    parser.add_argument("--crashes", type=Path, default=ROOT / ".netgain" / "fuzz-crashes")
    parser.add_argument("--no-campaign", action="store_true")
    parser.add_argument("--no-pathological", action="store_true")
    parser.add_argument("--no-patterns", action="store_true")
    parser.add_argument("--replay", type=Path, help="run one kept crash input, show the traceback")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.crashes.mkdir(parents=True, exist_ok=True)
    if args.worker:
        # A parser that blows up raises MemoryError here (a crash, counted) instead of taking
        # the machine's memory: the first CEL campaign reached 22 GB before the kernel stepped in.
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
        worker = {
            "hypothesis": hypothesis_worker,
            "atheris": atheris_worker,
            "pathological": pathological_worker,
        }
        worker[args.worker](args)
        return 0

    from benchmarks.fuzzing.targets import TARGETS

    if args.replay:  # crash files are named PARSER-HASH.bin
        target = TARGETS[args.replay.name.rsplit("-", 1)[0]]
        target.run(args.replay.read_bytes(), Path(tempfile.mkdtemp(prefix="netgain-fuzz-")))
        print(f"{target.name}: the input keeps the contract now")
        return 0
    names = args.parser or list(TARGETS)
    engines = ["hypothesis", "atheris"] if args.engine == "both" else [args.engine]
    if (
        "atheris" in engines
        and subprocess.run(
            [sys.executable, "-c", "import atheris"], capture_output=True, check=False
        ).returncode
    ):
        print("atheris is not installed here (Linux x86-64 only): hypothesis campaigns only\n")
        engines.remove("atheris")
    scratch = Path(tempfile.mkdtemp(prefix="netgain-fuzz-bench-"))
    started = time.time()
    crashes = 0
    if not args.no_campaign and engines:
        jobs = [(engine, name) for name in names for engine in engines]
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda job: _campaign(args, *job, scratch), jobs))
        print(f"## Campaigns (up to {args.examples:,} inputs or {args.seconds:.0f} s each)\n")
        print("| parser | engine | inputs tried | crashes | slowest input | peak RSS |")
        print("| --- | --- | --- | --- | --- | --- |")
        for result in results:
            found = sum(c["count"] for c in result["crashes"].values())
            crashes += found
            slowest = f"{result['slowest'] * 1000:.0f} ms ({result['slowest_size']:,} B)"
            print(
                f"| {result['target']} | {result['engine']} | {result['inputs']:,} | {found} "
                f"| {slowest} | {_mib(result['rss'] * 1024)} |"
            )
        for result in results:
            for kind, crash in result["crashes"].items():
                print(f"\n- {result['target']} ({result['engine']}): {crash['count']} x {kind}")
                print(f"  {crash.get('message', '')!r}\n  example: {crash.get('example')}")
        print()
    if not args.no_pathological:
        print(f"## Pathological inputs ({args.mb:g} MB)\n")
        print("| parser | input | size | wall | CPU | peak traced memory | outcome |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            outs = list(
                pool.map(
                    lambda name: _child(args, "pathological", name, scratch / f"p-{name}.json"),
                    names,
                )
            )
        for name, (rows, _, status) in zip(names, outs, strict=True):
            for row in rows or [
                {
                    "shape": f"worker exited {status}",
                    "size": 0,
                    "wall": 0,
                    "cpu": 0,
                    "peak": 0,
                    "outcome": "CRASH",
                }
            ]:
                crashes += row["outcome"].startswith("CRASH")
                print(
                    f"| {name} | {row['shape']} | {row['size'] / 1e6:.1f} MB | {row['wall']:.2f} s "
                    f"| {row['cpu']:.2f} s | {_mib(row['peak'])} | {row['outcome']} |"
                )
        print()
    if not args.no_patterns:
        print("## Catastrophic patterns: Python's re against RE2\n")
        print("| pattern | Python re | RE2 (netgain) |")
        print("| --- | --- | --- |")
        for pattern, python, ours in _patterns(int(args.mb * 1024 * 1024)):
            print(f"| `{pattern}` | {python} | {ours} |")
        print()
    print(f"{crashes} crash(es); {time.time() - started:.0f} s in all; logs in {scratch}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
