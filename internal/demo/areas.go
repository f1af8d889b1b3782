package demo

// Area is one local authority in the demo sample. The identities are real (codes, names, types,
// dates and successors as in mySociety's register), so the places logic meets real
// reorganisations; every figure attached to them is synthetic.
type Area struct {
	Code, Name, Official, Register, Type, ECode, Region string
	Start, End                                          string // YYYY-MM-DD or ""
	ReplacedBy                                          string // register codes, comma-separated
	County                                              string // register code of the county (districts)
	Former                                              string // former GSS codes
}

// Current reports whether the area still exists.
func (a Area) Current() bool { return a.End == "" }

// SampleAreas is the demo sample: unitaries, a surviving two-tier county (Oxfordshire), the 2021
// Northamptonshire split, the 2023 Cumbria split and North Yorkshire merger, metropolitan districts
// (Barnsley and Sheffield are recoded in 2025) and London boroughs.
var SampleAreas = []Area{
	{"E06000001", "Hartlepool", "Hartlepool Borough Council", "HPL", "UA", "E0701", "North East", "2005-06-18", "", "", "", ""},
	{"E06000023", "City of Bristol", "Bristol City Council", "BST", "UA", "E0102", "South West", "2005-06-18", "", "", "", ""},
	{"E06000019", "Herefordshire", "Herefordshire Council", "HEF", "UA", "E1801", "West Midlands", "1998-04-01", "", "", "", ""},
	{"E06000065", "North Yorkshire", "North Yorkshire Council", "NYE", "UA", "", "Yorkshire and The Humber", "2023-04-01", "", "", "", ""},
	{"E07000163", "Craven", "Craven District Council", "CRA", "NMD", "E2731", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000164", "Hambleton", "Hambleton District Council", "HAE", "NMD", "E2732", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000165", "Harrogate", "Harrogate Borough Council", "HAG", "NMD", "E2753", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000166", "Richmondshire", "Richmondshire District Council", "RIH", "NMD", "E2734", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000167", "Ryedale", "Ryedale District Council", "RYE", "NMD", "E2755", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000168", "Scarborough", "Scarborough Borough Council", "SCE", "NMD", "E2736", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E07000169", "Selby", "Selby District Council", "SEL", "NMD", "E2757", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "NYK", ""},
	{"E10000023", "North Yorkshire", "North Yorkshire County Council", "NYK", "CTY", "E2721", "Yorkshire and The Humber", "", "2023-04-01", "NYE", "", ""},
	{"E06000063", "Cumberland", "Cumberland Council", "CBD", "UA", "", "North West", "2023-04-01", "", "", "", ""},
	{"E06000064", "Westmorland and Furness", "Westmorland and Furness Council", "WAF", "UA", "", "North West", "2023-04-01", "", "", "", ""},
	{"E07000026", "Allerdale", "Allerdale Borough Council", "ALL", "NMD", "E0931", "North West", "", "2023-04-01", "CBD", "CMA", ""},
	{"E07000027", "Barrow-in-Furness", "Barrow-in-Furness Borough Council", "BAR", "NMD", "E0932", "North West", "", "2023-04-01", "WAF", "CMA", ""},
	{"E07000028", "Carlisle", "Carlisle City Council", "CAR", "NMD", "E0933", "North West", "", "2023-04-01", "CBD", "CMA", ""},
	{"E07000029", "Copeland", "Copeland Borough Council", "COP", "NMD", "E0934", "North West", "", "2023-04-01", "CBD", "CMA", ""},
	{"E07000030", "Eden", "Eden District Council", "EDN", "NMD", "E0935", "North West", "", "2023-04-01", "WAF", "CMA", ""},
	{"E07000031", "South Lakeland", "South Lakeland District Council", "SLA", "NMD", "E0936", "North West", "", "2023-04-01", "WAF", "CMA", ""},
	{"E10000006", "Cumbria", "Cumbria County Council", "CMA", "CTY", "E0920", "North West", "", "2023-04-01", "CBD,WAF", "", ""},
	{"E10000025", "Oxfordshire", "Oxfordshire County Council", "OXF", "CTY", "E3120", "South East", "", "", "", "", ""},
	{"E07000177", "Cherwell", "Cherwell District Council", "CHR", "NMD", "E3131", "South East", "", "", "", "OXF", ""},
	{"E07000178", "Oxford", "Oxford City Council", "OXO", "NMD", "E3132", "South East", "", "", "", "OXF", ""},
	{"E07000179", "South Oxfordshire", "South Oxfordshire District Council", "SOX", "NMD", "E3133", "South East", "", "", "", "OXF", ""},
	{"E07000180", "Vale of White Horse", "Vale of White Horse District Council", "VAL", "NMD", "E3134", "South East", "", "", "", "OXF", ""},
	{"E07000181", "West Oxfordshire", "West Oxfordshire District Council", "WOX", "NMD", "E3135", "South East", "", "", "", "OXF", ""},
	{"E08000016", "Barnsley", "Barnsley Metropolitan Borough Council", "BNS", "MD", "E4401", "Yorkshire and The Humber", "1974-04-01", "", "", "", ""},
	{"E08000019", "Sheffield", "Sheffield City Council", "SHF", "MD", "E4404", "Yorkshire and The Humber", "2005-06-08", "", "", "", ""},
	{"E08000021", "Newcastle upon Tyne", "Newcastle City Council", "NET", "MD", "E4502", "North East", "1974-04-01", "", "", "", ""},
	{"E08000003", "Manchester", "Manchester City Council", "MAN", "MD", "E4203", "North West", "1974-04-01", "", "", "", ""},
	{"E09000007", "Camden", "London Borough of Camden", "CMD", "LBO", "E5011", "London", "", "", "", "", ""},
	{"E09000028", "Southwark", "London Borough of Southwark", "SWK", "LBO", "E5019", "London", "", "", "", "", ""},
	{"E09000003", "Barnet", "London Borough of Barnet", "BNE", "LBO", "E5031", "London", "", "", "", "", ""},
	{"E06000061", "North Northamptonshire", "North Northamptonshire Council", "NNT", "UA", "", "East Midlands", "2021-04-01", "", "", "", ""},
	{"E06000062", "West Northamptonshire", "West Northamptonshire Council", "WNT", "UA", "", "East Midlands", "2021-04-01", "", "", "", ""},
	{"E10000021", "Northamptonshire", "Northamptonshire County Council", "NTH", "CTY", "E2820", "East Midlands", "", "2021-04-01", "NNT,WNT", "", ""},
	{"E07000150", "Corby", "Corby Borough Council", "COR", "NMD", "E2831", "East Midlands", "", "2021-04-01", "NNT", "NTH", ""},
	{"E07000151", "Daventry", "Daventry District Council", "DAV", "NMD", "E2832", "East Midlands", "", "2021-04-01", "WNT", "NTH", ""},
	{"E07000152", "East Northamptonshire", "East Northamptonshire Council", "ENO", "NMD", "E2833", "East Midlands", "", "2021-04-01", "NNT", "NTH", ""},
	{"E07000153", "Kettering", "Kettering Borough Council", "KET", "NMD", "E2834", "East Midlands", "", "2021-04-01", "NNT", "NTH", ""},
	{"E07000154", "Northampton", "Northampton Borough Council", "NOR", "NMD", "E2835", "East Midlands", "", "2021-04-01", "WNT", "NTH", ""},
	{"E07000155", "South Northamptonshire", "South Northamptonshire Council", "SNR", "NMD", "E2836", "East Midlands", "", "2021-04-01", "WNT", "NTH", ""},
	{"E07000156", "Wellingborough", "Wellingborough Borough Council", "WEL", "NMD", "E2837", "East Midlands", "", "2021-04-01", "NNT", "NTH", ""},
}

// ByRegister indexes areas by register code.
func ByRegister(areas []Area) map[string]Area {
	out := map[string]Area{}
	for _, a := range areas {
		out[a.Register] = a
	}
	return out
}

// OtherAuthorities are bodies that file RO5 returns but are not councils Cornerstone reports on,
// each with every culture and library line zero, as real returns have them: the Greater London
// Authority (the register lists it as a strategic authority under the London region's code), a
// fire and rescue authority and a national park authority (the register lists neither; codes of
// the real shapes, E31 and E26, E-codes of the RO form's shape). Their type is the RO5 class's
// source: "SRA" for the GLA, "FRA" and "NPA" for the others.
var OtherAuthorities = []Area{
	{"E12000007", "Greater London", "Greater London Authority", "GLA", "SRA", "E5100", "London", "2005-06-22", "", "", "", ""},
	{"E31000042", "South Yorkshire Fire and Rescue Authority", "South Yorkshire Fire and Rescue Authority", "", "FRA", "E6144", "Yorkshire and The Humber", "", "", "", "", ""},
	{"E26000005", "Peak District National Park Authority", "Peak District National Park Authority", "", "NPA", "E6905", "East Midlands", "", "", "", "", ""},
}

// WelshAreas are register entries outside England that the sample places awards in (an Arts
// Council England portfolio organisation based in Wales).
var WelshAreas = []Area{
	{"W06000015", "Cardiff", "Cardiff Council", "CRF", "WPA", "", "Wales", "1996-04-01", "", "", "", ""},
}
