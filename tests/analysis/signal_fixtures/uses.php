<?php
namespace App\Http\Controllers;

use Firebase\JWT\JWT; // expect: jwt
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Hash; // expect: password

class AuthController
{
    public function login($request, $pdo, $id)
    {
        $token = JWT::encode(['sub' => $id], $key, 'HS256'); // expect: jwt
        $hash = password_hash($request->password, PASSWORD_DEFAULT); // expect: password
        $ok = Hash::check($request->password, $hash); // expect: password
        $_SESSION['user'] = $id; // expect: session
        $mac = hash_hmac('sha256', $id, $key); // expect: crypto
        $stripe = new \Stripe\StripeClient($key); // expect: payments
        $rows = $pdo->query("SELECT * FROM users WHERE id = $id"); // expect: raw_sql
        $more = mysqli_query($conn, "SELECT * FROM orders WHERE user = '" . $id . "'"); // expect: raw_sql
        $users = DB::select(sprintf("SELECT * FROM users WHERE id = %d", $id)); // expect: raw_sql
        $q = DB::table('users')->whereRaw("name = '" . $request->name . "'")->get(); // expect: raw_sql
        $sql = "SELECT * FROM users WHERE name = '" . $request->name . "'";
        $sql .= " AND active = 1";
        $found = $pdo->query($sql); // expect: raw_sql
        return $token;
    }
}
