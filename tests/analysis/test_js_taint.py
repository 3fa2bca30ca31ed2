"""JavaScript / TypeScript taint analysis: each capability with a flaw and a safe look-alike.

Every case is a small file as a framework's users write it; the expectation is the set of
(rule, sink line) netgain reports. A safe look-alike differs from its flaw by the one thing
that makes it safe (a parameterised query, a sanitizer, a guard, a constant prefix).
"""

from __future__ import annotations

import pytest

from netgain.analysis.js.scan import analyse_source


def flows(code: str, path: str = "app.ts") -> set[tuple[str, int]]:
    """(rule, sink line) of every flow netgain reports in `code` read as the file `path`."""
    return {(f.rule, f.sink.line) for f in analyse_source(code.encode(), path)}


CASES: dict[str, tuple[str, set[tuple[str, int]]]] = {
    # --- Express sources: destructuring, template literals, concatenation, property reads
    "express-destructured-query": (
        """\
const app = require("express")();
app.get("/u", async (req, res) => {
  const { id, sort } = req.query;
  await db.query(`SELECT * FROM u WHERE id = ${id} ORDER BY ` + sort);
});
""",
        {("sql-injection", 4)},
    ),
    "express-parameterised": (
        """\
const app = require("express")();
app.get("/u", async (req, res) => {
  const { id } = req.query;
  await db.query("SELECT * FROM u WHERE id = $1", [id]);
  await db.query({ text: "SELECT * FROM u WHERE id = $1", values: [id] });
});
""",
        set(),
    ),
    "pg-query-config-object": (
        """\
router.post("/u", async (req, res) => {
  const text = "SELECT * FROM u WHERE name = '" + req.body.name + "'";
  await client.query({ text, values: [] });
});
""",
        {("sql-injection", 3)},
    ),
    "nested-destructuring-and-property-read": (
        """\
router.post("/u", (req, res) => {
  const { body: { user } } = req;
  const name = user.profile.name;
  connection.execute("DELETE FROM u WHERE name = '" + name + "'");
});
""",
        {("sql-injection", 4)},
    ),
    "numeric-sanitizers": (
        """\
app.get("/u", async (req, res) => {
  const id = parseInt(req.query.id, 10);
  const limit = Number(req.query.limit);
  await db.query("SELECT * FROM u WHERE id = " + id + " LIMIT " + limit);
});
""",
        set(),
    ),
    "mysql-escape": (
        """\
const mysql = require("mysql2");
app.get("/u", (req, res) => {
  connection.query("SELECT * FROM u WHERE name = " + mysql.escape(req.query.name));
});
""",
        set(),
    ),
    # --- ORMs and query builders
    "sequelize-knex-prisma-raw": (
        """\
app.get("/u", async (req, res) => {
  await sequelize.query(`SELECT * FROM u WHERE a = '${req.query.a}'`);
  await knex.raw("SELECT * FROM u WHERE b = '" + req.query.b + "'");
  await knex("u").whereRaw(`c = '${req.query.c}'`);
  await prisma.$queryRawUnsafe(`SELECT * FROM u WHERE d = '${req.query.d}'`);
});
""",
        {("sql-injection", 2), ("sql-injection", 3), ("sql-injection", 4), ("sql-injection", 5)},
    ),
    "orm-safe-forms": (
        """\
app.get("/u", async (req, res) => {
  await sequelize.query("SELECT * FROM u WHERE a = :a", { replacements: { a: req.query.a } });
  await knex("u").where("b", req.query.b);
  await knex.raw("SELECT * FROM u WHERE c = ?", [req.query.c]);
  await prisma.$queryRaw`SELECT * FROM u WHERE d = ${req.query.d}`;
  await prisma.user.findMany({ where: { name: req.query.e } });
});
""",
        set(),
    ),
    # --- command and code injection
    "child-process": (
        """\
import { exec, execFile, spawn } from "node:child_process";
app.post("/run", (req, res) => {
  exec("convert " + req.body.file + " out.png");
  execFile("convert", [req.body.file, "out.png"]);
  spawn("ls", [req.body.dir]);
  spawn("ls " + req.body.dir, { shell: true });
  spawn(req.body.program);
});
""",
        {("command-injection", 3), ("command-injection", 6), ("command-injection", 7)},
    ),
    "child-process-module-alias": (
        """\
const cp = require("child_process");
app.post("/run", (req, res) => {
  cp.execSync(`git log ${req.body.ref}`);
});
""",
        {("command-injection", 3)},
    ),
    "spawn-with-shell-option": (
        """\
const { spawn } = require("child_process");
app.post("/run", (req, res) => {
  spawn("git", ["log", req.body.ref], { shell: true });
});
""",
        {("command-injection", 3)},
    ),
    "eval-and-function": (
        """\
app.post("/calc", (req, res) => {
  const expr = req.body.expr;
  eval(expr);
  const f = new Function("a", "return " + expr);
  setTimeout("run(" + expr + ")", 10);
  setTimeout(() => run(expr), 10);
  vm.runInNewContext(expr, {});
});
""",
        {
            ("code-injection", 3),
            ("code-injection", 4),
            ("code-injection", 5),
            ("code-injection", 7),
        },
    ),
    # --- path traversal
    "path-traversal": (
        """\
import fs from "fs";
import path from "path";
app.get("/file", (req, res) => {
  const p = path.join(__dirname, "uploads", req.query.name);
  fs.readFile(p, (err, data) => res.send(data));
  res.sendFile(req.query.name);
  res.sendFile(req.query.name, { root: "public" });
});
""",
        {("path-traversal", 5), ("path-traversal", 6)},
    ),
    "path-basename-and-checks": (
        """\
import fs from "fs/promises";
import path from "path";
const ROOT = "/srv/uploads";
app.get("/a", async (req, res) => {
  await fs.readFile(path.join(ROOT, path.basename(req.query.name)));
});
app.get("/b", async (req, res) => {
  const name = req.query.name;
  if (name.includes("..")) return res.status(400).end();
  await fs.readFile(path.join(ROOT, name));
});
app.get("/c", async (req, res) => {
  const full = path.resolve(ROOT, req.query.name);
  if (!full.startsWith(ROOT)) {
    return res.sendStatus(403);
  }
  await fs.readFile(full);
});
app.get("/d", async (req, res) => {
  const full = path.resolve(ROOT, req.query.name);
  if (full.startsWith(ROOT)) {
    console.log("inside");
  }
  await fs.readFile(full);
});
""",
        {("path-traversal", 24)},
    ),
    "allow-list-guard": (
        """\
const ALLOWED = ["name", "created_at"];
app.get("/u", async (req, res) => {
  const sort = req.query.sort;
  if (!ALLOWED.includes(sort)) {
    return res.status(400).send("bad sort");
  }
  await db.query("SELECT * FROM u ORDER BY " + sort);
  const id = req.query.id;
  if (/^[0-9]+$/.test(id)) {
    await db.query("SELECT * FROM u WHERE id = " + id);
  }
  await db.query("SELECT * FROM u WHERE id = " + id);
});
""",
        {("sql-injection", 12)},
    ),
    # --- open redirect
    "open-redirect": (
        """\
app.get("/login", (req, res) => {
  res.redirect(req.query.next);
  res.redirect(302, req.query.next);
  res.redirect("/account?tab=" + req.query.tab);
  res.redirect(`https://example.com/${req.query.page}`);
  res.redirect("/" + req.query.next);
  res.redirect(config.baseUrl + req.query.next);
  res.setHeader("Location", req.query.next);
  res.setHeader("X-Trace", req.query.next);
});
""",
        {("open-redirect", 2), ("open-redirect", 3), ("open-redirect", 6), ("open-redirect", 8)},
    ),
    # --- same-file function summaries
    "helper-returning-its-argument": (
        """\
function clean(value) {
  return value.trim();
}
const toInt = (value) => parseInt(value, 10);
app.get("/u", async (req, res) => {
  await db.query("SELECT * FROM u WHERE a = '" + clean(req.query.a) + "'");
  await db.query("SELECT * FROM u WHERE b = " + toInt(req.query.b));
});
""",
        {("sql-injection", 6)},
    ),
    "helper-reaching-a-sink": (
        """\
async function findByName(name) {
  return db.query(`SELECT * FROM u WHERE name = '${name}'`);
}
app.get("/u", async (req, res) => {
  await findByName(req.query.name);
  await findByName("admin");
});
""",
        {("sql-injection", 2)},
    ),
    "handler-delegating-the-request": (
        """\
async function list(req, res) {
  const rows = await db.query("SELECT * FROM u WHERE team = '" + req.params.team + "'");
  res.json(rows);
}
router.get("/teams/:team", list);
""",
        {("sql-injection", 2)},
    ),
    # --- other frameworks
    "fastify": (
        """\
const { exec } = require("child_process");
fastify.get("/u", async (request, reply) => {
  const rows = await fastify.pg.query("SELECT * FROM u WHERE id = " + request.params.id);
  return reply.redirect(request.query.to);
});
fastify.route({
  method: "POST",
  url: "/v",
  handler: async (request, reply) => {
    exec("echo " + request.body.msg);
  },
});
""",
        {("sql-injection", 3), ("open-redirect", 4), ("command-injection", 10)},
    ),
    "koa": (
        """\
const Router = require("@koa/router");
const router = new Router();
router.get("/u", async (ctx) => {
  const rows = await db.query("SELECT * FROM u WHERE id = " + ctx.query.id);
  const body = ctx.request.body;
  await db.query(`DELETE FROM u WHERE name = '${body.name}'`);
  ctx.redirect(ctx.params.to);
  ctx.body = fs.readFileSync(ctx.cookies.get("theme"));
});
""",
        {("sql-injection", 4), ("sql-injection", 6), ("open-redirect", 7), ("path-traversal", 8)},
    ),
    "nextjs-api-route": (
        """\
import type { NextApiRequest, NextApiResponse } from "next";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { id } = req.query;
  const rows = await pool.query(`SELECT * FROM posts WHERE id = ${id}`);
  res.status(200).json(rows);
}
""",
        {("sql-injection", 4)},
    ),
    "nextjs-app-router": (
        """\
import { NextRequest, NextResponse } from "next/server";
import { redirect } from "next/navigation";
export async function GET(request: NextRequest, { params }: { params: { slug: string } }) {
  const q = request.nextUrl.searchParams.get("q");
  await sql.query("SELECT * FROM posts WHERE title LIKE '%" + q + "%'");
  await sql.query("SELECT * FROM posts WHERE slug = '" + params.slug + "'");
  return NextResponse.redirect(new URL(request.nextUrl.searchParams.get("to")));
}
export async function POST(request: Request) {
  const body = await request.json();
  redirect(body.next);
}
""",
        {("sql-injection", 5), ("sql-injection", 6), ("open-redirect", 7), ("open-redirect", 11)},
    ),
    "guards-on-either-side-and-lookups": (
        """\
app.get("/r", (req, res) => {
  const target = req.query.target;
  if (target === "/home" || target === "/account") res.redirect(target);
  if (target === "/home" || isReady()) res.redirect(target);
  if (SAFE_TARGETS.hasOwnProperty(target)) res.redirect(target);
  if (target in SAFE_TARGETS) res.redirect(target);
  if (SAFE_TARGETS[target] !== undefined) res.redirect(target);
  if (isLocalUrl(target)) res.redirect(target);
  res.redirect(target);
});
""",
        {("open-redirect", 4), ("open-redirect", 9)},
    ),
    "falsy-values-and-replacements": (
        """\
const fs = require("fs");
app.get("/f", (req, res) => {
  let name = req.query.name;
  if (name) {
    name = name.replace(/\\.\\./g, "");
  }
  fs.readFileSync(name);
  const id = req.query.id.replace(/[^a-zA-Z0-9_-]/g, "");
  db.query("SELECT * FROM t WHERE id = '" + id + "'");
  const raw = req.query.raw.replace(/'/g, "");
  db.query("SELECT * FROM t WHERE raw = '" + raw + "'");
});
""",
        {("sql-injection", 11)},
    ),
    "prefix-check-needs-a-normalised-path": (
        """\
const fs = require("fs");
const path = require("path");
app.get("/f", (req, res) => {
  const raw = req.query.file;
  if (raw.startsWith("/srv/files/")) fs.readFileSync(raw);
  const full = path.resolve("/srv/files", req.query.file);
  if (full.startsWith("/srv/files/")) fs.readFileSync(full);
});
""",
        {("path-traversal", 5)},
    ),
    "redirects-built-in-steps": (
        """\
app.get("/r", (req, res) => {
  let url = "/teams/" + req.params.team + "/";
  url += "?" + req.query.qs;
  res.header("Location", url);
  res.redirect(["index.html?section=", req.query.section].join(""));
  res.redirect([req.query.page, "?section=", req.query.section].join(""));
  res.redirect("users/" + req.params.user);
  res.redirect("u" + req.params.user);
  res.redirect("//" + req.params.user);
});
""",
        {("open-redirect", 6), ("open-redirect", 8), ("open-redirect", 9)},
    ),
    "shell-programs-and-sendfile-root": (
        """\
const cp = require("child_process");
app.get("/x", (req, res) => {
  cp.execFile("/bin/bash", ["-c", req.query.cmd]);
  cp.spawn("cmd.exe", ["/C", "dir"].concat(req.query.dir));
  cp.execFile("git", ["log", req.query.ref]);
  res.sendFile(req.query.f, { root: req.query.dir });
  res.sendFile(req.query.f, { root: __dirname + "/public" });
});
""",
        {("command-injection", 3), ("command-injection", 4), ("path-traversal", 6)},
    ),
    "nestjs-parameter-decorators": (
        """\
import { Body, Controller, Get, Param, Post, Query, Req, Res } from "@nestjs/common";
import { exec } from "child_process";
@Controller("users")
export class UsersController {
  constructor(private readonly dataSource: DataSource) {}
  @Get(":id")
  async find(@Param("id") id: string, @Query() query: SearchDto) {
    return this.dataSource.query(`SELECT * FROM u WHERE id = ${id} AND n = '${query.name}'`);
  }
  @Post("run")
  run(@Body() body: RunDto, @Req() req: Request, @Res() res, other: string) {
    exec("echo " + body.msg);
    exec("echo " + other);
    res.redirect(req.query.next);
    return this.dataSource.query("SELECT * FROM u WHERE id = $1", [body.id]);
  }
}
""",
        {("sql-injection", 8), ("command-injection", 12), ("open-redirect", 14)},
    ),
    "nestjs-redirect-decorator": (
        """\
@Controller()
export class DocsController {
  @Get("docs")
  @Redirect("https://docs.example.com", 302)
  docs(@Query("version") version: string) {
    if (version) {
      return { url: version };
    }
  }
  @Get("v")
  @Redirect("https://docs.example.com", 302)
  pinned(@Query("version") version: string) {
    return { url: `https://docs.example.com/${version}/` };
  }
  plain(@Query("to") to: string) {
    return { url: to };
  }
}
""",
        {("open-redirect", 7)},
    ),
    # --- not sources: a CLI's arguments, constants, a function's own parameters alone
    "no-request-no-finding": (
        """\
const { exec } = require("child_process");
exec("ls " + process.argv[2]);
function run(cmd) {
  exec(cmd);
}
db.query("SELECT 1");
""",
        set(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    code, expected = CASES[name]
    assert flows(code) == expected


def test_grammar_follows_the_extension() -> None:
    jsx = """\
app.get("/page", (req, res) => {
  const page = <Page title={req.query.t} />;
  eval(req.query.code);
});
"""
    assert flows(jsx, "page.jsx") == {("code-injection", 3)}
    assert flows(jsx, "page.tsx") == {("code-injection", 3)}
    typed = 'app.get("/", (req: Request, res: Response) => eval(req.query.c as string));\n'
    assert flows(typed, "a.ts") == {("code-injection", 1)}
    assert flows(typed, "a.mts") == {("code-injection", 1)}


def test_a_trace_runs_from_source_to_sink() -> None:
    code = """\
app.get("/u", async (req, res) => {
  const name = req.query.name;
  const sql = "SELECT * FROM u WHERE name = '" + name + "'";
  await db.query(sql);
});
"""
    [finding] = analyse_source(code.encode(), "a.js")
    assert [(s.line, s.message) for s in finding.trace] == [
        (2, "source: req.query"),
        (3, "assigned to sql"),
    ]
    assert (finding.sink.line, finding.sink.message) == (4, "sink: db.query()")


def test_lambda_event_is_client_data() -> None:
    code = """\
exports.handler = async (event, context) => {
  await client.query("INSERT INTO m (body) VALUES ('" + JSON.stringify(event) + "')");
  eval(event.body);
};
"""
    assert flows(code, "lambda.js") == {("sql-injection", 2), ("code-injection", 3)}


def test_a_lookup_by_client_data_returns_stored_data() -> None:
    code = """\
app.post("/avatar", async (req, res) => {
  const user = sessions.get(req.cookies.token);
  await fs.writeFile(`uploads/${user.id}.png`, req.body.image);
  const row = await User.findByPk(req.params.id);
  res.redirect(row.homepage);
  const q = new URL(req.url).searchParams.get("q");
  await db.query("SELECT * FROM t WHERE q = '" + q + "'");
});
"""
    assert flows(code, "a.js") == {("sql-injection", 7)}


def test_nextjs_pages_server_props_and_server_actions() -> None:
    page = """\
export default async function Page({ searchParams }: { searchParams: { q?: string } }) {
  const rows = await sql.query(`SELECT * FROM posts WHERE title LIKE '%${searchParams.q}%'`);
  return <List rows={rows} />;
}
"""
    assert flows(page, "app/posts/page.tsx") == {("sql-injection", 2)}
    assert flows(page, "src/components/list.tsx") == set()  # not a page: a plain component
    props = """\
export async function getServerSideProps(context) {
  const { id } = context.query;
  const rows = await pool.query("SELECT * FROM t WHERE id = " + id);
  const ua = context.req.headers["user-agent"];
  await pool.query(`INSERT INTO visits (ua) VALUES ('${ua}')`);
  return { props: { rows } };
}
"""
    assert flows(props, "pages/t.js") == {("sql-injection", 3), ("sql-injection", 5)}
    action = """\
"use server";
export async function rename(formData: FormData) {
  const name = formData.get("name");
  await db.execute(`UPDATE users SET name = '${name}'`);
  await db.execute("UPDATE users SET name = ?", [name]);
}
"""
    assert flows(action, "app/actions.ts") == {("sql-injection", 4)}
