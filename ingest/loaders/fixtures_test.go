package loaders

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/docent-dev/docent/ingest/loaders/internal/testdocs"
)

const docsDir = "../../testdata/docs"

// samplePDF is testdata/docs/sample.pdf: three pages, one fact each, and an
// outline: "Zephyr Pump Manual" (page 1) > "Maintenance" (2), "Warranty" (3).
func samplePDF() []byte {
	outline := []testdocs.PDFBookmark{{Title: "Zephyr Pump Manual", Page: 0, Children: []testdocs.PDFBookmark{
		{Title: "Maintenance", Page: 1}, {Title: "Warranty", Page: 2},
	}}}
	return testdocs.PDFWithOutline("Zephyr Pump Manual", []testdocs.PDFPage{
		{
			"Zephyr Pump Manual",
			"",
			"The Zephyr pump is built in Tallinn by Nordvik Hydraulics.",
			"This manual covers installation, maintenance and warranty.",
		},
		{
			"Maintenance",
			"",
			"The maintenance interval for the Zephyr pump is 450 hours.",
			"Replace the impeller seal at every second service, and check",
			"the bearing temperature, which must stay below 70 degrees Celsius.",
		},
		{
			"Warranty",
			"",
			"The warranty for the Zephyr pump lasts 36 months from delivery.",
			"Claims are sent to warranty@nordvik.example with the serial number.",
		},
	}, outline)
}

// sampleDOCX is testdata/docs/sample.docx.
func sampleDOCX() []byte {
	return testdocs.DOCX("Nimbus Expense Policy", []testdocs.DocxPara{
		{Style: "Title", Text: "Expense Policy"},
		{Text: "This policy applies to all employees of Nimbus Analytics from 1 April 2026."},
		{Style: "Heading1", Text: "Travel"},
		{Text: "Employees may claim up to 85 euros per day for meals while travelling."},
		{Style: "Heading2", Text: "Hotels"},
		{Text: "Hotel costs are reimbursed up to the nightly cap for the city."},
		{Table: [][]string{{"City", "Nightly cap"}, {"Berlin", "160 EUR"}, {"Paris", "210 EUR"}}},
		{Style: "Heading1", Text: "Approvals"},
		{Text: "Expenses above 2000 euros need approval from the finance director.", List: true},
		{Text: "Claims must be filed within 30 days.", List: true},
	})
}

// TestWriteFixtures regenerates the binary fixtures. Run with
// DOCENT_WRITE_FIXTURES=1 go test ./ingest/loaders -run TestWriteFixtures.
func TestWriteFixtures(t *testing.T) {
	if os.Getenv("DOCENT_WRITE_FIXTURES") != "1" {
		t.Skip("set DOCENT_WRITE_FIXTURES=1 to regenerate testdata/docs/sample.pdf and sample.docx")
	}
	for name, data := range map[string][]byte{"sample.pdf": samplePDF(), "sample.docx": sampleDOCX()} {
		if err := os.WriteFile(filepath.Join(docsDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
