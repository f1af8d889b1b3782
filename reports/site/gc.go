package site

import "runtime/debug"

// gcPercent is the garbage collector's target while a site is built. A build allocates gigabytes
// (charts, workbooks, pages) around a live heap of tens of megabytes, so the default target, a
// collection whenever the heap doubles, ran about 170 collections and a fifth of the build's CPU
// time on a national site; at five times the live heap the collector does a fraction of that work
// for about 300 MiB more resident memory. The process's memory limit ([runtime] go_memory_limit)
// still bounds the heap.
const gcPercent = 400

// raiseGC sets the build's GC target and returns the function that restores the previous one. A
// target set otherwise (GOGC in the environment, or collection off) is left alone.
func raiseGC() (restore func()) {
	prev := debug.SetGCPercent(gcPercent)
	if prev != 100 {
		debug.SetGCPercent(prev)
	}
	return func() { debug.SetGCPercent(prev) }
}
