package sources

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The older-release guard. A publisher's index can go backwards (a cache serving yesterday's
// page, a release withdrawn and its predecessor relinked as "latest"); loading what it offers
// would silently replace newer data with older. Releases are ordered by publication date when
// both have one, else by vintage in natural order ("mid-2023" < "mid-2024", "2023-24" < "2024-25").

// relOrder is what orders releases of one dataset.
type relOrder struct {
	Vintage   string
	Published time.Time
}

func (o relOrder) String() string {
	if o.Published.IsZero() {
		return o.Vintage
	}
	return o.Vintage + " (published " + o.Published.UTC().Format("2006-01-02") + ")"
}

// compareRelease orders a and b: -1 when a is older, 1 when newer, 0 when equal; ok is false
// when they cannot be compared.
func compareRelease(a, b relOrder) (c int, ok bool) {
	if !a.Published.IsZero() && !b.Published.IsZero() {
		return a.Published.Compare(b.Published), true
	}
	if a.Vintage != "" && b.Vintage != "" {
		return compareNatural(a.Vintage, b.Vintage), true
	}
	return 0, false
}

// compareNatural compares strings piece by piece, runs of digits as numbers.
func compareNatural(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return strings.Compare(strings.ToLower(a[:1]), strings.ToLower(b[:1]))
		}
		a, b = a[1:], b[1:]
	}
	return strings.Compare(a, b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// newestOffered returns the newest release discovery offered of each dataset (by what discovery
// already says: publication date or vintage).
func newestOffered(releases []Release) map[string]relOrder {
	out := map[string]relOrder{}
	for _, r := range releases {
		o := relOrder{Vintage: r.Vintage, Published: r.Published}
		cur, seen := out[r.Dataset]
		if !seen {
			out[r.Dataset] = o
			continue
		}
		if c, ok := compareRelease(o, cur); ok && c > 0 {
			out[r.Dataset] = o
		}
	}
	return out
}

// checkOlder refuses a discovered release that is older than what is held of its dataset: an
// older copy of a vintage held in a later revision, or a release older than the newest held when
// the publisher no longer offers anything as new. offered is newestOffered of the discovery (nil
// for a --from file). A --from file may be older on purpose: it passes, with a note returned.
func (env *Env) checkOlder(ctx context.Context, info Info, rel Release, offered map[string]relOrder, fromFile bool) (note string, err error) {
	rows, err := env.DB.Query(ctx, `SELECT vintage, published_at FROM meta.releases WHERE source = ? AND dataset = ?`, info.ID, rel.Dataset)
	if err != nil {
		return "", fmt.Errorf("reading meta.releases: %w", err)
	}
	defer rows.Close()
	this := relOrder{Vintage: rel.Vintage, Published: rel.Published}
	var newest *relOrder
	var problem string
	for rows.Next() {
		var h relOrder
		var pub sql.NullTime
		if err := rows.Scan(&h.Vintage, &pub); err != nil {
			return "", fmt.Errorf("reading meta.releases: %w", err)
		}
		if pub.Valid {
			h.Published = pub.Time
		}
		if h.Vintage == rel.Vintage && !h.Published.IsZero() && !rel.Published.IsZero() && rel.Published.Before(h.Published) {
			problem = fmt.Sprintf("%s %s published %s is older than the copy held, published %s", rel.Dataset, rel.Vintage,
				rel.Published.UTC().Format("2006-01-02"), h.Published.UTC().Format("2006-01-02"))
		}
		if newest == nil {
			newest = &h
		} else if c, ok := compareRelease(h, *newest); ok && c > 0 {
			newest = &h
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading meta.releases: %w", err)
	}
	if problem == "" && newest != nil && newest.Vintage != rel.Vintage {
		if c, ok := compareRelease(this, *newest); ok && c < 0 {
			// Older than the newest held: history is fine while the publisher still lists the
			// newer release; if nothing offered is as new, the index went backwards.
			best, known := offered[rel.Dataset]
			if !known || best.Vintage == "" && best.Published.IsZero() {
				best = this
			}
			if c, ok := compareRelease(best, *newest); !ok || c < 0 {
				problem = fmt.Sprintf("%s %s is older than %s %s held, and the publisher no longer lists anything as new",
					rel.Dataset, this, rel.Dataset, newest)
			}
		}
	}
	if problem == "" {
		return "", nil
	}
	if fromFile {
		return problem + "; loaded because the file was named with --from", nil
	}
	return "", fmt.Errorf("%w: %s", ErrOlderRelease, problem)
}
