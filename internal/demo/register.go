package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// registerHeader is the mySociety register's header, in its published order.
var registerHeader = strings.Split("local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,combined-authority,alt-names,former-gss-codes,notes,current-authority,BS-6879,ecode,even-older-register-and-code,gov-uk-slug,area,pop-2020,x,y,long,lat,powers,lower-or-unitary,mapit-area-code,ofcom,old-ons-la-code,old-register-and-code,open-council-data-id,os-file,os,snac,wdtk-id", ",")

var typeNames = map[string]string{
	"UA": "Unitary authority", "NMD": "Non-metropolitan district", "MD": "Metropolitan district",
	"LBO": "London borough", "CTY": "County", "SRA": "Strategic Regional Authority", "WPA": "Welsh unitary authority",
}

// RegisterURL is where the demo serves the register (the live URL of the la-register source).
const RegisterURL = "https://pages.mysociety.org/uk_local_authority_names_and_codes/data/uk_la_future/latest/uk_local_authorities_future.csv"

func (g *generator) register(s *Sample) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(registerHeader); err != nil {
		return err
	}
	// The register lists the GLA and Welsh councils besides England's councils, but no fire or
	// national park authority.
	listed := append([]Area{}, g.areas...)
	for _, a := range OtherAuthorities {
		if a.Type == "SRA" {
			listed = append(listed, a)
		}
	}
	listed = append(listed, WelshAreas...)
	for _, a := range listed {
		row := make([]string, len(registerHeader))
		set := func(col, v string) {
			for i, h := range registerHeader {
				if h == col {
					row[i] = v
					return
				}
			}
			panic("demo: no register column " + col)
		}
		set("local-authority-code", a.Register)
		set("official-name", a.Official)
		set("nice-name", a.Name)
		set("gss-code", a.Code)
		set("start-date", a.Start)
		set("end-date", a.End)
		set("replaced-by", a.ReplacedBy)
		set("nation", map[bool]string{true: "Wales", false: "England"}[a.Type == "WPA"])
		set("region", a.Region)
		set("local-authority-type", a.Type)
		set("local-authority-type-name", typeNames[a.Type])
		set("county-la", a.County)
		set("alt-names", a.Name+","+strings.ToLower(a.Name)+","+strings.ToLower(a.Official))
		set("former-gss-codes", a.Former)
		set("notes", Label)
		if a.Current() {
			set("current-authority", "True")
		} else {
			set("current-authority", "False")
		}
		set("ecode", a.ECode)
		set("area", fmt.Sprintf("%.1f", demoAreaKm2(a)))
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	s.add(RegisterURL, ctCSV, buf.Bytes(), time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC))
	return nil
}

// demoAreaKm2 is a synthetic land area for the demo register, in a plausible range for the
// authority's type, the same on every run.
func demoAreaKm2(a Area) float64 {
	h := fnv.New32a()
	h.Write([]byte(a.Code))
	f := float64(h.Sum32()%1000) / 1000
	switch a.Type {
	case "LBO":
		return 15 + 45*f
	case "MD":
		return 100 + 300*f
	case "UA":
		return 60 + 2900*f
	default:
		return 200 + 2300*f
	}
}
