package sheets

import "testing"

func xlsSeeds(f *testing.F) [][]byte { return nil }
