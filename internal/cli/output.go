package cli

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
)

// writeRows prints query results as csv, json (an array of objects) or an aligned table.
func writeRows(w io.Writer, rows *sql.Rows, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var records [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading rows: %w", err)
		}
		records = append(records, vals)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("running query: %w", err)
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return err
		}
		for _, r := range records {
			out := make([]string, len(r))
			for i, v := range r {
				out[i] = text(v)
			}
			if err := cw.Write(out); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(records))
		for _, r := range records {
			m := map[string]any{}
			for i, v := range r {
				m[cols[i]] = jsonValue(v)
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head := make([]string, len(cols))
		for i, c := range cols {
			head[i] = tableCell(c)
		}
		fmt.Fprintln(tw, strings.Join(head, "\t"))
		seps := make([]string, len(cols))
		for i, c := range head {
			seps[i] = strings.Repeat("-", max(3, utf8.RuneCountInString(c)))
		}
		fmt.Fprintln(tw, strings.Join(seps, "\t"))
		for _, r := range records {
			out := make([]string, len(r))
			for i, v := range r {
				out[i] = tableCell(text(v))
				if v == nil {
					out[i] = "NULL"
				}
			}
			fmt.Fprintln(tw, strings.Join(out, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "(%d row%s)\n", len(records), plural(len(records)))
		return nil
	}
}

// tableCell makes a value safe for one cell of an aligned table on a terminal: tabs and newlines
// become spaces and control characters are escaped (safetext.Terminal), so data can neither break
// the columns nor send escape codes to the terminal.
func tableCell(s string) string {
	return safetext.Terminal(strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// text renders one value for CSV and tables.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, float64, string:
		return x
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case []byte:
		return string(x)
	}
	return text(v)
}
