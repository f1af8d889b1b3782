// Package all registers every Cornerstone source; import it for its side effect.
package all

import (
	_ "github.com/cornerstone-data/cornerstone/sources/ace"              // ace-library-activity, ace-library-locations, ace-investment-programme, ace-project-grants
	_ "github.com/cornerstone-data/cornerstone/sources/dcms"             // dcms-museum-visits, dcms-museum-indicators, dcms-participation
	_ "github.com/cornerstone-data/cornerstone/sources/hmt"              // hmt-gdp-deflators
	_ "github.com/cornerstone-data/cornerstone/sources/local"            // local-returns, local-investment-returns, cipfa-neighbours
	_ "github.com/cornerstone-data/cornerstone/sources/mhclg"            // imd, mhclg-revenue-outturn, mhclg-revenue-budget
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety"        // la-register
	_ "github.com/cornerstone-data/cornerstone/sources/ons"              // ons-population
	_ "github.com/cornerstone-data/cornerstone/sources/threesixtygiving" // threesixtygiving
)
