package schedule

import "context"

// Begin sets s up as Run does (the scheduler's lock, the jobs' context, the notifications'
// queue) without scheduling anything; stop ends it.
func (s *Scheduler) Begin(ctx context.Context) (stop func(), err error) {
	_, stop, err = s.begin(ctx)
	return stop, err
}

// RunJob runs one tick of the job named as a cron tick of Run would (in a child process, with
// its retries and notifications), after Begin.
func (s *Scheduler) RunJob(name string) {
	for _, e := range s.entries {
		if e.Name == name {
			s.runJob(e)
		}
	}
}
