package auth

import (
	"crypto/sha256" // expect: crypto
	"database/sql"
	"fmt"

	"github.com/golang-jwt/jwt/v5"              // expect: jwt
	"golang.org/x/crypto/bcrypt"                // expect: password crypto
	"github.com/gorilla/sessions"               // expect: session
	stripe "github.com/stripe/stripe-go/v76"    // expect: payments
)

func Login(db *sql.DB, id string) {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims) // expect: jwt
	sum := sha256.Sum256([]byte(id)) // expect: crypto
	hash, _ := bcrypt.GenerateFromPassword([]byte(id), 12) // expect: password crypto
	store := sessions.NewCookieStore(key) // expect: session
	stripe.Key = key // expect: payments
	rows, _ := db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = '%s'", id)) // expect: raw_sql
	db.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = "+id) // expect: raw_sql
	q := "SELECT * FROM users WHERE name = '" + id + "'"
	db.Query(q) // expect: raw_sql
	_, _, _, _ = tok, sum, hash, store
}
