package site

import (
	"archive/zip"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// newXLSXZip is the zip writer of the site's XLSX downloads: archive/zip with klauspost's deflate
// at its fastest level, pooled. The workbooks are small and written by the thousand, and the
// standard library's default level spent most of each one's time compressing XML.
func newXLSXZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		fw := flateWriters.Get().(*flate.Writer)
		fw.Reset(w)
		return &pooledFlate{fw}, nil
	})
	return zw
}

var flateWriters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed) // the level is valid
	return fw
}}

// pooledFlate returns its writer to the pool when closed.
type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	p.Writer = nil
	return err
}
