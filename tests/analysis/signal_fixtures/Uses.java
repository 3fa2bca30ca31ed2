package com.example.auth;

import io.jsonwebtoken.Jwts; // expect: jwt
import java.security.MessageDigest; // expect: crypto
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder; // expect: password
import com.stripe.Stripe; // expect: payments

class Uses {
  String token(String id, Statement stmt, JdbcTemplate jdbc, HttpServletRequest req) throws Exception {
    String t = Jwts.builder().setSubject(id).compact(); // expect: jwt
    MessageDigest md = MessageDigest.getInstance("SHA-256"); // expect: crypto
    String h = new BCryptPasswordEncoder().encode(id); // expect: password
    stmt.executeQuery("SELECT * FROM users WHERE id = '" + id + "'"); // expect: raw_sql
    jdbc.queryForList(String.format("SELECT name FROM users WHERE id = %s", id)); // expect: raw_sql
    req.getSession().setAttribute("user", id); // expect: session
    Stripe.apiKey = key; // expect: payments
    String query = "SELECT * FROM user_data WHERE last_name = '" + id + "'";
    stmt.executeQuery(query); // expect: raw_sql
    try (Statement inner = connection.createStatement()) {
      inner.executeQuery(query); // expect: raw_sql
    }
    return t;
  }
}
