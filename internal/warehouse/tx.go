package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is one open transaction on a dedicated connection. It is not safe for concurrent use.
type Tx struct {
	conn      *sql.Conn
	appenders []*Appender
}

// Update runs fn inside one transaction and commits when fn returns nil. When fn fails or panics,
// the transaction is rolled back, so every table is as it was, and the error (or panic) is passed
// on.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.readOnly {
		return ErrReadOnly
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	tx := &Tx{conn: conn}
	committed := false
	defer func() {
		if committed {
			return
		}
		for _, a := range tx.appenders {
			if a.bulk != nil {
				a.bulk.abort()
			}
		}
		tx.closeAppenders()
		// Roll back on a fresh context: the caller's may be cancelled already.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.closeAppenders(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	committed = true
	return nil
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.conn.ExecContext(ctx, query, args...)
}

// Query runs a query in the transaction; it sees the transaction's own writes. The caller closes
// the rows.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.conn.QueryContext(ctx, query, args...)
}

// QueryRow runs a query expected to return at most one row.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.conn.QueryRowContext(ctx, query, args...)
}

// Count returns the number of rows of schema.table inside the transaction.
func (tx *Tx) Count(ctx context.Context, schema, table string) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, "SELECT count(*) FROM "+Qualified(schema, table)).Scan(&n)
	return n, err
}

// TableExists reports whether schema.table exists (as a table or view).
func (tx *Tx) TableExists(ctx context.Context, schema, table string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, schema, table).Scan(&n)
	return n > 0, err
}

func (tx *Tx) closeAppenders() error {
	var errs []error
	for _, a := range tx.appenders {
		if err := a.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	tx.appenders = nil
	return errors.Join(errs...)
}
