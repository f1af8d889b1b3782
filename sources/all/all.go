// Package all registers every Cornerstone source; import it for its side effect.
package all

import (
	_ "github.com/cornerstone-data/cornerstone/sources/ace"       // ace-library-activity, ace-library-locations
	_ "github.com/cornerstone-data/cornerstone/sources/dcms"      // dcms-museum-visits, dcms-museum-indicators, dcms-participation
	_ "github.com/cornerstone-data/cornerstone/sources/local"     // local-returns
	_ "github.com/cornerstone-data/cornerstone/sources/mhclg"     // imd (and the revenue sources)
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety" // la-register
	_ "github.com/cornerstone-data/cornerstone/sources/ons"       // ons-population
)
