// Command cornerstone is the evidence pipeline for English council cultural services. See
// `cornerstone --help` and the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cornerstone-data/cornerstone/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first SIGINT or SIGTERM cancels ctx: the command rolls back, records the run as
		// interrupted and exits. Then the signals get their default action back, so a second one
		// ends the process at once even if something does not heed ctx (the warehouse's flock
		// and DuckDB's WAL make that safe, as after kill -9).
		<-ctx.Done()
		stop()
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
