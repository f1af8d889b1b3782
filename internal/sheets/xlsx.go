package sheets

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
)

// xlsxWorkbook reads an Office Open XML workbook. It decodes the worksheet
// XML itself, token by token, rather than through excelize, whose Rows API
// returns neither cell types nor number formats and drops XML errors. The
// shared strings and cell styles are loaded on the first call to Rows.
type xlsxWorkbook struct {
	*base
	f          file
	pkg        *zipPkg
	sheets     []xlsxSheet
	date1904   bool
	sstPath    string
	stylesPath string

	loaded bool
	sst    []string
	xfKind []numFmtKind // by cell style (cellXfs) index
}

type xlsxSheet struct{ name, path string }

type relationship struct{ typ, target string }

// xlsxWorkbookPath returns the workbook part named by the package's
// officeDocument relationship, or xl/workbook.xml.
func xlsxWorkbookPath(pkg *zipPkg) (string, bool) {
	if pkg.file("_rels/.rels") != nil {
		if rels, err := readRels(pkg, "_rels/.rels", ""); err == nil {
			for _, r := range rels {
				if strings.HasSuffix(r.typ, "/officeDocument") && strings.HasSuffix(strings.ToLower(r.target), ".xml") && pkg.file(r.target) != nil {
					return r.target, true
				}
			}
		}
	}
	return "xl/workbook.xml", pkg.file("xl/workbook.xml") != nil
}

func openXLSX(f file, pkg *zipPkg, wbPath string, b *base) (*xlsxWorkbook, error) {
	w := &xlsxWorkbook{base: b, f: f, pkg: pkg}
	dir := path.Dir(wbPath)
	rels := map[string]relationship{}
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	if pkg.file(relsPath) != nil {
		var err error
		if rels, err = readRels(pkg, relsPath, dir); err != nil {
			return nil, err
		}
	}
	for _, r := range rels {
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			w.sstPath = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			w.stylesPath = r.target
		}
	}
	rc, err := pkg.open(wbPath)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	inSheets := false
	for depth := 0; ; {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, corrupt(fmt.Errorf("%s: %w", wbPath, err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "workbook":
				return nil, fmt.Errorf("%w: Office document whose main part is <%s>, not a workbook", ErrUnsupported, t.Name.Local)
			case t.Name.Local == "workbookPr":
				v, _ := attrLocal(t, "date1904")
				w.date1904 = v == "1" || v == "true"
			case t.Name.Local == "sheets":
				inSheets = true
			case t.Name.Local == "sheet" && inSheets:
				name, _ := attrLocal(t, "name")
				var target string
				for _, a := range t.Attr {
					if a.Name.Local == "id" && a.Name.Space != "" {
						target = rels[a.Value].target
					}
				}
				w.sheets = append(w.sheets, xlsxSheet{name: name, path: target})
			}
		case xml.EndElement:
			depth--
			if t.Name.Local == "sheets" {
				inSheets = false
			}
		}
	}
	return w, nil
}

func (w *xlsxWorkbook) Format() Format { return FormatXLSX }
func (w *xlsxWorkbook) Close() error   { return w.f.Close() }

func (w *xlsxWorkbook) Sheets() []string {
	names := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		names[i] = s.name
	}
	return names
}

func (w *xlsxWorkbook) Rows(sheet string) (Rows, error) {
	i := slices.IndexFunc(w.sheets, func(s xlsxSheet) bool { return s.name == sheet })
	if i < 0 {
		return nil, w.noSheet(sheet, w.Sheets())
	}
	if err := w.load(); err != nil {
		return nil, fmt.Errorf("opening sheet %q of %s: %w", sheet, w.name, err)
	}
	p := w.sheets[i].path
	if p == "" || w.pkg.file(p) == nil {
		return nil, fmt.Errorf("opening sheet %q of %s: %w: its worksheet part %q is missing", sheet, w.name, ErrCorrupt, p)
	}
	rc, err := w.pkg.open(p)
	if err != nil {
		return nil, fmt.Errorf("opening sheet %q of %s: %w", sheet, w.name, err)
	}
	src := &xlsxSource{rc: rc, dec: xml.NewDecoder(rc), w: w}
	return newRowIter(w.base, sheet, src), nil
}

// load reads the shared strings and the cell styles' number formats.
func (w *xlsxWorkbook) load() error {
	if w.loaded {
		return nil
	}
	if w.sstPath == "" && w.pkg.file("xl/sharedStrings.xml") != nil {
		w.sstPath = "xl/sharedStrings.xml"
	}
	if w.stylesPath == "" && w.pkg.file("xl/styles.xml") != nil {
		w.stylesPath = "xl/styles.xml"
	}
	if w.sstPath != "" && w.pkg.file(w.sstPath) != nil {
		if err := w.loadSST(); err != nil {
			return fmt.Errorf("reading shared strings: %w", err)
		}
	}
	if w.stylesPath != "" && w.pkg.file(w.stylesPath) != nil {
		if err := w.loadStyles(); err != nil {
			return fmt.Errorf("reading styles: %w", err)
		}
	}
	w.loaded = true
	return nil
}

func (w *xlsxWorkbook) loadSST() error {
	rc, err := w.pkg.open(w.sstPath)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var shared sharedBudget
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return corrupt(err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "si" {
			s, err := readRichText(dec, w.limits.MaxCellBytes)
			if err != nil {
				return err
			}
			if err := shared.take(w.base, s); err != nil {
				return err
			}
			w.sst = append(w.sst, s)
		}
	}
}

func (w *xlsxWorkbook) loadStyles() error {
	rc, err := w.pkg.open(w.stylesPath)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	custom := map[int]string{}
	var ids []int
	inNumFmts, inCellXfs := false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmts":
				inNumFmts = true
			case "cellXfs":
				inCellXfs = true
			case "numFmt":
				if inNumFmts {
					id, _ := attrLocal(t, "numFmtId")
					code, _ := attrLocal(t, "formatCode")
					if n, err := strconv.Atoi(id); err == nil {
						custom[n] = code
					}
				}
			case "xf":
				if inCellXfs {
					id, _ := attrLocal(t, "numFmtId")
					n, _ := strconv.Atoi(id)
					ids = append(ids, n)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "numFmts":
				inNumFmts = false
			case "cellXfs":
				inCellXfs = false
			}
		}
	}
	w.xfKind = make([]numFmtKind, len(ids))
	for i, id := range ids {
		if code, ok := custom[id]; ok {
			w.xfKind[i] = classifyFormatCode(code)
		} else {
			w.xfKind[i] = builtinNumFmtKind(id)
		}
	}
	return nil
}
