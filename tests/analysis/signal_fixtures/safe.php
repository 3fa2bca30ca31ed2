<?php
namespace App\Http\Controllers\Auth;

// $pdo->query("SELECT * FROM users WHERE id = $id"); JWT::encode($p, $k)
class UserController
{
    public function encrypt($value)
    {
        return $value;
    }

    public function show($pdo, $id)
    {
        $doc = "use Firebase\JWT\JWT; password_hash(\$x) and \$_SESSION";
        $stmt = $pdo->prepare("SELECT * FROM users WHERE id = ?");
        $stmt->execute([$id]);
        $label = "user $id";
        $info = new ScanInformation(hash: $id, session: $label);
        $rows = DB::select('SELECT * FROM users WHERE id = ?', [$id]);
        $sql = "SELECT * FROM users WHERE name = ?";
        $again = $pdo->prepare($sql);
        return $rows;
    }
}
