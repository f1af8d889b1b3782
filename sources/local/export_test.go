package local

// ReadInvestmentForTest exposes readInvestment to the external tests' fuzzing.
func ReadInvestmentForTest(path string) error {
	_, err := readInvestment(path, "r.csv")
	return err
}
