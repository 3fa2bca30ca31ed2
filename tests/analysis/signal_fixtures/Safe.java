package com.example.users;

import java.security.Principal;
import java.util.List;

class Safe {
  // stmt.executeQuery("SELECT * FROM users WHERE id = " + id); Jwts.builder()
  String name = "import io.jsonwebtoken.Jwts; MessageDigest.getInstance()";

  List<String> find(String id, JdbcTemplate jdbc, PreparedStatement ps, Principal who) throws Exception {
    jdbc.queryForList("SELECT name FROM users WHERE id = ?", id);
    ps.executeQuery();
    String label = "user " + id;
    logger.update("SELECT " + id);
    String query = "SELECT * FROM user_data WHERE last_name = ?";
    jdbc.queryForList(query, id);
    return jdbc.query("SELECT name FROM users", mapper);
  }
}
