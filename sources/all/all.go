// Package all registers every Cornerstone source; import it for its side effect.
package all

import (
	_ "github.com/cornerstone-data/cornerstone/sources/hmt"       // hmt-gdp-deflators
	_ "github.com/cornerstone-data/cornerstone/sources/local"     // cipfa-neighbours
	_ "github.com/cornerstone-data/cornerstone/sources/mhclg"     // imd (and the revenue sources)
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety" // la-register
	_ "github.com/cornerstone-data/cornerstone/sources/ons"       // ons-population
)
