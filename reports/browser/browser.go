// Package browser drives headless Chromium through chromedp: it prints the site's pages to PDF and
// audits them (console errors, images that do not load, links that do not resolve, and axe-core
// accessibility violations). One browser serves many pages, one tab at a time.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium means no Chromium executable was found.
var ErrNoChromium = errors.New("Chromium not found: install the Debian package chromium (apt-get install -y chromium) or name the executable")

// candidates are the executable names tried, in order, on PATH.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// Find returns the Chromium executable: explicit when given (it must exist), else the first of
// chromium, chromium-browser, google-chrome, google-chrome-stable or headless-shell on PATH.
func Find(explicit string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("finding %s: %w", explicit, ErrNoChromium)
		}
		return p, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Browser is one headless Chromium process with one reusable tab.
type Browser struct {
	tab         context.Context
	cancelAlloc context.CancelFunc
	cancelTab   context.CancelFunc

	axe string // the axe-core source installed in the tab

	mu      sync.Mutex
	console []string
}

// Start launches headless Chromium (found with Find(execPath)). A launch that fails (on a loaded
// machine Chromium can fail to fork its helper processes) is tried again twice, a second and then
// two seconds later; the error is the last attempt's.
func Start(ctx context.Context, execPath string) (*Browser, error) {
	path, err := Find(execPath)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		b, err := start(ctx, path)
		if err == nil {
			return b, nil
		}
		if attempt == 3 || ctx.Err() != nil {
			return nil, fmt.Errorf("starting %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("starting %s: %w", path, ctx.Err())
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
}

func start(ctx context.Context, path string) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // containers and CI run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		// Without the sandbox the zygote (a pre-forked process template) brings nothing, and its
		// forks were what failed on loaded machines.
		chromedp.Flag("no-zygote", true),
		chromedp.Flag("allow-file-access-from-files", true),
		chromedp.Flag("font-render-hinting", "none"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	b := &Browser{cancelAlloc: cancelAlloc}
	b.tab, b.cancelTab = chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	if err := chromedp.Do(b.tab); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Close stops the browser.
func (b *Browser) Close() {
	if b.cancelTab != nil {
		b.cancelTab()
	}
	if b.cancelAlloc != nil {
		b.cancelAlloc()
	}
}

// listen records console errors, uncaught exceptions and browser log errors (such as a resource
// that failed to load).
func (b *Browser) listen(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			msg = "console." + string(e.Type) + ":"
			for _, a := range e.Args {
				if len(a.Value) > 0 {
					msg += " " + string(a.Value)
				} else {
					msg += " " + a.Description
				}
			}
		}
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			msg = "log error: " + e.Entry.Text + " " + e.Entry.URL
		}
	}
	if msg != "" {
		b.mu.Lock()
		b.console = append(b.console, msg)
		b.mu.Unlock()
	}
}

// takeConsole returns and clears the console errors seen so far.
func (b *Browser) takeConsole() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.console
	b.console = nil
	return out
}

// FileURL turns a local path into a file:// URL.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Open loads a page (a file path or URL) in the tab and waits for it, images included, to load.
// It returns the console errors the load caused.
func (b *Browser) Open(ctx context.Context, page string) ([]string, error) {
	u := page
	if _, err := os.Stat(page); err == nil {
		if u, err = FileURL(page); err != nil {
			return nil, err
		}
	}
	b.takeConsole()
	tctx, cancel := merge(b.tab, ctx)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(u)); err != nil {
		return nil, fmt.Errorf("loading %s: %w", page, err)
	}
	// Wait until every image has finished (loaded or failed).
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`Promise.all(Array.from(document.images).map(i => i.complete ? 0 :
		new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); }))).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("waiting for the images of %s: %w", page, err)
	}
	return b.takeConsole(), nil
}

// PrintPDF loads a page and prints it to PDF on A4 with backgrounds, as a tagged PDF with an
// outline.
func (b *Browser) PrintPDF(ctx context.Context, page string) ([]byte, error) {
	if _, err := b.Open(ctx, page); err != nil {
		return nil, err
	}
	tctx, cancel := merge(b.tab, ctx)
	defer cancel()
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.5),
		chromedp.PDFPrintBackground(), chromedp.PDFOutlineAndTagged(), chromedp.PDFStream()))
	if err != nil {
		return nil, fmt.Errorf("printing %s: %w", page, err)
	}
	return pdf, nil
}

// Eval evaluates a JavaScript expression in the open page and decodes its JSON value into T,
// awaiting it when it is a promise.
func Eval[T any](ctx context.Context, b *Browser, expr string) (T, error) {
	tctx, cancel := merge(b.tab, ctx)
	defer cancel()
	return chromedp.Run(tctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// merge returns the tab context, cancelled also when ctx ends.
func merge(tab, ctx context.Context) (context.Context, context.CancelFunc) {
	m, cancel := context.WithCancel(tab)
	stop := context.AfterFunc(ctx, cancel)
	return m, func() { stop(); cancel() }
}
