package mhclg_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/mhclg"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

const file10 = "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx"

func TestDeprivationInfo(t *testing.T) { sourcestest.TestInfo(t, mhclg.Deprivation{}) }

func TestLoadDeprivationDemo(t *testing.T) {
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Find(file10)
	if !ok {
		t.Fatal("the demo sample has no IoD2019 File 10")
	}
	path := filepath.Join(t.TempDir(), file10)
	if err := os.WriteFile(path, f.Body, 0o644); err != nil {
		t.Fatal(err)
	}
	sourcestest.TestLoad(t, mhclg.Deprivation{}, path, sources.Options{})
}

func TestLoadDeprivationReal(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real IoD2019 File 10")
	}
	sourcestest.TestLoad(t, mhclg.Deprivation{}, filepath.Join(ref, "population_geography", file10), sources.Options{})
}

// FuzzDeprivation feeds arbitrary bytes named as File 10 through the real ingest driver.
func FuzzDeprivation(f *testing.F) {
	var seeds [][]byte
	if s, err := demo.Generate(); err == nil {
		if file, ok := s.Find(file10); ok {
			seeds = append(seeds, file.Body)
		}
	}
	sourcestest.Fuzz(f, mhclg.Deprivation{}, file10, sources.Options{}, seeds...)
}
