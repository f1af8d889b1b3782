package sheets

import (
	"archive/zip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/filetype"
)

// zipPkg is a zip package (ODS or XLSX) whose entries are found by their
// lower-case, slash-separated name and read within the Limits. Each entry is
// read to its end once before it is parsed, so that its CRC-32 is checked
// even when a reader stops early (at the end of a sheet's data).
type zipPkg struct {
	files    map[string]*zip.File
	limits   Limits
	verified map[*zip.File]bool
}

// openZip opens the zip and dispatches on its content to ODS or XLSX.
func openZip(f file, size int64, b *base) (Workbook, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, corrupt(err)
	}
	pkg := &zipPkg{files: make(map[string]*zip.File, len(zr.File)), limits: b.limits, verified: map[*zip.File]bool{}}
	for _, zf := range zr.File {
		if zf.UncompressedSize64 > uint64(b.limits.MaxUncompressed) {
			return nil, fmt.Errorf("%w: zip entry %q declares %d bytes, more than Limits.MaxUncompressed", ErrTooLarge, zf.Name, zf.UncompressedSize64)
		}
		// archive/zip fails a read past the declared size, so the declared sizes bound the work.
		if zf.UncompressedSize64 > inflateGrace && zf.UncompressedSize64 > uint64(b.limits.MaxInflateRatio)*max(zf.CompressedSize64, 1) {
			return nil, fmt.Errorf("%w: zip entry %q inflates %d bytes to %d, more than Limits.MaxInflateRatio (%d) times",
				ErrTooLarge, zf.Name, zf.CompressedSize64, zf.UncompressedSize64, b.limits.MaxInflateRatio)
		}
		name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		if _, dup := pkg.files[name]; !dup {
			pkg.files[name] = zf
		}
	}
	if mt := pkg.file("mimetype"); mt != nil {
		data, err := pkg.readAll("mimetype", 256)
		if err != nil {
			return nil, err
		}
		mime := strings.TrimSpace(string(data))
		switch {
		case strings.HasPrefix(mime, filetype.SpreadsheetMimetype):
			return openODS(f, pkg, b)
		case strings.HasPrefix(mime, filetype.OpenDocumentMimetype):
			return nil, fmt.Errorf("%w: OpenDocument file of type %q, not a spreadsheet", ErrUnsupported, mime)
		}
	}
	if wbPath, ok := xlsxWorkbookPath(pkg); ok {
		return openXLSX(f, pkg, wbPath, b)
	}
	if pkg.file("xl/workbook.bin") != nil {
		return nil, fmt.Errorf("%w: binary Excel workbook (XLSB)", ErrUnsupported)
	}
	if pkg.file("content.xml") != nil {
		return openODS(f, pkg, b) // an ODS without its mimetype entry
	}
	return nil, fmt.Errorf("%w: zip archive that is neither an ODS nor an XLSX workbook", ErrUnsupported)
}

// file returns the entry with the given name (case-insensitive), or nil.
func (p *zipPkg) file(name string) *zip.File {
	return p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// open opens the named entry for reading within Limits.MaxUncompressed.
// The caller closes the reader.
func (p *zipPkg) open(name string) (io.ReadCloser, error) {
	zf := p.file(name)
	if zf == nil {
		return nil, fmt.Errorf("%w: zip entry %q is missing", ErrCorrupt, name)
	}
	if zf.Flags&0x1 != 0 {
		return nil, fmt.Errorf("%w: zip entry %q is encrypted", ErrUnsupported, name)
	}
	if err := p.verify(zf); err != nil {
		return nil, err
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, corrupt(fmt.Errorf("zip entry %q: %w", name, err))
	}
	return &limitedReadCloser{limitReader{r: rc, n: p.limits.MaxUncompressed}, rc}, nil
}

// verify reads the entry to its end once (inflating it, not parsing it), so
// that archive/zip checks its CRC-32 against the one recorded, and checks it
// here when none is recorded: a part altered after the file was written
// fails with ErrCorrupt naming the entry, whichever of its bytes a reader
// would have used.
func (p *zipPkg) verify(zf *zip.File) error {
	if p.verified[zf] {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return corrupt(fmt.Errorf("zip entry %q: %w", zf.Name, err))
	}
	defer rc.Close()
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, &limitReader{r: rc, n: p.limits.MaxUncompressed}); err != nil {
		return corrupt(fmt.Errorf("zip entry %q: %w", zf.Name, err))
	}
	if zf.CRC32 == 0 && h.Sum32() != 0 {
		return corrupt(fmt.Errorf("zip entry %q: %w", zf.Name, zip.ErrChecksum))
	}
	p.verified[zf] = true
	return nil
}

// readAll returns the content of the named entry, which must not exceed max
// bytes.
func (p *zipPkg) readAll(name string, max int64) ([]byte, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, corrupt(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: zip entry %q is longer than %d bytes", ErrTooLarge, name, max)
	}
	return data, nil
}

type limitedReadCloser struct {
	limitReader
	c io.Closer
}

func (l *limitedReadCloser) Close() error { return l.c.Close() }
