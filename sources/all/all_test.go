package all_test

import (
	"testing"

	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/all"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

// TestEverySourceDeclaresItself runs the declaration checks of the conformance suite on every
// registered source.
func TestEverySourceDeclaresItself(t *testing.T) {
	all := sources.All()
	if len(all) == 0 {
		t.Fatal("no sources registered")
	}
	for _, src := range all {
		t.Run(src.Info().ID, func(t *testing.T) { sourcestest.TestInfo(t, src) })
	}
}
