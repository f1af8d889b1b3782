package schedule_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/schedule"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// The scheduler runs each job in a child process; in these tests the child is this test binary,
// re-executed as `<test binary> schedule-test-job SPEC JOB`, with the test's configuration in the
// JSON file SPEC.

const childArg = "schedule-test-job"

// childSpec is what a job's process needs to make the same Scheduler as the test.
type childSpec struct {
	DB, Data  string
	Config    *config.Config
	Now       *time.Time // a fixed clock, when the test has one
	Publisher string     // the URL of the test source's publisher
}

func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == childArg {
		os.Exit(runChild(os.Args[2], os.Args[3]))
	}
	os.Exit(m.Run())
}

// runChild is a job's process: it runs the job and writes its result on stdout, its log on stderr.
func runChild(specPath, job string) int {
	b, err := os.ReadFile(specPath)
	var spec childSpec
	if err == nil {
		err = json.Unmarshal(b, &spec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 3
	}
	publisher.Store(&publisherServer{Server: &httptest.Server{URL: spec.Publisher}})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	s, err := schedule.New(childOptions(&spec, progress.New(os.Stderr, false)))
	if err == nil {
		var res *schedule.JobResult
		if res, err = s.Job(ctx, job); err == nil {
			err = json.NewEncoder(os.Stdout).Encode(res)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// childOptions are the options of the test's Scheduler, in the parent and in its children.
func childOptions(spec *childSpec, p progress.Reporter) schedule.Options {
	fc, err := fetch.New(fetch.Spec{Retries: -1})
	if err != nil {
		panic(err)
	}
	zone, err := landing.New(spec.Data)
	if err != nil {
		panic(err)
	}
	var now func() time.Time
	if spec.Now != nil {
		t := *spec.Now
		now = func() time.Time { return t }
	}
	return schedule.Options{Config: spec.Config, Fetch: fc, Landing: zone, Progress: p, Now: now,
		LockPoll: 50 * time.Millisecond, DB: spec.DB, Command: "test schedule",
		Open: func(ctx context.Context) (*warehouse.DB, error) {
			return warehouse.Open(ctx, warehouse.Options{Path: spec.DB, Command: "test schedule"})
		}}
}

// childCommand writes spec beside the warehouse and returns how the scheduler starts a job.
func childCommand(t *testing.T, spec *childSpec) func(job string) []string {
	t.Helper()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(spec.DB), fmt.Sprintf("child-%d.json", time.Now().UnixNano()))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return func(job string) []string { return []string{os.Args[0], childArg, path, job} }
}
