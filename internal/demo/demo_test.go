package demo

import (
	"bytes"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) == 0 || len(a.Files) != len(b.Files) {
		t.Fatalf("%d vs %d files", len(a.Files), len(b.Files))
	}
	for k, f := range a.Files {
		if !bytes.Equal(f.Body, b.Files[k].Body) {
			t.Errorf("%s differs between runs", k)
		}
	}
}

func TestPopulationIsConsistentAcrossBoundaries(t *testing.T) {
	m := newPopModel(SampleAreas)
	// North Yorkshire (2023 unitary) equals its seven districts in 2019, before it existed.
	var sum int64
	for _, c := range []string{"E07000163", "E07000164", "E07000165", "E07000166", "E07000167", "E07000168", "E07000169"} {
		sum += m.total(c, 2019)
	}
	if got := m.total("E06000065", 2019); got != sum {
		t.Fatalf("North Yorkshire 2019 = %d, districts sum to %d", got, sum)
	}
	if got := m.total("E10000023", 2019); got != sum {
		t.Fatalf("North Yorkshire County 2019 = %d, districts sum to %d", got, sum)
	}
}
