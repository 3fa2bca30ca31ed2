"""Security corpus: netgain and Bandit on labelled Python code this project did not write.

    .venv/bin/python benchmarks/corpus.py [--cache DIR] [--mirrors DIR] [--record] [--json FILE]

Why: the rule fixtures under tests/fixtures/rules/ were written together with the rules, so
they measure what the rules were built to find. This corpus is other people's code with other
people's labels, scored the same way for both tools:

- semgrep/semgrep-rules: every Python test file (`python/**/*.py`) annotated with
  `# ruleid: RULE` (a flaw) and `# ok: RULE` (a safe look-alike) on the line before the labelled
  code or at its end; `# todoruleid:` (Semgrep's own misses) counts as a flaw and `# todook:`
  (Semgrep's own false alarms) as safe. The rule's CWE comes from its YAML metadata, corrected
  by a short table where Semgrep files a rule under a CWE that does not describe the flaw.
- PyCQA/bandit `examples/`: Bandit's own examples carry no line labels, and most of them are
  unsafe only for some input. Only flaws that do not depend on input are labelled here, by
  hand, with the safe forms the same files show (`BANDIT_EXAMPLE_LABELS`).
- Deliberately vulnerable web applications with documented flaws: fportantier/vulpy (a `bad/`
  and a `good/` version of one app: the fixed line in `good/` is the safe look-alike),
  we45/Vulnerable-Flask-App, anxolerd/dvpwa and adeyosemanputra/pygoat (`APP_LABELS`).

A label is (file, line, category). Categories are CWE groups (`CATEGORIES`): each names the
CWEs it covers, the netgain rules and the Bandit checks that report it. A tool flags a label
when it reports a finding of that category whose line falls inside the labelled statement:
the tolerance is the statement's own lines (all lines of a multi-line call; the decorators and
header of a `def`, not its body), never a neighbouring statement. A line labelled a flaw and a
safe look-alike for the same category counts as a flaw.

Per category: TPR = flagged flaws / flaws, FPR = flagged look-alikes / look-alikes, Youden =
TPR - FPR. The headline is Youden averaged over categories that have both flaws and look-alikes
(categories with only one kind are listed, not averaged), plus the pooled rates over all labels.
Both tools run as child processes of this one, each source one after the other, with their
default settings (`netgain scan` without cache, `bandit -r`).

Data: each source is cloned at a pinned commit into `--cache` (default ~/.cache/netgain-corpus)
from a local mirror directory (`--mirrors`, default /work/.mirror, laid out as
`OWNER+NAME/repo`) when present, else from GitHub. `make test` never needs it. The OWASP
Benchmark and SecurityEval sets are held out from this project and are not used here.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shlex
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.sections import replace_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
NETGAIN = str(BIN / "netgain")
BANDIT = str(BIN / "bandit")
DEFAULT_CACHE = Path.home() / ".cache" / "netgain-corpus"
DEFAULT_MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True, slots=True)
class Category:
    """A group of CWEs scored together, and what each tool reports for it."""

    cwes: tuple[int, ...]
    netgain: tuple[str, ...]
    bandit: tuple[str, ...]


# The table that maps every label to a category and to the rules of each tool. A rule id that
# netgain does not have yet simply never fires, so the category scores what is missing.
CATEGORIES: dict[str, Category] = {
    "sql-injection": Category((89, 564), ("sql-injection",), ("B608", "B610", "B611")),
    "command-injection": Category(
        (78, 77), ("command-injection",), ("B601", "B602", "B604", "B605", "B609")
    ),
    "argument-injection": Category((88,), ("argument-injection",), ()),
    "code-injection": Category((94, 95, 1336), ("code-injection",), ("B102", "B307", "B702")),
    "path-traversal": Category((22, 23, 36, 73), ("path-traversal",), ("B202",)),
    "ssrf": Category((918,), ("ssrf",), ("B310",)),
    "xss": Category(
        (79, 80, 116),
        ("xss", "autoescape-disabled", "unescaped-template", "format-html-built-template"),
        ("B308", "B701", "B703", "B704"),
    ),
    "open-redirect": Category((601,), ("open-redirect",), ()),
    "deserialization": Category(
        (502,),
        ("insecure-deserialization", "unsafe-yaml-load"),
        ("B301", "B302", "B506", "B614", "B615"),
    ),
    "xxe": Category(
        (611, 776, 827),
        ("xxe", "xml-entity-expansion"),
        tuple(f"B{n}" for n in (*range(313, 321), 408, 409, 410)),
    ),
    "ldap-injection": Category((90,), ("ldap-injection",), ()),
    "xpath-injection": Category((643,), ("xpath-injection",), ()),
    "weak-crypto": Category(
        (327, 328, 326, 916, 759, 760),
        (
            "weak-hash",
            "weak-cipher",
            "weak-password-hash",
            "weak-key-size",
            "weak-tls-version",
            "secret-key-as-hashids-salt",
        ),
        ("B303", "B304", "B305", "B324", "B413", "B505"),
    ),
    "weak-randomness": Category((330, 338, 331), ("weak-randomness",), ("B311",)),
    "hardcoded-credentials": Category(
        (798, 259, 321, 522),
        ("hardcoded-secret", "hardcoded-password", "credentials-in-jwt"),
        ("B105", "B106", "B107"),
    ),
    "cleartext-transmission": Category(
        (319, 523, 311), ("cleartext-credentials", "insecure-transport"), ("B312", "B321")
    ),
    "tls-verification": Category(
        (295, 297), ("tls-verification-disabled",), ("B323", "B501", "B507")
    ),
    "insecure-temp-file": Category((377, 379, 378), ("insecure-temp-file",), ("B108", "B306")),
    "exception-exposure": Category((209, 497), ("exception-exposure",), ()),
    "redos": Category(
        (1333, 730, 400), ("regex-injection", "inefficient-regex", "api-without-rate-limit"), ()
    ),
    "debug-enabled": Category((489, 215, 11), ("debug-enabled",), ("B201",)),
    "csrf": Category((352,), ("csrf-disabled",), ()),
    "insecure-cookie": Category(
        (614, 1004, 1275),
        ("insecure-cookie", "cookie-without-httponly", "cookie-samesite-none"),
        (),
    ),
    "permissive-cors": Category((942, 346), ("permissive-cors",), ()),
    "jwt-unverified": Category((347, 287), ("jwt-unverified",), ()),
    "timing-comparison": Category((208,), ("timing-unsafe-comparison",), ()),
    "missing-authorization": Category((862, 285, 639, 284), ("missing-authorization",), ()),
    "trust-boundary": Category((501,), ("trust-boundary-violation",), ()),
}
CWE_CATEGORY: dict[int, str] = {cwe: name for name, c in CATEGORIES.items() for cwe in c.cwes}
NETGAIN_CATEGORY: dict[str, str] = {r: name for name, c in CATEGORIES.items() for r in c.netgain}
BANDIT_CATEGORY: dict[str, str] = {t: name for name, c in CATEGORIES.items() for t in c.bandit}

# Semgrep rules whose metadata CWE does not name the flaw their tests label (for example SQL
# built from request data filed under CWE-704); the category here is what the test lines show.
SEMGREP_RULE_CATEGORY: dict[str, str] = {
    "tainted-sql-string": "sql-injection",
    "tainted-url-host": "ssrf",
    "md5-used-as-password": "weak-crypto",
    "tempfile-insecure": "insecure-temp-file",  # filed as correctness, without a CWE
}


@dataclass(frozen=True, slots=True)
class Source:
    """A public repository at a pinned commit and the folders of it that are scanned."""

    repo: str  # owner/name on GitHub
    commit: str
    scans: tuple[str, ...]  # folders scanned one at a time (separate apps stay separate)


SOURCES: dict[str, Source] = {
    "semgrep-rules": Source(
        "semgrep/semgrep-rules", "157ae4706d7f54aa33647332f234dd68f30da195", ("python",)
    ),
    "bandit-examples": Source(
        "PyCQA/bandit", "92080542688902ad1eb6af74cf16939fad767d29", ("examples",)
    ),
    "vulpy": Source(
        "fportantier/vulpy", "5249cc8b05a1c37f6b2f757b1cf16a509c327122", ("bad", "good")
    ),
    "vulnerable-flask-app": Source(
        "we45/Vulnerable-Flask-App", "b6a4f97afd466e83e1f60781494252dec1c37039", ("app",)
    ),
    "dvpwa": Source("anxolerd/dvpwa", "a1d8f89fac2e57093189853c6527c2b01fc1d9c1", ("sqli",)),
    "pygoat": Source(
        "adeyosemanputra/pygoat",
        "19d17cc8874861142b330636d068bbde54e86b85",
        ("introduction", "dockerized_labs"),
    ),
}


class HandLabel(NamedTuple):
    """A label written here: `text` occurs on the labelled line (the `nth` such line when it
    occurs on several). Text rather than line numbers so a reader sees what is labelled."""

    source: str
    path: str
    text: str
    category: str
    flaw: bool
    nth: int = 0  # 0: the text must occur on exactly one line


BANDIT_EXAMPLE_LABELS: tuple[HandLabel, ...] = (
    HandLabel(
        "bandit-examples", "examples/mktemp.py", "mktemp(foo)", "insecure-temp-file", True, 1
    ),
    HandLabel(
        "bandit-examples",
        "examples/mktemp.py",
        "tempfile.mktemp('foo')",
        "insecure-temp-file",
        True,
    ),
    HandLabel("bandit-examples", "examples/mktemp.py", "mt(foo)", "insecure-temp-file", True),
    HandLabel(
        "bandit-examples", "examples/mktemp.py", "tmp.mktemp(foo)", "insecure-temp-file", True
    ),
    # credentials cross the network where login() / write(password) is called
    HandLabel(
        "bandit-examples", "examples/ftplib.py", "ftp.login()", "cleartext-transmission", True, 1
    ),
    HandLabel(
        "bandit-examples", "examples/ftplib.py", "ftp.login()", "cleartext-transmission", False, 2
    ),
    HandLabel(
        "bandit-examples",
        "examples/telnetlib.py",
        "tn.write(password",
        "cleartext-transmission",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        'def someFunction(user, password="Admin")',
        "hardcoded-credentials",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        'if password == "root":',
        "hardcoded-credentials",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        'def doLogin(password="blerg")',
        "hardcoded-credentials",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        "my_secret_password_for_email = ",
        "hardcoded-credentials",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        "if password == '':",
        "hardcoded-credentials",
        False,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        'info = {"password": password}',
        "hardcoded-credentials",
        False,
    ),
    HandLabel(
        "bandit-examples",
        "examples/hardcoded-passwords.py",
        'log({"server": server, "password": password',
        "hardcoded-credentials",
        False,
    ),
    HandLabel(
        "bandit-examples",
        "examples/requests-ssl-verify-disabled.py",
        "requests.get('https://gmail.com', timeout=30, verify=True)",
        "tls-verification",
        False,
    ),
    HandLabel(
        "bandit-examples",
        "examples/requests-ssl-verify-disabled.py",
        "requests.get('https://gmail.com', timeout=30, verify=False)",
        "tls-verification",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/requests-ssl-verify-disabled.py",
        "requests.post('https://gmail.com', timeout=30, verify=True)",
        "tls-verification",
        False,
    ),
    HandLabel(
        "bandit-examples",
        "examples/requests-ssl-verify-disabled.py",
        "requests.post('https://gmail.com', timeout=30, verify=False)",
        "tls-verification",
        True,
    ),
    HandLabel(
        "bandit-examples", "examples/flask_debug.py", "app.run(debug=True)", "debug-enabled", True
    ),
    HandLabel(
        "bandit-examples", "examples/flask_debug.py", "app.run(debug=False)", "debug-enabled", False
    ),
    HandLabel(
        "bandit-examples",
        "examples/jinja2_templating.py",
        "jinja2.Environment(autoescape=False",
        "xss",
        True,
    ),
    HandLabel(
        "bandit-examples",
        "examples/jinja2_templating.py",
        "templateEnv = jinja2.Environment(autoescape=True,",
        "xss",
        False,
    ),
)
APP_LABELS: tuple[HandLabel, ...] = (
    # vulpy: the same app twice; the README documents bad/ as vulnerable and good/ as fixed.
    HandLabel(
        "vulpy",
        "bad/libuser.py",
        "WHERE username = '{}' and password = '{}'",
        "sql-injection",
        True,
    ),
    HandLabel(
        "vulpy",
        "bad/libuser.py",
        "UPDATE users SET password = '{}' WHERE username = '{}'",
        "sql-injection",
        True,
    ),
    HandLabel(
        "vulpy", "good/libuser.py", "SELECT * FROM users WHERE username = ?", "sql-injection", False
    ),
    HandLabel(
        "vulpy",
        "good/libuser.py",
        "UPDATE users SET password = ?, salt = ? WHERE username = ?",
        "sql-injection",
        False,
    ),
    HandLabel("vulpy", "bad/libapi.py", "random.getrandbits(2048)", "weak-randomness", True),
    HandLabel(
        "vulpy",
        "bad/libsession.py",
        "response.set_cookie('vulpy_session', session)",
        "insecure-cookie",
        True,
    ),
    # Vulnerable-Flask-App: flaws listed in its README (SQLi, SSTI, XXE, deserialization, JWT,
    # weak hashing, verbose errors).
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "search_query = db.engine.execute(str_query)",
        "sql-injection",
        True,
    ),
    HandLabel(
        "vulnerable-flask-app", "app/app.py", "ydata = yaml.load(y)", "deserialization", True
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "decoded = jwt.decode(token, verify = False)",
        "jwt-unverified",
        True,
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "decoded = jwt.decode(token, app.config['SECRET_KEY_HMAC'], verify=True",
        "jwt-unverified",
        False,
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "hash_pass = hashlib.md5(password).hexdigest()",
        "weak-crypto",
        True,
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "return render_template_string(template, dir=dir, help=help, locals=locals), 404",
        "exception-exposure",
        True,
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "return render_template_string(template, dir = dir, help = help, locals = locals),404",
        "code-injection",
        True,
    ),
    HandLabel(
        "vulnerable-flask-app",
        "app/app.py",
        "app.secret_key = 'F12Zr47j",
        "hardcoded-credentials",
        True,
    ),
    # dvpwa: SQL injection in the student DAO and Jinja2 with autoescape off (its README).
    HandLabel(
        "dvpwa",
        "sqli/dao/student.py",
        "\"VALUES ('%(name)s')\" % {'name': name})",
        "sql-injection",
        True,
    ),
    HandLabel(
        "dvpwa",
        "sqli/dao/student.py",
        "'SELECT id, name FROM students WHERE id = %s',",
        "sql-injection",
        False,
    ),
    HandLabel("dvpwa", "sqli/app.py", "autoescape=False)", "xss", True),
    # pygoat: the OWASP Top 10 labs its README and lab pages describe (flaws only).
    HandLabel(
        "pygoat", "introduction/views.py", "val=login.objects.raw(sql_query)", "sql-injection", True
    ),
    HandLabel(
        "pygoat",
        "introduction/views.py",
        "user = sql_lab_table.objects.raw(sql_query)",
        "sql-injection",
        True,
    ),
    HandLabel(
        "pygoat", "introduction/views.py", "admin = pickle.loads(token)", "deserialization", True
    ),
    HandLabel(
        "pygoat",
        "introduction/views.py",
        "doc = parseString(request.body.decode('utf-8'), parser=parser)",
        "xxe",
        True,
    ),
    HandLabel(
        "pygoat", "introduction/views.py", "process = subprocess.Popen(", "command-injection", True
    ),
    HandLabel("pygoat", "introduction/views.py", "output = eval(val)", "code-injection", True),
    HandLabel(
        "pygoat",
        "introduction/views.py",
        "data = yaml.load(file,yaml.Loader)",
        "deserialization",
        True,
    ),
    HandLabel(
        "pygoat", "introduction/views.py", 'file = open(filename,"r")', "path-traversal", True
    ),
    HandLabel("pygoat", "introduction/views.py", "response = requests.get(url)", "ssrf", True),
    HandLabel(
        "pygoat",
        "introduction/views.py",
        "password = md5(password.encode()).hexdigest()",
        "weak-crypto",
        True,
    ),
    HandLabel(
        "pygoat",
        "introduction/views.py",
        "return (''.join(random.choices(string.ascii_uppercase",
        "weak-randomness",
        True,
    ),
    HandLabel(
        "pygoat",
        "dockerized_labs/sensitive_data_exposure/dataexposure/views.py",
        "return ''.join(random.choices(chars, k=16))",
        "weak-randomness",
        True,
    ),
    HandLabel(
        "pygoat",
        "dockerized_labs/insec_des_lab/main.py",
        "user = pickle.loads(decoded_data)",
        "deserialization",
        True,
    ),
    HandLabel(
        "pygoat",
        "dockerized_labs/insec_des_lab/main.py",
        'message=f"Error: {str(e)}")',
        "exception-exposure",
        True,
    ),
)

ANNOTATION = re.compile(r"#\s*(ruleid|ok|todoruleid|todook)\s*:\s*([\w.\-]+(?:\s*,\s*[\w.\-]+)*)")
FLAW_KINDS = {"ruleid": True, "todoruleid": True, "ok": False, "todook": False}


# Labels left out because they sit on an import statement (Semgrep audit rules that flag a
# module being imported), per category; printed with the results.
IMPORT_LABELS: dict[str, int] = defaultdict(int)


class CorpusError(Exception):
    """A label or a source that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Label:
    source: str
    path: str  # relative to the source's checkout
    line: int
    start: int  # first and last line of the labelled statement (the tolerance)
    end: int
    category: str
    flaw: bool


@dataclass(slots=True)
class Score:
    flaws: int = 0
    safe: int = 0
    # per tool; benchmarks/js_corpus.py scores other tools with the same class
    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def tpr(self, tool: str) -> float | None:
        return self.tp[tool] / self.flaws if self.flaws else None

    def fpr(self, tool: str) -> float | None:
        return self.fp[tool] / self.safe if self.safe else None

    def youden(self, tool: str) -> float | None:
        tpr, fpr = self.tpr(tool), self.fpr(tool)
        return tpr - fpr if tpr is not None and fpr is not None else None


# --- data ---------------------------------------------------------------------------------


def checkout(name: str, cache: Path, mirrors: Path) -> Path:
    """Clone a source at its pinned commit into the cache once; later runs reuse it."""
    source = SOURCES[name]
    dest = cache / name
    if not (dest / ".git").exists():
        mirror = mirrors / source.repo.replace("/", "+") / "repo"
        url = str(mirror) if mirror.exists() else f"https://github.com/{source.repo}.git"
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", "--no-checkout", url, str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", source.commit], check=True)
    return dest


# --- labels -------------------------------------------------------------------------------


_CONTAINERS = (ast.Call, ast.Dict, ast.List, ast.Tuple, ast.Set)


@dataclass(slots=True)
class Spans:
    """Where a label's tolerance comes from: the statements of a file (first line -> last line;
    compound statements: the header only; decorators span to their `def`; imports map to 0)
    and its multi-line calls and literals."""

    statements: dict[int, int] = field(default_factory=dict)
    containers: list[tuple[int, int]] = field(default_factory=list)

    def is_import(self, line: int) -> bool:
        return self.statements.get(line) == 0

    def tolerance(self, line: int) -> tuple[int, int]:
        """The labelled statement when the line starts one; for an inner line, the smallest
        statement, call or literal holding it (`key_size=1024,` inside a call covers the call,
        whose first line is where tools report; one entry of a long dictionary covers that
        entry's dictionary, not its neighbours)."""
        if self.statements.get(line):
            return line, self.statements[line]
        holders = [(s, e) for s, e in self.statements.items() if e and s <= line <= e]
        holders += [(s, e) for s, e in self.containers if s <= line <= e]
        return min(holders, key=lambda span: span[1] - span[0], default=(line, line))


def statement_spans(text: str) -> Spans:
    """The spans of one file (none when it does not parse: its labels get their own line)."""
    spans = Spans()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return spans
    for node in ast.walk(tree):
        if isinstance(node, _CONTAINERS) and (node.end_lineno or node.lineno) > node.lineno:
            spans.containers.append((node.lineno, node.end_lineno or node.lineno))
        if not isinstance(node, ast.stmt):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            spans.statements[node.lineno] = 0
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = max(node.lineno, body[0].lineno - 1)
        else:
            end = node.end_lineno or node.lineno
        spans.statements[node.lineno] = max(spans.statements.get(node.lineno, end), end)
        for decorator in getattr(node, "decorator_list", []):
            line = decorator.lineno
            spans.statements[line] = max(spans.statements.get(line, end), end)
    return spans


def _semgrep_rule_categories(yaml_path: Path) -> dict[str, str]:
    try:
        doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{yaml_path}: not valid YAML: {exc}") from exc
    found: dict[str, str] = {}
    for rule in (doc or {}).get("rules", []):
        rule_id = str(rule.get("id", ""))
        if rule_id in SEMGREP_RULE_CATEGORY:
            found[rule_id] = SEMGREP_RULE_CATEGORY[rule_id]
            continue
        cwes = (rule.get("metadata") or {}).get("cwe") or []
        for cwe in [cwes] if isinstance(cwes, str) else cwes:
            number = re.match(r"\s*CWE-(\d+)", str(cwe))
            if number and int(number.group(1)) in CWE_CATEGORY:
                found[rule_id] = CWE_CATEGORY[int(number.group(1))]
                break
    return found


def semgrep_labels(checkout_dir: Path) -> list[Label]:
    """Labels from the `# ruleid:` / `# ok:` annotations of Semgrep's Python rule tests."""
    labels: list[Label] = []
    for path in sorted((checkout_dir / "python").rglob("*.py")):
        yaml_path = next(
            (p for p in (path.with_suffix(".yaml"), path.with_suffix(".yml")) if p.exists()), None
        )
        if yaml_path is None:
            continue
        rules = _semgrep_rule_categories(yaml_path)
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        spans = statement_spans(text)
        rel = str(path.relative_to(checkout_dir))
        for index, line in enumerate(lines):
            match = ANNOTATION.search(line)
            if not match:
                continue
            target = index + 1
            if line.lstrip().startswith("#"):  # a comment line labels the next code line
                target = next(
                    (
                        j + 1
                        for j in range(index + 1, len(lines))
                        if lines[j].strip() and not lines[j].lstrip().startswith("#")
                    ),
                    0,
                )
            if not target:
                raise CorpusError(f"{rel}:{index + 1}: annotation labels no code line")
            for rule_id in (r.strip() for r in match.group(2).split(",")):
                category = rules.get(rule_id)
                if category is None:
                    continue  # not a security rule this corpus scores
                if spans.is_import(target):
                    IMPORT_LABELS[category] += 1
                    continue
                start, end = spans.tolerance(target)
                flaw = FLAW_KINDS[match.group(1)]
                labels.append(Label("semgrep-rules", rel, target, start, end, category, flaw))
    return labels


def hand_labels(table: tuple[HandLabel, ...], dirs: dict[str, Path]) -> list[Label]:
    """Resolve hand labels to lines; a text that matches no line or several is an error."""
    labels: list[Label] = []
    texts: dict[Path, tuple[list[str], Spans]] = {}
    for source, rel, needle, category, flaw, nth in table:
        if category not in CATEGORIES:
            raise CorpusError(f"hand label {source}:{rel}: unknown category {category!r}")
        path = dirs[source] / rel
        if path not in texts:
            text = path.read_text(encoding="utf-8", errors="replace")
            texts[path] = (text.splitlines(), statement_spans(text))
        lines, spans = texts[path]
        hits = [i + 1 for i, line in enumerate(lines) if needle in line]
        if (nth == 0 and len(hits) != 1) or len(hits) < nth:
            raise CorpusError(f"{source}:{rel}: {needle!r} is on {len(hits)} lines, not {nth or 1}")
        line = hits[max(nth, 1) - 1]
        start, end = spans.tolerance(line)
        labels.append(Label(source, rel, line, start, end, category, flaw))
    return labels


def merge(labels: list[Label]) -> list[Label]:
    """One label per (file, line, category); flaw wins over look-alike."""
    best: dict[tuple[str, str, int, str], Label] = {}
    for label in labels:
        key = (label.source, label.path, label.line, label.category)
        if key not in best or (label.flaw and not best[key].flaw):
            best[key] = label
    return sorted(best.values(), key=lambda x: (x.source, x.path, x.line, x.category))


# --- tools --------------------------------------------------------------------------------

# (source, path relative to the checkout, category) -> (first line, last line, rule or test id)
Hits = dict[tuple[str, str, str], list[tuple[int, int, str]]]


def run_netgain(
    source: str, base: Path, scan_dir: str, out: Path, hits: Hits, netgain: list[str]
) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*netgain, "scan", scan_dir, "--format", "json", "--output", str(out), "--no-cache"],
        cwd=base,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    report = json.loads(out.read_text(encoding="utf-8"))
    report_root = Path(report.get("root") or base)
    for finding in report["findings"]:
        category = NETGAIN_CATEGORY.get(finding["rule"])
        if category is None:
            continue
        location = finding["location"]
        rel = _relative(report_root / location["path"], base)
        rule = finding["rule"]
        hits[(source, rel, category)].append((location["line"], location["line"], rule))
        # the statements the flow passed through (source, assignments) count too: Semgrep
        # reports a taint match from its first line, so its tests label the source line
        for step in finding.get("trace") or []:
            if _relative(report_root / step["path"], base) == rel:
                hits[(source, rel, category)].append((step["line"], step["line"], rule))
    return seconds


def run_bandit(source: str, base: Path, scan_dir: str, out: Path, hits: Hits) -> float:
    start = time.perf_counter()
    subprocess.run(
        [BANDIT, "-q", "-r", scan_dir, "-f", "json", "-o", str(out)],
        cwd=base,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    report = json.loads(out.read_text(encoding="utf-8"))
    for result in report.get("results", []):
        category = BANDIT_CATEGORY.get(str(result.get("test_id")))
        if category is None:
            cwe = result.get("issue_cwe")
            number = cwe.get("id") if isinstance(cwe, dict) else None
            category = CWE_CATEGORY.get(number) if isinstance(number, int) else None
        if category is None:
            continue
        lines = result.get("line_range") or [result["line_number"]]
        rel = _relative(base / result["filename"], base)
        hits[(source, rel, category)].append((min(lines), max(lines), str(result["test_id"])))
    return seconds


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


# --- scoring ------------------------------------------------------------------------------


def flagged(label: Label, tool_hits: Hits, without: frozenset[str] = frozenset()) -> bool:
    """Whether a tool reported the label's category inside the labelled statement (rules in
    `without` left out, to measure what one rule adds)."""
    spans = tool_hits.get((label.source, label.path, label.category), [])
    return any(
        first <= label.end and last >= label.start and rule not in without
        for first, last, rule in spans
    )


def score(
    labels: list[Label], hits: dict[str, Hits], without: frozenset[str] = frozenset()
) -> dict[str, Score]:
    table: dict[str, Score] = defaultdict(Score)
    for label in labels:
        row = table[label.category]
        if label.flaw:
            row.flaws += 1
        else:
            row.safe += 1
        for tool, tool_hits in hits.items():
            found = flagged(label, tool_hits, without if tool == "netgain" else frozenset())
            if found and label.flaw:
                row.tp[tool] += 1
            elif found:
                row.fp[tool] += 1
    return dict(sorted(table.items()))


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def summary(table: dict[str, Score]) -> dict[str, dict[str, float | None]]:
    """Youden averaged over categories with flaws and look-alikes, and pooled rates."""
    out: dict[str, dict[str, float | None]] = {}
    scored = [s for s in table.values() if s.flaws and s.safe]
    for tool in ("netgain", "bandit"):
        youdens = [s.youden(tool) or 0.0 for s in scored]
        flaws = sum(s.flaws for s in table.values())
        safe = sum(s.safe for s in table.values())
        tp = sum(s.tp[tool] for s in table.values())
        fp = sum(s.fp[tool] for s in table.values())
        out[tool] = {
            "youden_avg": sum(youdens) / len(youdens) if youdens else None,
            "tpr_avg": sum(s.tpr(tool) or 0.0 for s in scored) / len(scored) if scored else None,
            "fpr_avg": sum(s.fpr(tool) or 0.0 for s in scored) / len(scored) if scored else None,
            "tpr_pooled": tp / flaws if flaws else None,
            "fpr_pooled": fp / safe if safe else None,
        }
    return out


def render(table: dict[str, Score], labels: list[Label], timings: dict[str, float]) -> str:
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for label in labels:
        by_source[label.source][0 if label.flaw else 1] += 1
    lines = [
        "Labels per source (flaws / safe look-alikes): "
        + ", ".join(f"{s} {f}/{n}" for s, (f, n) in sorted(by_source.items())),
        "",
        "| category | flaws | safe | netgain TPR | netgain FPR | netgain Youden "
        "| Bandit TPR | Bandit FPR | Bandit Youden |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in table.items():
        cells = [name, str(s.flaws), str(s.safe)]
        for tool in ("netgain", "bandit"):
            cells += [_rate(s.tpr(tool)), _rate(s.fpr(tool)), _rate(s.youden(tool))]
        lines.append("| " + " | ".join(cells) + " |")
    totals = summary(table)
    scored = [n for n, s in table.items() if s.flaws and s.safe]
    for tool, shown in (("netgain", "netgain"), ("bandit", "Bandit")):
        t = totals[tool]
        lines.append(
            f"| **{shown}: average over {len(scored)} categories** | | | {_rate(t['tpr_avg'])} | "
            f"{_rate(t['fpr_avg'])} | **{_rate(t['youden_avg'])}** | | | |"
            if tool == "netgain"
            else f"| **{shown}: average over {len(scored)} categories** | | | | | | "
            f"{_rate(t['tpr_avg'])} | {_rate(t['fpr_avg'])} | **{_rate(t['youden_avg'])}** |"
        )
    ng, bd = totals["netgain"], totals["bandit"]
    below = [
        n for n in scored if (table[n].youden("netgain") or 0) < (table[n].youden("bandit") or 0)
    ]
    youden = ng["youden_avg"] or 0.0
    lines += [
        "",
        f"- pooled over all labels: netgain TPR {_rate(ng['tpr_pooled'])}, FPR "
        f"{_rate(ng['fpr_pooled'])}; Bandit TPR {_rate(bd['tpr_pooled'])}, FPR "
        f"{_rate(bd['fpr_pooled'])}",
        f"- target Youden >= 0.75 averaged over categories: "
        f"{'met' if youden >= 0.75 else 'missed'} ({youden:.2f})",
        "- target no category below Bandit: "
        + ("met" if not below else "missed (" + ", ".join(below) + ")"),
        "- labels on import statements, left out (an import is not a flaw at a line): "
        + (", ".join(f"{c} {n}" for c, n in sorted(IMPORT_LABELS.items())) or "none"),
        "- categories with only flaws or only look-alikes (not averaged): "
        + (", ".join(n for n, s in table.items() if not (s.flaws and s.safe)) or "none"),
        f"- wall time, all sources: netgain {timings['netgain']:.1f} s, Bandit "
        f"{timings['bandit']:.1f} s",
    ]
    return "\n".join(lines) + "\n"


# The rules added for issue 12; `effects` shows what each one changes.
NEW_RULES = (
    "insecure-temp-file", "hardcoded-password", "cleartext-credentials", "regex-injection",
    "inefficient-regex", "exception-exposure", "xml-entity-expansion", "weak-key-size",
    "weak-tls-version", "autoescape-disabled", "insecure-transport", "argument-injection",
    "cookie-samesite-none", "unescaped-template", "format-html-built-template",
    "credentials-in-jwt", "api-without-rate-limit", "secret-key-as-hashids-salt",
)  # fmt: skip


def effects(labels: list[Label], hits: dict[str, Hits], table: dict[str, Score]) -> str:
    """Per new rule: the category it reports and the change in that category's TPR, FPR and
    Youden, and in the average, against the same run with that rule's findings left out."""
    lines = [
        "Effect of each rule added for issue 12 (this run, against the same run without that "
        "rule's findings):",
        "",
        "| rule | category | TPR | FPR | Youden | average Youden |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    full = summary(table)["netgain"]["youden_avg"] or 0.0
    for rule in NEW_RULES:
        category = NETGAIN_CATEGORY[rule]
        before = score(labels, hits, frozenset({rule}))
        avg = summary(before)["netgain"]["youden_avg"] or 0.0
        now, then = table.get(category, Score()), before.get(category, Score())
        cells = []
        for metric in (Score.tpr, Score.fpr, Score.youden):
            a, b = metric(then, "netgain"), metric(now, "netgain")
            cells.append("n/a" if a is None or b is None else f"{a:.2f} → {b:.2f}")
        lines.append(f"| {rule} | {category} | {' | '.join(cells)} | {avg:.2f} → {full:.2f} |")
    return "\n".join(lines) + "\n"


NOTES = (
    "Notes:",
    "",
    "- Before the rules of issue 12 (main at fb97aa8, scored by this same script with "
    "`--netgain \"env PYTHONPATH=BASE/src .venv/bin/python -c 'from netgain.cli.app import main; "
    "main()'\"` on a `git archive fb97aa8 src` in BASE): netgain average Youden 0.37 over the "
    "same 19 categories, pooled TPR 0.41 / FPR 0.04, below Bandit in cleartext-transmission, "
    "hardcoded-credentials, weak-crypto and xxe. Before the work of branch `taint` (main at "
    "4d24563): 0.50, pooled TPR 0.48 / FPR 0.04, below Bandit in weak-crypto (0.66 vs 0.79) "
    "and xxe (0.50 vs 1.00).",
    "- What moved on branch `taint`, each with fixtures and safe look-alikes: xxe 0.50 -> 1.00 "
    "(an import inside a function binds the name for that function only: `from xml.etree import "
    "ElementTree` in one, `from defusedxml.etree import ElementTree` in another); weak-crypto "
    "0.66 -> 0.79 (`ssl.wrap_socket` without a protocol, OpenSSL method constants of any "
    "module named `SSL`); cleartext-transmission 0.06 -> 0.68 (`insecure-transport`: requests "
    "to constant `http://` / `ftp://` URLs, loopback excluded); sql-injection 0.30 -> 0.35 and "
    "xss, code-injection, hardcoded-credentials up a little (a function rebound by a later def "
    "of the same name, such as a second view with the same name, is analysed too); ssrf 0.52 "
    "-> 0.60 (`'...'.format(x)` on a template without placeholders is the template). "
    "weak-crypto ties Bandit: its remaining misses are RSA keys of 2048 bits (labelled weak by "
    "Semgrep, accepted by NIST until 2030), Hashids salts, CBC without a MAC and JWT `none` "
    "algorithms filed under CWE-327.",
    "- Branch `taint2` (from main at e71e265, 0.57 over the same 19 categories), each change "
    "with fixtures and safe look-alikes: csrf 0.35 -> 1.00 (Pyramid `require_csrf=False` / "
    "`check_origin=False` per view and in `set_default_csrf_options`, `WTF_CSRF_ENABLED` as a "
    "config attribute and in `from_mapping`; a configuration that also sets `TESTING=True` is "
    "a test configuration); insecure-cookie 0.51 -> 0.63 (Pyramid's auth-ticket cookie, whose "
    "`secure` and `httponly` default to False; `cookie-samesite-none`); deserialization 0.38 -> "
    "0.72 (a module name nothing binds, `pickle.loads` in a snippet without its import, is "
    "read as that module when a model names it; a local `yaml = YAML()` is not PyYAML; "
    "ruamel `typ='unsafe'`); sql-injection 0.35 -> 0.67 (SQL text built from a value of unknown "
    "origin is a low-confidence `built-query` finding, which does not fail `scan`/`check` by "
    "default); jwt-unverified 0.50 -> 1.00 (an options dict bound to a name is reported where "
    "`verify_signature` is switched off); code-injection 0.60 -> 0.81 (`code` module "
    "interpreters, sub-interpreter runners); tls-verification 0.60 -> 0.75; debug-enabled 0.27 "
    "-> 0.36 (`ENV = 'development'`); weak-crypto 0.79 -> 0.88 (the signing key as a Hashids "
    "salt); hardcoded-credentials 0.53 -> 0.68 (credentials in a JWT payload, its CWE-522 "
    "labels); redos 0.58 -> 1.00 (a DRF API without a default throttle, its CWE-400 label; a "
    "compiled pattern that never matches text); command-injection 0.57 -> 0.59 (a shell "
    "started with `-c` by any launcher); xss 0.31 -> 0.40 (Flask templates Flask does not "
    "autoescape, `format_html` given a built template, Django error responses, "
    "`aiohttp_jinja2.setup(autoescape=False)`).",
    "- Branch `taint3` (from main at 71459d0, 0.740 over the same 19 categories), each change "
    "with fixtures and safe look-alikes: command-injection 0.59 -> 0.71 (modules and functions "
    'reached by a literal name, `getattr(os, "system")`, `__import__("os")`, '
    "`importlib.import_module`, are the same calls; text of unknown origin that a shell parses "
    "is a low-confidence audit finding, like SQL's `built-query`; Paramiko `exec_command`, "
    "Airflow `BashOperator(bash_command=...)`, `os.posix_spawn`); "
    "sql-injection 0.67 -> 0.70 (Pyramid/WebOb `request.params`, `matchdict`, `json_body` are "
    "input); debug-enabled 0.36 -> 0.55 (Flask `TESTING = True` outside test modules, at low "
    "confidence); insecure-cookie 0.63 -> 0.65 (`jar.set_cookie(cookie)` of `http.cookiejar` "
    "is not a response cookie); xss 0.40 -> 0.47 (WebOb/Pyramid `Response` bodies; input "
    "formatted into markup and given to a template as a context value, at low confidence; an "
    "API Gateway proxy response with an HTML content type, whose one label sits on the dict "
    "rather than the return that serves it). Average 0.740 -> 0.762, pooled TPR 0.709 -> "
    "0.747, pooled FPR 0.056 -> 0.054.",
    "- Branch `taint4` (from main at 484b0fa, 0.762 over the same 19 categories), each change "
    "with fixtures and safe look-alikes: command-injection 0.71 -> 0.74 (iterating a list of "
    "pairs keeps their positions, and getopt's option names are the program's own: "
    "`os.system(opt)` after `getopt.getopt(sys.argv[1:], ...)` is not input); sql-injection "
    "0.70 -> 0.73 (asyncpg `fetch`/`fetchrow`/`fetchval`/`cursor` and pg8000 `run` are SQL "
    "sinks when given a statement built at run time, sink option `sql_text`); xss 0.47 -> "
    "0.48 (WebOb/Pyramid `request.response.body = html`); code-injection 0.81 -> 0.82 "
    "(server-side template injection: input in the source of `render_template_string`, a "
    "Jinja2 `Template`/`from_string` or a Mako `Template`, here in an `errorhandler`); "
    "hardcoded-credentials 0.68 -> 0.62 (a literal assigned to a password name, "
    "`DB_PASSWORD = '...'`, is reported: the one look-alike it flags, `password = "
    '"this-is-probably-a-test"` at module level, is marked ok by Semgrep\'s rule about '
    "*default arguments*, which does not look at assignments). Average 0.762 -> 0.763 "
    "(0.765 without that look-alike), pooled TPR 0.747 -> 0.753, pooled FPR 0.054 -> 0.050. "
    "Changes aimed at Flask code "
    "the corpus has few "
    "labels for: views registered by `add_url_rule` or a `MethodView` class and what an "
    "`errorhandler` returns; responses declared as text or JSON are not XSS; "
    "`render_template_string(src, **values)` and autoescaping jinja2 templates escape their "
    "values; `random.SystemRandom()` is not weak; guards through a local host name, "
    "`commonpath`, a one-class `re.search`, `any(c not in ALLOWED ...)` and an inline HMAC "
    "check; `FileStorage.save` under the client's name, `TarFile.extractall` of an upload and "
    "ElementTree `findall` paths built from input are reported; an lxml parser built with "
    "`resolve_entities=False` clears XXE when passed by position or through a name. "
    "debug-enabled stays 0.55: its "
    "five misses are `hardcoded-config` labels on `DEBUG = False`, `ENV = 'production'`, "
    "`TESTING = False` and `SECRET_KEY` lines (see below).",
    "- What stays missed is mostly what the labels call a flaw. Semgrep's audit rules label "
    "sinks with no evidence of input beyond string building (`eval(x)` of an unknown `x`, "
    "`make_response(unk)`, every `is_safe=True` filter and `SafeString` subclass, the program "
    "of `os.spawn*`/`os.exec*` from an unknown call); only SQL built from unknown text and "
    "shell text of unknown origin are reported (at low confidence). `os.spawnl(mode, "
    '"/bin/bash", "-c", cmd)` passes `-c` as the shell\'s own name (argv[0]), so `cmd` is a '
    "script path, not a command; a module-level `raise` leaves the rest of Bandit-style audit "
    'files unreachable. `"... %s".format(x)` (no placeholder: `x` is dropped) is labelled SQL '
    "injection in three Semgrep tests; netgain folds it to the constant. A request whose input "
    "only picks the path on a constant host is reported as SSRF (Semgrep's SSRF tests label it "
    "a flaw, its tainted-url-host tests a look-alike); a constant host does clear open "
    "redirects and argument injection. Some labels contradict Python: `from library import "
    "render_template` (or `from something import eval`) at module level rebinds the name for "
    "every function of the module, so the Flask calls labelled above it are that library's; "
    "`CERT_OPTIONAL` verifies like `CERT_REQUIRED` on a client; the AWS keys labelled secrets "
    "are `xxxx` placeholders; `hardcoded-config` labels `DEBUG = False` and `ENV = "
    "'production'` as debug flaws and files its hard-coded `SECRET_KEY` lines under debug code "
    "(CWE-489). Flask's `request.path` as a redirect target is reported "
    "(a `//host` path leaves the site) where Semgrep marks it ok.",
    "- Semgrep's `ok:` means that one rule does not fire on the line. Two xss look-alikes are "
    "`autoescape=False` lines marked ok for the rule about a *missing* autoescape argument (the "
    "explicit False is another rule's flaw); they count as false positives here. Most "
    "insecure-cookie false positives are auth-ticket lines marked ok by the rule about one "
    "flag (`httponly=True`) that still lack the other (`secure`, which defaults to False).",
    "- Argument injection (CWE-88) has no labels here; its rule is measured on the fixtures "
    "(tests/fixtures/rules/injection/command.py, known_gaps.py).",
    "- CodeQL's Python query tests are not included: the snapshot of github/codeql is larger "
    "than the fetch limit (576 MB). The OWASP Benchmark and SecurityEval sets are held out and "
    "were not used.",
)


def record(text: str, command: str) -> None:
    """Replace the `## security corpus` section of docs/BENCHMARKS.md, leaving the rest."""
    header = "## security corpus"
    sources = ", ".join(f"{s.repo}@{s.commit[:10]}" for s in SOURCES.values())
    body = (
        f"{header}\n\nRecorded with `{command}` on {time.strftime('%Y-%m-%d')}. Labelled Python "
        f"code this project did not write ({sources}); how labels are read, the category table "
        "and the line tolerance are described in the docstring of `benchmarks/corpus.py`. "
        "A finding counts when its line falls inside the labelled statement.\n\n"
        + text
        + "\n"
        + "\n".join(NOTES)
        + "\n"
    )
    replace_section(header, body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where sources go")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS, help="local mirrors")
    parser.add_argument("--record", action="store_true", help="write ## security corpus")
    parser.add_argument("--json", type=Path, help="also write every label and verdict as JSON")
    parser.add_argument(
        "--netgain",
        default=NETGAIN,
        help="the netgain command to score (for example another checkout's: "
        "'env PYTHONPATH=OTHER/src .venv/bin/python -c \"from netgain.cli.app import main; main()\"')",
    )
    args = parser.parse_args()
    command = " ".join([".venv/bin/python", "benchmarks/corpus.py", *sys.argv[1:]])
    try:
        dirs = {name: checkout(name, args.cache, args.mirrors) for name in SOURCES}
        labels = merge(
            semgrep_labels(dirs["semgrep-rules"])
            + hand_labels(BANDIT_EXAMPLE_LABELS, dirs)
            + hand_labels(APP_LABELS, dirs)
        )
    except (CorpusError, subprocess.CalledProcessError, OSError) as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 2
    hits: dict[str, Hits] = {"netgain": defaultdict(list), "bandit": defaultdict(list)}
    timings = {"netgain": 0.0, "bandit": 0.0}
    out = args.cache / "reports"
    out.mkdir(parents=True, exist_ok=True)
    for name, source in SOURCES.items():
        for scan_dir in source.scans:
            stem = f"{name}-{scan_dir.replace('/', '_')}"
            timings["netgain"] += run_netgain(
                name,
                dirs[name],
                scan_dir,
                out / f"{stem}.netgain.json",
                hits["netgain"],
                shlex.split(args.netgain),
            )
            timings["bandit"] += run_bandit(
                name, dirs[name], scan_dir, out / f"{stem}.bandit.json", hits["bandit"]
            )
    table = score(labels, hits)
    text = render(table, labels, timings) + "\n" + effects(labels, hits, table)
    print(text)
    if args.json:
        verdicts = [
            {
                **{k: getattr(label, k) for k in Label.__slots__},
                **{tool: flagged(label, tool_hits) for tool, tool_hits in hits.items()},
            }
            for label in labels
        ]
        args.json.write_text(json.dumps(verdicts, indent=1), encoding="utf-8")
    if args.record:
        record(text, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
