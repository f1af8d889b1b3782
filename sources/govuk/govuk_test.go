package govuk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

const collection = `{"base_path":"/government/collections/local-authority-revenue-expenditure-and-financing","title":"Local authority revenue expenditure and financing",
"document_type":"document_collection","links":{"documents":[
{"base_path":"/government/statistics/local-authority-revenue-expenditure-and-financing-england-2018-to-2019-individual-local-authority-data-outturn","title":"Local authority revenue expenditure and financing England: 2018 to 2019 individual local authority data - outturn"},
{"base_path":"/government/statistics/local-authority-revenue-expenditure-and-financing-england-2024-to-2025-budget-individual-local-authority-data","title":"… budget"}]}}`

const release = `{"base_path":"/government/statistics/x","title":"X","public_updated_at":"2025-11-27T09:30:00.000+00:00",
"details":{"attachments":[{"title":"Revenue outturn cultural, environmental, regulatory and planning services (RO5) 2018 to 2019",
"url":"https://assets.publishing.service.gov.uk/media/66573bb1/RO5_2018-19_data_by_LA.ods","content_type":"application/vnd.oasis.opendocument.spreadsheet","file_size":1018926}]}}`

func TestGetThroughMirror(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/www.gov.uk/api/content/government/collections/"):
			w.Write([]byte(collection))
		case r.URL.Path == "/www.gov.uk/api/content/government/statistics/x":
			w.Write([]byte(release))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	col, err := Get(ctx, c, "/government/collections/local-authority-revenue-expenditure-and-financing")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := col.Match(regexp.MustCompile(`individual-local-authority-data-outturn$`))
	if err != nil || len(docs) != 1 {
		t.Fatalf("%v %v", docs, err)
	}
	if _, err := col.Match(regexp.MustCompile(`nothing`)); err == nil || !strings.Contains(err.Error(), "2 documents listed") {
		t.Fatalf("empty match error: %v", err)
	}
	rel, err := Get(ctx, c, "/government/statistics/x")
	if err != nil {
		t.Fatal(err)
	}
	a, err := rel.Attachment(regexp.MustCompile(`^RO5_`))
	if err != nil || a.Name() != "RO5_2018-19_data_by_LA.ods" || a.Kind() != fetch.KindODS || a.FileSize != 1018926 {
		t.Fatalf("%+v %v", a, err)
	}
	if rel.Updated().Year() != 2025 {
		t.Fatal(rel.Updated())
	}
}
