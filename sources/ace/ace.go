// Package ace holds the Arts Council England sources: Libraries Activity Data and the library
// location dataset (ace-library-activity, ace-library-locations), and the Investment Programme and
// National Lottery Project Grants (ace-investment-programme, ace-project-grants). ACE publishes no
// API: discovery reads its data pages for file links.
package ace

// Homepage is Arts Council England's site.
const Homepage = "https://www.artscouncil.org.uk"

// Licence: ACE states none in its files; its site's terms apply.
const Licence = "Arts Council England data (licence not stated in the files; see artscouncil.org.uk)"
