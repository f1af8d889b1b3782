package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"regexp"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// statementKinds names the statements ReadQuery refuses, for its message.
var statementKinds = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE", duckdb.STATEMENT_TYPE_DELETE: "DELETE",
	duckdb.STATEMENT_TYPE_EXPLAIN: "EXPLAIN", duckdb.STATEMENT_TYPE_PREPARE: "PREPARE", duckdb.STATEMENT_TYPE_CREATE: "CREATE",
	duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE", duckdb.STATEMENT_TYPE_ALTER: "ALTER", duckdb.STATEMENT_TYPE_TRANSACTION: "transaction",
	duckdb.STATEMENT_TYPE_COPY: "COPY", duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE", duckdb.STATEMENT_TYPE_VARIABLE_SET: "SET VARIABLE",
	duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE FUNCTION", duckdb.STATEMENT_TYPE_DROP: "DROP", duckdb.STATEMENT_TYPE_EXPORT: "EXPORT",
	duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA", duckdb.STATEMENT_TYPE_VACUUM: "VACUUM", duckdb.STATEMENT_TYPE_CALL: "CALL",
	duckdb.STATEMENT_TYPE_SET: "SET", duckdb.STATEMENT_TYPE_LOAD: "LOAD/INSTALL", duckdb.STATEMENT_TYPE_EXTENSION: "extension",
	duckdb.STATEMENT_TYPE_ATTACH: "ATTACH", duckdb.STATEMENT_TYPE_DETACH: "DETACH",
}

// ReadQuery runs one query typed by a person (`cornerstone sql`). It refuses, with a *QueryError,
// anything but a single SELECT statement (SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE and SUMMARIZE
// are all SELECTs to DuckDB), before running it; on a warehouse opened QueryOnly, DuckDB's refusal
// of a file or URL (COPY TO, read_text, ATTACH) is a *QueryError too, and a function of an
// extension that is not built in is an *ExtensionError. The caller closes the rows.
func (db *DB) ReadQuery(ctx context.Context, query string) (*sql.Rows, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var kind duckdb.StmtType
	err = conn.Raw(func(dc any) error {
		// Prepare (unlike PrepareContext) refuses several statements instead of running all but
		// the last, and preparing binds without running anything.
		st, err := dc.(*duckdb.Conn).Prepare(query)
		if err != nil {
			return err
		}
		defer st.Close()
		kind, err = st.(*duckdb.Stmt).StatementType()
		return err
	})
	conn.Close()
	if err != nil {
		var de *duckdb.Error
		if !errors.As(err, &de) {
			// The driver's own refusal: an empty text, or more than one statement.
			return nil, &QueryError{Statements: true}
		}
		return nil, queryError(err)
	}
	if kind != duckdb.STATEMENT_TYPE_SELECT {
		name, ok := statementKinds[kind]
		if !ok {
			name = "non-query"
		}
		return nil, &QueryError{Kind: name}
	}
	rows, err := db.sql.QueryContext(ctx, query)
	if err != nil {
		return nil, queryError(err)
	}
	return rows, nil
}

// extensionRe finds the extension DuckDB names when a function or type lives in one that is not
// loaded ("... is not in the catalog, but it exists in the spatial extension.", "File https://…
// requires the extension httpfs to be loaded").
var extensionRe = regexp.MustCompile(`exists in the ([A-Za-z0-9_]+) extension|requires the extension ([A-Za-z0-9_]+)`)

// queryError turns DuckDB's refusals into the package's typed errors.
func queryError(err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return err
	}
	switch {
	case de.Type == duckdb.ErrorTypePermission:
		return &QueryError{Err: err}
	case de.Type == duckdb.ErrorTypeMissingExtension || de.Type == duckdb.ErrorTypeCatalog || de.Type == duckdb.ErrorTypeAutoLoad:
		if m := extensionRe.FindStringSubmatch(de.Msg); m != nil {
			return &ExtensionError{Name: m[1] + m[2], Err: err}
		}
	}
	return err
}
