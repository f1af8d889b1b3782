package sources

// CompareNaturalForTest exposes compareNatural to the external tests.
var CompareNaturalForTest = compareNatural
