package threesixtygiving

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// 360Giving JSON packages, decoded one grant at a time.

// jsonGrant is the part of the standard's grant object this source reads.
type jsonGrant struct {
	ID               string          `json:"id"`
	Title            string          `json:"title"`
	Description      string          `json:"description"`
	Currency         string          `json:"currency"`
	AmountAwarded    json.RawMessage `json:"amountAwarded"`
	AmountAppliedFor json.RawMessage `json:"amountAppliedFor"`
	AmountDisbursed  json.RawMessage `json:"amountDisbursed"`
	AwardDate        string          `json:"awardDate"`
	PlannedDates     []struct {
		StartDate string          `json:"startDate"`
		EndDate   string          `json:"endDate"`
		Duration  json.RawMessage `json:"duration"`
	} `json:"plannedDates"`
	RecipientOrganization []struct {
		ID              string         `json:"id"`
		Name            string         `json:"name"`
		CharityNumber   jsonText       `json:"charityNumber"`
		CompanyNumber   jsonText       `json:"companyNumber"`
		AddressLocality string         `json:"addressLocality"`
		PostalCode      string         `json:"postalCode"`
		Location        []jsonLocation `json:"location"`
	} `json:"recipientOrganization"`
	RecipientIndividual *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"recipientIndividual"`
	BeneficiaryLocation []jsonLocation `json:"beneficiaryLocation"`
	FundingOrganization []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"fundingOrganization"`
	GrantProgramme []struct {
		Code  jsonText `json:"code"`
		Title string   `json:"title"`
	} `json:"grantProgramme"`
	LocationScope string   `json:"locationScope"`
	FromOpenCall  jsonText `json:"fromOpenCall"`
	DataSource    string   `json:"dataSource"`
	DateModified  string   `json:"dateModified"`
}

type jsonLocation struct {
	Name        string   `json:"name"`
	CountryCode string   `json:"countryCode"`
	GeoCode     jsonText `json:"geoCode"`
	GeoCodeType string   `json:"geoCodeType"`
}

// jsonText accepts a JSON string, number or boolean as text (publishers write charity numbers and
// codes both ways).
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
	case b[0] == 't' || b[0] == 'f':
		if string(b) == "true" {
			*t = "Yes"
		} else {
			*t = "No"
		}
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*t = jsonText(n.String())
	}
	return nil
}

// jsonNumber reads an amount given as a JSON number or a numeric string.
func jsonNumber(raw json.RawMessage) (*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	}
	n, err := values.Parse(text)
	if err != nil {
		return nil, err
	}
	if !n.Valid {
		return nil, nil
	}
	return &n.Value, nil
}

// readJSON streams {"grants": [ … ]} with the Decoder's token API, decoding one grant at a time.
// Other top-level keys are skipped without being held in memory.
func readJSON(ctx context.Context, path, file string, fn func(string, int, *Grant) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening %s: %w", file, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	if head, err := br.Peek(3); err == nil && bytes.Equal(head, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	bad := func(err error) error {
		return &sources.LayoutError{File: file, Expected: `{"grants": [...]}`, Detail: fmt.Sprintf("at byte %d: %v", dec.InputOffset(), err)}
	}
	tok, err := dec.Token()
	if err != nil {
		return bad(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return bad(fmt.Errorf("the file starts with %v, not an object", tok))
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := tok.(string)
		if key != "grants" {
			if err := skipValue(dec); err != nil {
				return bad(err)
			}
			continue
		}
		found = true
		tok, err = dec.Token()
		if err != nil {
			return bad(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return bad(errors.New(`"grants" is not an array`))
		}
		n := 0
		g := &Grant{}
		for dec.More() {
			if err := ctx.Err(); err != nil {
				return err
			}
			n++
			var jg jsonGrant
			if err := dec.Decode(&jg); err != nil {
				return fmt.Errorf("reading %s grant %d: %w", file, n, err)
			}
			if err := jg.toGrant(g); err != nil {
				return fmt.Errorf("reading %s grant %d (%s): %w", file, n, jg.ID, err)
			}
			if err := fn("", n, g); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return bad(err)
		}
	}
	if !found {
		return &sources.LayoutError{File: file, Expected: `"grants"`, Detail: "the JSON object has no grants array"}
	}
	return nil
}

// skipValue reads and discards one JSON value token by token (bounded memory for large values).
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func (jg *jsonGrant) toGrant(g *Grant) error {
	*g = Grant{ID: strings.TrimSpace(jg.ID), Title: jg.Title, Description: jg.Description, Currency: jg.Currency,
		LocationScope: jg.LocationScope, FromOpenCall: string(jg.FromOpenCall), DataSource: jg.DataSource, LastModified: jg.DateModified}
	if g.ID == "" {
		return errors.New("a grant without an id")
	}
	var err error
	field := func(name string, f func() error) {
		if err == nil {
			if e := f(); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
	}
	field("amountAwarded", func() (e error) { g.AmountAwarded, e = jsonNumber(jg.AmountAwarded); return })
	field("amountAppliedFor", func() (e error) { g.AmountAppliedFor, e = jsonNumber(jg.AmountAppliedFor); return })
	field("amountDisbursed", func() (e error) { g.AmountDisbursed, e = jsonNumber(jg.AmountDisbursed); return })
	field("awardDate", func() (e error) { g.AwardDate, e = parseDate(jg.AwardDate); return })
	if len(jg.PlannedDates) > 0 {
		p := jg.PlannedDates[0]
		field("plannedDates.startDate", func() (e error) { g.PlannedStart, e = parseDate(p.StartDate); return })
		field("plannedDates.endDate", func() (e error) { g.PlannedEnd, e = parseDate(p.EndDate); return })
		field("plannedDates.duration", func() (e error) { g.PlannedMonths, e = jsonNumber(p.Duration); return })
	}
	if err != nil {
		return err
	}
	if g.AmountAwarded == nil {
		return errors.New("amountAwarded: a grant without an amount awarded")
	}
	if len(jg.RecipientOrganization) > 0 {
		o := jg.RecipientOrganization[0]
		g.RecipientOrgID, g.RecipientOrgName = o.ID, o.Name
		g.RecipientOrgCharity, g.RecipientOrgCompany = string(o.CharityNumber), string(o.CompanyNumber)
		g.RecipientOrgCity, g.RecipientOrgPostalCode = o.AddressLocality, o.PostalCode
		g.RecipientOrgLocation, _ = pickLocation(jsonLocations(o.Location))
	}
	if r := jg.RecipientIndividual; r != nil {
		g.RecipientIndID, g.RecipientIndName = r.ID, r.Name
	}
	g.Beneficiary, g.BeneficiaryCount = pickLocation(jsonLocations(jg.BeneficiaryLocation))
	if len(jg.FundingOrganization) > 0 {
		g.FundingOrgID, g.FundingOrgName = jg.FundingOrganization[0].ID, jg.FundingOrganization[0].Name
	}
	if len(jg.GrantProgramme) > 0 {
		g.ProgrammeCode, g.ProgrammeTitle = string(jg.GrantProgramme[0].Code), jg.GrantProgramme[0].Title
	}
	return nil
}

func jsonLocations(in []jsonLocation) []Location {
	out := make([]Location, len(in))
	for i, l := range in {
		out[i] = Location{Code: strings.TrimSpace(string(l.GeoCode)), Type: strings.TrimSpace(l.GeoCodeType), Name: strings.TrimSpace(l.Name), Country: l.CountryCode}
	}
	return out
}
