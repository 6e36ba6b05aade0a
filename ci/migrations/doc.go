// Package migrations reads the SQL that `php artisan migrate --pretend`
// prints (pretend.go) and finds the contract steps in it (contract.go):
// statements that drop or rename a column or table, or make a column NOT
// NULL without a default, which the release still serving may depend on.
// It is pure Go: the deploy runs the pretend task and refuses a release
// with contract steps unless told to allow them.
package migrations
