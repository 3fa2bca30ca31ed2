"""Hard-coded secrets (CWE-798): known key formats anywhere, high-entropy values bound to secret names.

The secret is never repeated in a finding: messages name the kind of secret, and the scanner masks
the value in the snippet (`PatternHit.mask`).
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

HARDCODED_SECRET = rule_meta(
    id="hardcoded-secret",
    name="HardcodedSecret",
    family="secrets",
    cwe=(798, 259),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Hard-coded credential",
    doc="""
    ## What it does
    Flags string literals in a known credential format (AWS access keys `AKIA...`, GitHub tokens
    `ghp_...`, Slack tokens `xox...`, Stripe live keys `sk_live_...`, Google API keys, private key
    headers) wherever they appear, and high-entropy literals bound to secret-like names
    (`password`, `secret`, `token`, `api_key`, ...). Keys that sign tokens and sessions are
    reported whatever they look like: a literal passed as the key of `jwt.encode` /
    `jwt.decode`, and a literal assigned to `app.secret_key` or `app.config["SECRET_KEY"]`
    (placeholders such as `changeme` excepted). The secret is masked in every output.

    ## Why is this bad?
    Source code is copied, forked, logged and leaked; a credential in it is available to anyone
    who ever sees the repository, and rotating it requires a code change.

    ## Example
    ```python
    AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    ```

    ## Use instead
    ```python
    AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]
    ```

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    """,
)

_FORMATS: list[tuple[str, re.Pattern[str]]] = [
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    (
        "private key",
        re.compile(
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----"
        ),
    ),
    (
        "Slack webhook",
        re.compile(
            r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"
        ),
    ),
]
_SECRET_NAME = re.compile(
    r"(?i)(passw(or)?d|passwd|pwd|secret|token|api_?key|apikey|access_?key|private_?key|auth_?key|credential|signing_?key|client_?secret)"
)
_NOT_SECRET_NAME = re.compile(
    r"(?i)(_?(url|uri|path|file|name|header|field|param|prefix|type|length|len|format|env|var|id|count|min|max|label|pattern|regex|endpoint|policy)s?$|^(token|password)_?(name|type)$)"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(x+|\*+|<.*>|\{.*\}|\$\{.*\}|%\(.*\)s|changeme|change_me|example|test|dummy|fake|secret|password|todo|none|null|redacted|your[_-].*|.*placeholder.*)$"
)
MIN_LENGTH = 12
MIN_ENTROPY = 3.0


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` (0 for an empty string)."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(value: str) -> bool:
    if len(value) < MIN_LENGTH or " " in value.strip() or _PLACEHOLDER.match(value):
        return False
    return (
        shannon_entropy(value) >= MIN_ENTROPY and any(ch.isdigit() for ch in value)
    ) or shannon_entropy(value) >= 4.0


def _target_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return ""


# Any of the formats: one search rules out almost every string; the list, in order, then says
# which format (the first that matches, as before).
_ANY_FORMAT = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _FORMATS))


def _known_format(value: str) -> tuple[str, str] | None:
    if _ANY_FORMAT.search(value) is None:
        return None
    for kind, pattern in _FORMATS:
        m = pattern.search(value)
        if m:
            return kind, m.group(0)
    return None


def _named_secret(name: str, value: ast.expr) -> tuple[str, str] | None:
    if not name or not _SECRET_NAME.search(name) or _NOT_SECRET_NAME.search(name):
        return None
    if (
        isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and looks_random(value.value)
    ):
        return "high-entropy value", value.value
    return None


@pattern_rule(HARDCODED_SECRET, ast.Constant)
def check_secret_literal(ctx: PatternContext, node: ast.AST) -> tuple[PatternHit, ...]:
    """A literal in a known secret format, wherever it is. A plain function rather than a
    generator: it runs on every constant of every module."""
    value = getattr(node, "value", None)
    if not isinstance(value, str) or len(value) < 16:
        return ()
    found = _known_format(value)
    if found is None:
        return ()
    return (PatternHit(HARDCODED_SECRET, node, f"hard-coded {found[0]}", mask=found[1]),)


@pattern_rule(HARDCODED_SECRET, ast.AnnAssign, ast.Dict, ast.Compare)
@pattern_rule(HARDCODED_SECRET, ast.Assign, names=_SECRET_NAME)  # `api_key = "..."`
@pattern_rule(HARDCODED_SECRET, ast.Call, keywords=_SECRET_NAME)  # `api_key="..."`
def check_hardcoded_secret(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    """A secret-looking literal under a secret's name (assigned, passed, a dict key, compared)."""
    pairs: list[tuple[str, ast.expr]] = []
    if isinstance(node, ast.Assign):
        pairs = [(_target_name(t), node.value) for t in node.targets]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        pairs = [(_target_name(node.target), node.value)]
    elif isinstance(node, ast.Call):
        pairs = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
    elif isinstance(node, ast.Dict):
        pairs = [
            (k.value, v)
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
    elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
        pairs = [(_target_name(node.left), node.comparators[0])]
    for name, value in pairs:
        found = _named_secret(name, value)  # the name first: most are not secret names
        if found is None or (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and _known_format(value.value)
        ):
            continue  # not a secret's name, or reported on the literal itself
        yield PatternHit(
            HARDCODED_SECRET, value, f"hard-coded secret in `{name}` ({found[0]})", mask=found[1]
        )
