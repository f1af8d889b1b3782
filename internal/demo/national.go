package demo

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The national-scale sample: the demo sample's real areas plus synthetic councils so that the
// sample holds as many English authorities of each type as England has (about 300 current
// councils: 21 counties, about 164 non-metropolitan districts, 36 metropolitan districts, 33
// London boroughs, 62 unitaries) and a synthetic 2020 reorganisation (a county and its districts
// replaced by a unitary). Synthetic councils have GSS codes of the real shapes (E06, E07, E08,
// E09, E10 followed by six digits) in ranges no real authority uses (E06000100 upwards and so on),
// register codes starting with Q, X or Z, E-codes E9xxx, and made-up place names, so they can
// never be mistaken for real councils. The list is the same on every call.

// National sample sizes: current councils of each type in England (counting the sample's own).
const (
	nationalUA  = 62
	nationalCTY = 21
	nationalMD  = 36
	nationalLBO = 33
	nationalNMD = 164
)

var (
	placeHeads = []string{"Ash", "Bram", "Cal", "Dun", "Ell", "Fen", "Glen", "Hol", "Kings", "Lang", "Mar", "Nether",
		"Oak", "Pen", "Red", "Stan", "Thorn", "Up", "Wen", "Whit", "Brack", "Cold", "Elm", "Hart"}
	placeTails = []string{"bury", "ford", "ham", "ley", "mouth", "field", "wick", "ton", "dale", "stead", "worth",
		"minster", "brook", "by", "borough"}
	nationalRegions = []string{"North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
		"East of England", "South East", "South West"}
	metRegions = []string{"North East", "North West", "Yorkshire and The Humber", "West Midlands"}
)

// NationalAreas returns the national-scale area list: SampleAreas first, then the synthetic
// councils. Deterministic.
func NationalAreas() []Area {
	out := append([]Area{}, SampleAreas...)
	count := map[string]int{}
	for _, a := range SampleAreas {
		if a.Current() {
			count[a.Type]++
		}
	}
	names := map[string]bool{}
	for _, a := range SampleAreas {
		names[a.Name] = true
	}
	nameIdx := 0
	nextName := func() string {
		for {
			h, t := placeHeads[nameIdx%len(placeHeads)], placeTails[(nameIdx/len(placeHeads)+nameIdx)%len(placeTails)]
			nameIdx++
			n := h + t
			if nameIdx > len(placeHeads)*len(placeTails) {
				n = fmt.Sprintf("%s %d", n, nameIdx/(len(placeHeads)*len(placeTails))+1)
			}
			if !names[n] {
				names[n] = true
				return n
			}
		}
	}
	reg := 0
	nextRegister := func() string {
		letters := "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		prefix := "QXZ"[reg/(26*26)]
		c := fmt.Sprintf("%c%c%c", prefix, letters[(reg/26)%26], letters[reg%26])
		reg++
		return c
	}
	ecode := 0
	nextECode := func() string { ecode++; return fmt.Sprintf("E9%03d", ecode) }
	serial := map[string]int{"E06": 100, "E07": 300, "E08": 40, "E09": 40, "E10": 40}
	nextCode := func(prefix string) string {
		serial[prefix]++
		return fmt.Sprintf("%s%06d", prefix, serial[prefix])
	}
	add := func(typ, region, official string, a Area) Area {
		a.Type, a.Region, a.Register, a.ECode = typ, region, nextRegister(), nextECode()
		if a.Name == "" {
			a.Name = nextName()
		}
		a.Official = fmt.Sprintf(official, a.Name)
		out = append(out, a)
		return a
	}
	for i := count["UA"]; i < nationalUA; i++ {
		add("UA", nationalRegions[i%len(nationalRegions)], "%s Council", Area{Code: nextCode("E06"), Start: "2009-04-01"})
	}
	for i := count["MD"]; i < nationalMD; i++ {
		add("MD", metRegions[i%len(metRegions)], "%s Metropolitan Borough Council", Area{Code: nextCode("E08"), Start: "1974-04-01"})
	}
	for i := count["LBO"]; i < nationalLBO; i++ {
		add("LBO", "London", "London Borough of %s", Area{Code: nextCode("E09")})
	}
	// Counties with their districts: the districts still needed shared out among the new counties.
	counties := nationalCTY - count["CTY"]
	districts := nationalNMD - count["NMD"]
	for i := 0; i < counties; i++ {
		region := nationalRegions[(i*3+5)%len(nationalRegions)]
		if region == "North East" {
			region = "East of England"
		}
		cty := add("CTY", region, "%s County Council", Area{Code: nextCode("E10")})
		n := districts / (counties - i)
		districts -= n
		for range n {
			add("NMD", region, "%s District Council", Area{Code: nextCode("E07"), County: cty.Register})
		}
	}
	// A 2020 reorganisation: a county and five districts replaced by a new unitary.
	region := "South East"
	uni := add("UA", region, "%s Council", Area{Code: nextCode("E06"), Start: "2020-04-01"})
	oldCty := add("CTY", region, "%s County Council", Area{Code: nextCode("E10"), End: "2020-04-01", ReplacedBy: uni.Register})
	for range 5 {
		add("NMD", region, "%s District Council", Area{Code: nextCode("E07"), End: "2020-04-01", ReplacedBy: uni.Register, County: oldCty.Register})
	}
	return out
}

// NationalGrantsURL is the dataset the national sample replaces with its large grants file: Arts
// Council England's 2024-25 CSV in the 360Giving registry.
const NationalGrantsURL = "https://www.artscouncil.org.uk/sites/default/files/360giving/ace_grants_2024-25.csv"

// nationalVersion changes whenever the national grants file's content would change, so cached
// files from older generators are not reused.
const nationalVersion = "1"

// GenerateNational builds a large sample: every generator run over areas (NationalAreas for the
// national scale), the revenue time series from 2010-11, and Arts Council England's 2024-25
// 360Giving CSV replaced by a file of grants rows written (streaming) into dir. The file is cached by content: a file
// from an earlier call with the same parameters is reused. Deterministic.
func GenerateNational(dir string, areas []Area, grants int) (*Sample, error) {
	g := &generator{areas: areas, seriesFrom: 2010}
	s, err := generate(g)
	if err != nil {
		return nil, err
	}
	path, tag, err := NationalGrantsCSV(dir, g.areas, grants)
	if err != nil {
		return nil, err
	}
	k, err := Key(NationalGrantsURL)
	if err != nil {
		return nil, err
	}
	old, ok := s.Files[k]
	if !ok {
		return nil, fmt.Errorf("generating the national sample: %s is not in the sample", NationalGrantsURL)
	}
	s.Files[k] = File{ContentType: old.ContentType, Modified: old.Modified, Path: path, ETag: tag}
	return s, nil
}

// NationalGrantsCSV writes (or reuses) dir/national_grants_N_<hash>.csv: n synthetic Arts Council
// England grants over the current lower-tier areas of areas, 2010-11 to 2024-25, as a flattened
// 360Giving CSV with spaced titles and two beneficiary locations. It returns the path and the
// file's entity tag. Memory stays bounded whatever n.
func NationalGrantsCSV(dir string, areas []Area, n int) (path, tag string, err error) {
	var lower []Area
	for _, a := range areas {
		if a.Type != "CTY" && a.Current() {
			lower = append(lower, a)
		}
	}
	if len(lower) == 0 || n <= 0 {
		return "", "", fmt.Errorf("generating national grants: %d areas, %d grants", len(lower), n)
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s|%d", nationalVersion, n)
	for _, a := range lower {
		fmt.Fprintf(key, "|%s=%s", a.Code, a.Name)
	}
	path = filepath.Join(dir, fmt.Sprintf("national_grants_%d_%s.csv", n, hex.EncodeToString(key.Sum(nil))[:12]))
	if b, err := os.ReadFile(path + ".etag"); err == nil {
		if _, err := os.Stat(path); err == nil {
			return path, strings.TrimSpace(string(b)), nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".national_grants_*.csv")
	if err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, sum), 1<<20)
	if err := writeNationalGrants(bw, lower, n); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	tag = `"` + hex.EncodeToString(sum.Sum(nil)[:8]) + `"`
	if err := os.WriteFile(path+".etag", []byte(tag+"\n"), 0o644); err != nil {
		return "", "", fmt.Errorf("generating national grants: %w", err)
	}
	return path, tag, nil
}

// writeNationalGrants streams n grants, spread evenly over areas and the years 2010-2024.
func writeNationalGrants(w io.Writer, areas []Area, n int) error {
	const maxBen = 2
	cw := csv.NewWriter(w)
	var rec []string
	rec = csvRecord(grantsHeader(maxBen, FlatSpaced), rec)
	if err := cw.Write(rec); err != nil {
		return err
	}
	per := (n + len(areas) - 1) / len(areas)
	written := 0
	for i := 0; i < per && written < n; i++ {
		year := 2010 + i%15
		for _, a := range areas {
			if written == n {
				break
			}
			written++
			g := demoGrant(a, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "National Lottery Project Grants", i, year,
				fmt.Sprintf("360G-ACE-NAT-%08d", written))
			rec = csvRecord(grantRow(g, maxBen), rec)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// NationalGrantsJSON writes (or reuses) dir/national_grants_<bytes>_<hash>.json: a 360Giving JSON
// package {"grants": [...]} of at least size bytes, of the same synthetic grants as
// NationalGrantsCSV, indented as publishers' exports are. It returns the path. Memory stays
// bounded whatever size.
func NationalGrantsJSON(dir string, areas []Area, size int64) (string, error) {
	var lower []Area
	for _, a := range areas {
		if a.Type != "CTY" && a.Current() {
			lower = append(lower, a)
		}
	}
	if len(lower) == 0 || size <= 0 {
		return "", fmt.Errorf("generating national grants JSON: %d areas, %d bytes", len(lower), size)
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s|json|%d", nationalVersion, size)
	for _, a := range lower {
		fmt.Fprintf(key, "|%s=%s", a.Code, a.Name)
	}
	path := filepath.Join(dir, fmt.Sprintf("national_grants_%d_%s.json", size, hex.EncodeToString(key.Sum(nil))[:12]))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".national_grants_*.json")
	if err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	cw := &countWriter{w: bufio.NewWriterSize(tmp, 1<<20)}
	io.WriteString(cw, "{\n \"grants\": [")
	n := 0
	for i := 0; cw.n < size; i++ {
		year := 2010 + i%15
		for _, a := range lower {
			if cw.n >= size {
				break
			}
			n++
			g := demoGrant(a, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "National Lottery Project Grants", i, year,
				fmt.Sprintf("360G-ACE-NATJ-%08d", n))
			b, err := json.MarshalIndent(grantJSON(g), "  ", " ")
			if err != nil {
				return "", fmt.Errorf("generating national grants JSON: %w", err)
			}
			if n > 1 {
				io.WriteString(cw, ",")
			}
			io.WriteString(cw, "\n  ")
			cw.Write(b)
		}
	}
	io.WriteString(cw, "\n ]\n}\n")
	if cw.err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", cw.err)
	}
	if err := cw.w.(*bufio.Writer).Flush(); err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("generating national grants JSON: %w", err)
	}
	return path, nil
}

// countWriter counts bytes written and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
	return n, err
}
