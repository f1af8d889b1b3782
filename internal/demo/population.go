package demo

import (
	"hash/fnv"
	"math"
	"sort"
	"strings"
)

// The population model: every published figure is a sum over "base units", the districts and
// unitaries that were never formed from others. Counties and merged unitaries are sums of their
// base units, so the sample is consistent across boundaries, as the real estimates are.

// exists reports whether an area existed on date (YYYY-MM-DD).
func (a Area) exists(date string) bool {
	return (a.Start == "" || a.Start <= date) && (a.End == "" || a.End > date)
}

type popModel struct {
	areas  []Area
	byReg  map[string]Area
	byCode map[string]Area
	bases  map[string][]string  // area code -> base unit codes
	shares map[string][]float64 // base unit code -> its age profile
}

func newPopModel(areas []Area) *popModel {
	m := &popModel{areas: areas, byReg: ByRegister(areas), byCode: map[string]Area{}, bases: map[string][]string{}, shares: map[string][]float64{}}
	for _, a := range areas {
		m.byCode[a.Code] = a
	}
	for _, a := range areas {
		m.bases[a.Code] = m.baseUnits(a, map[string]bool{})
	}
	return m
}

// predecessors are the non-county areas whose successors include a.
func (m *popModel) predecessors(a Area) []Area {
	var out []Area
	for _, p := range m.areas {
		if p.Type == "CTY" {
			continue
		}
		for _, r := range strings.Split(p.ReplacedBy, ",") {
			if r == a.Register {
				out = append(out, p)
			}
		}
	}
	return out
}

func (m *popModel) baseUnits(a Area, seen map[string]bool) []string {
	if seen[a.Code] {
		return nil
	}
	seen[a.Code] = true
	var out []string
	switch {
	case a.Type == "CTY":
		for _, d := range m.areas {
			if d.County == a.Register {
				out = append(out, m.baseUnits(d, seen)...)
			}
		}
	case len(m.predecessors(a)) > 0:
		for _, p := range m.predecessors(a) {
			out = append(out, m.baseUnits(p, seen)...)
		}
	default:
		out = []string{a.Code}
	}
	sort.Strings(out)
	return out
}

func hash01(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return float64(h.Sum64()%1_000_000) / 1_000_000
}

// unitTotal is a base unit's synthetic all-ages population in a mid-year.
func (m *popModel) unitTotal(code string, year int) float64 {
	a := m.byCode[code]
	var lo, hi float64
	switch a.Type {
	case "MD":
		lo, hi = 220_000, 560_000
	case "LBO":
		lo, hi = 200_000, 390_000
	case "UA":
		lo, hi = 90_000, 470_000
	default:
		lo, hi = 45_000, 160_000
	}
	base := lo + (hi-lo)*hash01(code, "size")
	growth := 0.001 + 0.009*hash01(code, "growth")
	return base * math.Pow(1+growth, float64(year-2011))
}

// ageShare is the share of the population at a single year of age (90 = 90+); it sums to 1.
var ageShares = func() []float64 {
	w := make([]float64, 91)
	var sum float64
	for age := 0; age <= 90; age++ {
		x := float64(age)
		v := 1.25 - 0.25*math.Exp(-math.Pow((x-22)/6, 2)) + 0.15*math.Exp(-math.Pow((x-55)/10, 2))
		if x > 60 {
			v *= math.Exp(-(x - 60) / 18)
		}
		if age == 90 {
			v *= 4.5 // open-ended 90+
		}
		w[age] = v
		sum += v
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}()

// unitCount is a base unit's population by year, sex (1 male, 2 female) and single year of age.
func (m *popModel) unitCount(code string, year, sex, age int) int64 {
	femaleShare := 0.49 + 0.02*hash01(code, "sex") + 0.12*math.Max(0, float64(age-70))/20
	share := 1 - femaleShare
	if sex == 2 {
		share = femaleShare
	}
	return int64(math.Round(m.unitTotal(code, year) * m.unitAgeShares(code)[age] * share))
}

// unitAgeShares tilts the common age profile towards the old or the young, by a fixed amount per
// base unit, so that areas differ in age structure as real ones do; it sums to 1.
func (m *popModel) unitAgeShares(code string) []float64 {
	if w, ok := m.shares[code]; ok {
		return w
	}
	tilt := 0.9 * (hash01(code, "age") - 0.5)
	w := make([]float64, len(ageShares))
	var sum float64
	for age, v := range ageShares {
		w[age] = v * (1 + tilt*(float64(age)-40)/50)
		sum += w[age]
	}
	for i := range w {
		w[i] /= sum
	}
	m.shares[code] = w
	return w
}

// count sums an area's base units (sex 0 = persons).
func (m *popModel) count(code string, year, sex, age int) int64 {
	var n int64
	for _, u := range m.bases[code] {
		if sex == 0 {
			n += m.unitCount(u, year, 1, age) + m.unitCount(u, year, 2, age)
		} else {
			n += m.unitCount(u, year, sex, age)
		}
	}
	return n
}

// total is an area's all-ages persons count.
func (m *popModel) total(code string, year int) int64 {
	var n int64
	for age := 0; age <= 90; age++ {
		n += m.count(code, year, 0, age)
	}
	return n
}
