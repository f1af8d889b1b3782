package sheets

import "strings"

// numFmtKind says how a number format presents a numeric cell: Excel (XLSX
// and XLS) stores dates as serial day numbers, and only the cell's number
// format tells them apart from plain numbers.
type numFmtKind uint8

const (
	fmtNumber numFmtKind = iota // a plain number (also elapsed-time [h]:mm)
	fmtDate                     // a date, possibly with a time of day
	fmtTime                     // a time of day without a date
)

// builtinNumFmtKind classifies the number formats Excel predefines by id.
func builtinNumFmtKind(id int) numFmtKind {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return fmtDate // 27-36 and 50-58 are East Asian locale dates
	case id >= 18 && id <= 21, id == 45, id == 47:
		return fmtTime // 46 is [h]:mm:ss, an elapsed time: a number
	}
	return fmtNumber
}

// classifyFormatCode classifies a custom number format code such as
// "dd/mm/yyyy", "[$-F800]dddd, mmmm dd, yyyy", "h:mm AM/PM" or
// `#,##0.00_);[Red](#,##0.00)`. Only the first section counts. Quoted
// literals, backslash escapes, _x and *x fillers and bracketed colours and
// locales are ignored; an elapsed-time bracket ([h], [mm], [ss]) makes it a
// number; "m" is a minute next to h or s and a month otherwise.
func classifyFormatCode(code string) numFmtKind {
	var tokens []byte // the date and time letters, runs collapsed
	elapsed, ampm := false, false
	lower := strings.ToLower(code)
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		switch c {
		case ';':
			i = len(lower) // first section only
			continue
		case '"':
			if j := strings.IndexByte(lower[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(lower)
			}
			continue
		case '\\', '_', '*':
			i++
			continue
		case '[':
			j := strings.IndexByte(lower[i:], ']')
			if j < 0 {
				i = len(lower)
				continue
			}
			inner := lower[i+1 : i+j]
			if inner != "" && strings.Trim(inner, "hms") == "" {
				elapsed = true
			}
			i += j
			continue
		}
		if strings.HasPrefix(lower[i:], "general") {
			i += len("general") - 1
			continue
		}
		if strings.HasPrefix(lower[i:], "am/pm") {
			ampm = true
			i += len("am/pm") - 1
			continue
		}
		if strings.HasPrefix(lower[i:], "a/p") {
			ampm = true
			i += len("a/p") - 1
			continue
		}
		switch c {
		case 'y', 'd', 'm', 'h', 's':
			if len(tokens) == 0 || tokens[len(tokens)-1] != c {
				tokens = append(tokens, c)
			}
		}
	}
	if elapsed {
		return fmtNumber
	}
	date, clock := false, ampm
	for i, t := range tokens {
		switch t {
		case 'y', 'd':
			date = true
		case 'h', 's':
			clock = true
		case 'm':
			if (i > 0 && tokens[i-1] == 'h') || (i+1 < len(tokens) && tokens[i+1] == 's') {
				clock = true
			} else {
				date = true
			}
		}
	}
	switch {
	case date:
		return fmtDate
	case clock:
		return fmtTime
	}
	return fmtNumber
}
