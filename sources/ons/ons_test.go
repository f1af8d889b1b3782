package ons_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/ons"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

// demoFile writes the demo sample's file ending in name to a temporary directory.
func demoFile(t testing.TB, name string) string {
	t.Helper()
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Find(name)
	if !ok {
		t.Fatalf("the demo sample has no %s", name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, f.Body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInfo(t *testing.T) { sourcestest.TestInfo(t, ons.Population{}) }

func TestLoadMYE2Workbook(t *testing.T) {
	sourcestest.TestLoad(t, ons.Population{}, demoFile(t, "mye19tablesew.xlsx"), sources.Options{})
}

func TestLoadMYEB1Workbook(t *testing.T) {
	sourcestest.TestLoad(t, ons.Population{}, demoFile(t, fmt.Sprintf("myebtablesenglandwales2011%d.xlsx", demo.MYEB1Last)), sources.Options{})
}

// FuzzLoad feeds arbitrary bytes named as an MYE2 CSV through the real ingest driver. Seeds: the
// head of the real MYE2 - Persons sheet when ../shared/reference is present, and a hand-written
// one in the same layout.
func FuzzLoad(f *testing.F) {
	seeds := [][]byte{[]byte("Code,Name,Geography,All ages,0,1\nE06000001,Hartlepool,Unitary Authority,92338,1000,1001\n")}
	if ref, ok := config.ReferenceDir(filepath.Join("..", "..")); ok {
		if b, err := os.ReadFile(filepath.Join(ref, "population_geography", "mye24tablesew_MYE2-Persons.csv")); err == nil {
			seeds = append(seeds, b[:min(len(b), 4096)])
		}
	}
	sourcestest.Fuzz(f, ons.Population{}, "mye24tablesew_MYE2-Persons.csv", sources.Options{}, seeds...)
}
