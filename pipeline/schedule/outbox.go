package schedule

import (
	"context"
	"sync"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/sources"
)

// outboxSize bounds the jobs' batches of notifications waiting to be sent: beyond it (channels
// that never answer while jobs keep raising events) a batch is dropped, and the log says so.
const outboxSize = 64

// outbox sends the jobs' notifications in the background, one batch (a job's events) at a time,
// each within notify.deadline, so that no job waits for a channel. A stale notification that
// could not be delivered is kept and sent again after the source's next job.
type outbox struct {
	s       *Scheduler
	ch      chan outboxBatch
	done    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	once    sync.Once
	mu      sync.Mutex
	pending map[string][]notify.Event // undelivered stale events, by source
}

type outboxBatch struct {
	source string
	events []notify.Event
}

func newOutbox(s *Scheduler) *outbox {
	ctx, cancel := context.WithCancel(context.Background())
	o := &outbox{s: s, ch: make(chan outboxBatch, outboxSize), done: make(chan struct{}), ctx: ctx, cancel: cancel,
		pending: map[string][]notify.Event{}}
	go o.run()
	return o
}

// post queues a job's events (with the source's undelivered stale events before them). A failure
// that is only the shutdown interrupting the job is not sent: it was rolled back and recorded.
func (o *outbox) post(source string, evs ...notify.Event) {
	o.mu.Lock()
	batch := o.pending[source]
	delete(o.pending, source)
	o.mu.Unlock()
	for _, ev := range evs {
		if ev.Type == config.EventFailure && ev.Reason == sources.ReasonInterrupted {
			continue
		}
		batch = append(batch, ev)
	}
	if len(batch) == 0 || !o.s.opts.Notifier.Enabled() {
		return
	}
	select {
	case o.ch <- outboxBatch{source: source, events: batch}:
	default:
		o.s.logf("notifications: %d dropped: %d batches are waiting for channels that do not answer", len(batch), outboxSize)
	}
}

func (o *outbox) run() {
	defer close(o.done)
	for b := range o.ch {
		ctx, cancel := o.s.opts.Notifier.WithDeadline(o.ctx)
		for _, ev := range b.events {
			err := o.s.opts.Notifier.Send(ctx, ev)
			if err == nil {
				continue
			}
			o.s.logf("%v", err)
			if ev.Type == config.EventStale {
				o.mu.Lock()
				o.pending[b.source] = append(o.pending[b.source], ev)
				o.mu.Unlock()
			}
		}
		cancel()
	}
}

// close stops taking events and waits for those queued, giving up on them after grace. It may be
// called more than once; later calls return at once.
func (o *outbox) close(grace time.Duration) {
	o.once.Do(func() {
		close(o.ch)
		t := time.AfterFunc(grace, o.cancel)
		<-o.done
		t.Stop()
		o.cancel()
	})
}
