"""What kind of file a path is: code in some language, or configuration, documentation, data.

The gate must never call a change clean that it did not read (docs/policy.md "Not analysed"), so
every changed file is classified. Code is what a security analysis has to cover; configuration,
documentation, data and markup are not code a SAST tool analyses, so they never hold a verdict
back. An unknown extension is classified as code only when the file starts with a `#!` line that
names an interpreter (an executable script); otherwise it is `other` and does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FileKind(StrEnum):
    CODE = "code"
    CONFIG = "config"
    DOCS = "docs"
    DATA = "data"
    MARKUP = "markup"  # templates, HTML, stylesheets: rendered, not executed on the server
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FileType:
    """A path's kind and, for code, its language (the name scanners and people use)."""

    kind: FileKind
    language: str = ""

    @property
    def is_code(self) -> bool:
        return self.kind is FileKind.CODE


# Languages as SARIF producers and GitHub's linguist name them.
_CODE: dict[str, tuple[str, ...]] = {
    "Python": (".py", ".pyi", ".pyw", ".ipynb"),
    "JavaScript": (".js", ".mjs", ".cjs", ".jsx"),
    "TypeScript": (".ts", ".mts", ".cts", ".tsx"),
    "Java": (".java", ".jsp"),
    "Kotlin": (".kt", ".kts"),
    "Go": (".go",),
    "Ruby": (".rb", ".rake", ".gemspec", ".erb"),
    "PHP": (".php", ".phtml"),
    "C#": (".cs", ".cshtml", ".razor"),
    "C": (".c", ".h"),
    "C++": (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".ipp"),
    "Rust": (".rs",),
    "Swift": (".swift",),
    "Objective-C": (".m", ".mm"),
    "Scala": (".scala", ".sc"),
    "Groovy": (".groovy", ".gradle"),
    "Dart": (".dart",),
    "Elixir": (".ex", ".exs"),
    "Erlang": (".erl", ".hrl"),
    "Lua": (".lua",),
    "Perl": (".pl", ".pm"),
    "Shell": (".sh", ".bash", ".zsh", ".ksh"),
    "PowerShell": (".ps1", ".psm1"),
    "Vue": (".vue",),
    "Svelte": (".svelte",),
    "Solidity": (".sol",),
    "Visual Basic": (".vb",),
    "F#": (".fs", ".fsx"),
    "Haskell": (".hs",),
    "Clojure": (".clj", ".cljs", ".cljc"),
    "R": (".r", ".R"),
    "Julia": (".jl",),
    "Zig": (".zig",),
    "Nim": (".nim",),
    "OCaml": (".ml", ".mli"),
}
_OTHER_KINDS: dict[FileKind, tuple[str, ...]] = {
    FileKind.CONFIG: (
        ".toml", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".json", ".jsonc", ".json5",
        ".xml", ".properties", ".env", ".editorconfig", ".gitignore", ".gitattributes",
        ".dockerignore", ".npmrc", ".lock", ".tf", ".tfvars", ".hcl", ".nix", ".plist",
        ".mod", ".sum", ".in", ".pc", ".cmake", ".bazel", ".bzl", ".mk", ".service",
    ),
    FileKind.DOCS: (".md", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".tex", ".rtf",
                    ".pdf", ".1", ".5", ".8", ".man", ".pod"),
    FileKind.DATA: (
        ".csv", ".tsv", ".sql", ".parquet", ".db", ".sqlite", ".png", ".jpg", ".jpeg", ".gif",
        ".webp", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".mp4", ".wav", ".ogg", ".webm",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".tgz", ".bz2", ".xz",
        ".zst", ".tar", ".bin", ".dat", ".pickle", ".pkl", ".npy", ".npz", ".snap", ".patch",
        ".diff", ".pem", ".crt", ".key", ".pub", ".asc", ".sig", ".har", ".log",
        ".proto", ".graphql", ".gql", ".avsc",
    ),
    FileKind.MARKUP: (
        ".html", ".htm", ".xhtml", ".css", ".scss", ".sass", ".less", ".svg", ".jinja",
        ".jinja2", ".j2", ".hbs", ".handlebars", ".mustache", ".ejs", ".njk", ".liquid",
        ".twig", ".pug", ".haml", ".slim", ".tpl", ".mako",
    ),
}  # fmt: skip
_NAMES: dict[str, FileType] = {
    "Dockerfile": FileType(FileKind.CONFIG),
    "Containerfile": FileType(FileKind.CONFIG),
    "Makefile": FileType(FileKind.CONFIG),
    "GNUmakefile": FileType(FileKind.CONFIG),
    "CMakeLists.txt": FileType(FileKind.CONFIG),
    "Procfile": FileType(FileKind.CONFIG),
    "Jenkinsfile": FileType(FileKind.CONFIG),
    "Vagrantfile": FileType(FileKind.CODE, "Ruby"),
    "Gemfile": FileType(FileKind.CONFIG),
    "Rakefile": FileType(FileKind.CODE, "Ruby"),
    "CODEOWNERS": FileType(FileKind.CONFIG),
    "LICENSE": FileType(FileKind.DOCS),
    "LICENCE": FileType(FileKind.DOCS),
    "COPYING": FileType(FileKind.DOCS),
    "NOTICE": FileType(FileKind.DOCS),
    "AUTHORS": FileType(FileKind.DOCS),
    "CHANGELOG": FileType(FileKind.DOCS),
    "README": FileType(FileKind.DOCS),
}
_BY_EXTENSION: dict[str, FileType] = {
    ext: FileType(FileKind.CODE, language) for language, exts in _CODE.items() for ext in exts
} | {ext: FileType(kind) for kind, exts in _OTHER_KINDS.items() for ext in exts}
_INTERPRETERS: dict[str, str] = {
    "python": "Python",
    "node": "JavaScript",
    "deno": "TypeScript",
    "bun": "JavaScript",
    "ts-node": "TypeScript",
    "ruby": "Ruby",
    "php": "PHP",
    "perl": "Perl",
    "sh": "Shell",
    "bash": "Shell",
    "zsh": "Shell",
    "dash": "Shell",
    "ksh": "Shell",
    "pwsh": "PowerShell",
    "lua": "Lua",
    "Rscript": "R",
}
_SHEBANG = re.compile(rb"^#![ \t]*(\S+)(?:[ \t]+(?:-\S+[ \t]+)*(\S+))?")
_VERSION_SUFFIX = re.compile(r"[\d.]+$")

LANGUAGES = frozenset(_CODE)
# The languages netgain's own analyser reads; code in any other is counted as "not analysed".
NETGAIN_LANGUAGES = frozenset({"Python", "JavaScript", "TypeScript"})


def extensions(language: str) -> tuple[str, ...]:
    """The file extensions of `language` (as named in `LANGUAGES`), e.g. (".go",)."""
    return _CODE.get(language, ())


def interpreter_language(head: bytes) -> str | None:
    """The language a `#!` line names (`#!/usr/bin/env python3` is Python), or None."""
    match = _SHEBANG.match(head[:256])
    if match is None:
        return None
    program = match.group(1).decode("utf-8", "replace").rsplit("/", 1)[-1]
    if program == "env" and match.group(2):
        program = match.group(2).decode("utf-8", "replace").rsplit("/", 1)[-1]
    name = _VERSION_SUFFIX.sub("", program) or program
    return _INTERPRETERS.get(name) or _INTERPRETERS.get(program)


def classify(path: str, head: bytes | None = None) -> FileType:
    """The kind (and language) of `path`; `head` (the file's first bytes) settles scripts.

    Paths under `.github/workflows/` are configuration whatever their extension.
    """
    # string operations, not PurePosixPath: a scan's file walk classifies every file it meets,
    # and building a path object was most of that walk's time
    name = path.rstrip("/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # PurePosixPath's `suffix`
    if path.startswith(".github/") and suffix in (".yml", ".yaml"):
        return FileType(FileKind.CONFIG)
    named = _NAMES.get(name)
    if named is not None:
        return named
    known = _BY_EXTENSION.get(suffix) or _BY_EXTENSION.get(suffix.lower())
    if known is not None:
        return known
    if head is not None:
        language = interpreter_language(head)
        if language is not None:
            return FileType(FileKind.CODE, language)
    if name.upper().startswith(("README", "CHANGELOG", "CHANGES", "HISTORY", "CONTRIBUTING")):
        return FileType(FileKind.DOCS)
    return FileType(FileKind.OTHER)
