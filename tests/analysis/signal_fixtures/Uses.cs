using System.Security.Cryptography; // expect: crypto
using System.IdentityModel.Tokens.Jwt; // expect: jwt
using Stripe; // expect: payments

namespace App.Controllers;

public class AuthController : Controller
{
    public IActionResult Login(string id, AppDb db, SqlConnection conn)
    {
        var handler = new JwtSecurityTokenHandler(); // expect: jwt
        var digest = SHA256.Create(); // expect: crypto
        var hash = BCrypt.Net.BCrypt.HashPassword(id); // expect: password
        HttpContext.Session.SetString("user", id); // expect: session
        var cmd = new SqlCommand("SELECT * FROM Users WHERE Id = '" + id + "'", conn); // expect: raw_sql
        db.Users.FromSqlRaw($"SELECT * FROM Users WHERE Name = '{id}'"); // expect: raw_sql
        db.Database.ExecuteSqlRaw(string.Format("DELETE FROM Users WHERE Id = {0}", id)); // expect: raw_sql
        var service = new ChargeService(); // expect: payments
        var sql = "SELECT * FROM Users WHERE Name = '" + id + "'";
        var reader = new SqlCommand(sql, conn); // expect: raw_sql
        return Ok();
    }
}
