package users

import (
	"database/sql"
	"fmt"
)

// db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = '%s'", id)) and jwt.Parse(token)
const doc = "import github.com/golang-jwt/jwt/v5 and bcrypt.GenerateFromPassword"

func Find(db *sql.DB, id string) {
	rows, _ := db.Query("SELECT * FROM users WHERE id = $1", id)
	msg := fmt.Sprintf("SELECT * FROM users WHERE id = '%s'", id)
	fmt.Println(msg, rows)
	db.QueryRow(`SELECT name FROM users WHERE id = ?`, id)
	q := "SELECT * FROM users WHERE name = $1"
	db.Query(q, id)
	pattern := "%" + id + "%"
	db.Where("name LIKE ?", pattern).Find(&users)
	db.Where("name LIKE ?", "%"+id+"%").Find(&users)
}
