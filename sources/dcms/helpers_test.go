package dcms

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
)

// collected is one row a reader emitted.
type collected struct {
	file, sheet string
	row         int
	vals        []any
}

// collector gathers emitted rows, checking each has want values.
type collector struct {
	want int
	rows []collected
}

func (c *collector) emit(file, sheet string, row int, vals ...any) error {
	if len(vals) != c.want {
		return fmt.Errorf("emitted %d values, table has %d columns", len(vals), c.want)
	}
	c.rows = append(c.rows, collected{file, sheet, row, append([]any(nil), vals...)})
	return nil
}

// referenceFile returns a file under ../shared/reference or skips the test.
func referenceFile(t *testing.T, rel string) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	dir, ok := config.ReferenceDir(root)
	if !ok {
		t.Skipf("reference folder %s absent: conformance against the real DCMS files not run", dir)
	}
	p := filepath.Join(dir, rel)
	if _, err := filepath.Glob(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		if x == nil {
			return ""
		}
		return *x
	}
	return fmt.Sprint(v)
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return 0, false
		}
		return *x, true
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func date(v any) time.Time { t, _ := v.(time.Time); return t }

var bg = context.Background()
