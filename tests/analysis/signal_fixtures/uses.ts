import jwt from "jsonwebtoken"; // expect: jwt
import { createHash } from "node:crypto"; // expect: crypto
const bcrypt = require("bcryptjs"); // expect: password
import Stripe from "stripe"; // expect: payments

export async function login(req: Request, db: Pool, id: string) {
  const token = jwt.sign({ sub: id }, secret); // expect: jwt
  const digest = createHash("sha256"); // expect: crypto
  const ok = await bcrypt.compare(pw, hash); // expect: password
  const rows = await db.query(`SELECT * FROM users WHERE id = ${id}`); // expect: raw_sql
  const more = await db.query("SELECT * FROM orders WHERE user_id = '" + id + "'"); // expect: raw_sql
  await knex("users").whereRaw("name = " + name); // expect: raw_sql
  await prisma.$queryRawUnsafe(query); // expect: raw_sql
  const stripe = new Stripe(key); // expect: payments
  req.session.userId = id; // expect: session
  const sql = "SELECT * FROM users WHERE name = '" + name + "'";
  await db.query(sql); // expect: raw_sql
  return token;
}
