using System.Collections.Generic;

namespace App.Controllers;

// db.Users.FromSqlRaw($"SELECT * FROM Users WHERE Name = '{id}'"); SHA256.Create()
public class UsersController : Controller
{
    public IActionResult Show(string id, AppDb db)
    {
        var doc = "using System.Security.Cryptography; JwtSecurityTokenHandler";
        var users = db.Users.FromSqlRaw("SELECT * FROM Users WHERE Name = {0}", id);
        var same = db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {id}");
        var label = $"user {id}";
        var sql = "SELECT * FROM Users WHERE Name = @name";
        var cmd = new SqlCommand(sql, conn);
        return Ok(users);
    }
}
