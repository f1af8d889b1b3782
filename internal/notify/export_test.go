package notify

import "time"

// SetBackoffForTest shortens the webhook retry backoff.
func (n *Notifier) SetBackoffForTest(d time.Duration) { n.backoff = d }
