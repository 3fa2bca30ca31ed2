// jwt.sign(payload) and db.query(`SELECT * FROM t WHERE id = ${id}`) in a comment
import { sign } from "./local-signing";
const doc = "call jwt.sign() or require('jsonwebtoken') and stripe.charges.create()";

export function encrypt(value: string): string {
  return value;
}

export async function list(db: Pool, id: string, api: Client) {
  const rows = await db.query("SELECT * FROM users WHERE id = $1", [id]);
  const text = `SELECT * FROM users WHERE id = ${id}`.length;
  await api.get(`/api/delete/${id}`);
  const signed = sign(id);
  const agent = req.headers["user-agent"];
  const session = db.session; // a database session, not the user's
  const total = "a" + "b";
  square.setAttribute("x", 2); // an unbound local named like a payment SDK

  const sql = "SELECT * FROM users WHERE name = $1";
  await db.query(sql, [name]);
  return db.query(`SELECT count(*) FROM users`);
}
