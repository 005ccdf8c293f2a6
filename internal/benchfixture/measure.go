package benchfixture

import (
	"os/exec"
	"sync/atomic"
	"time"
)

// A Measured is the cost of one process run.
type Measured struct {
	Wall time.Duration
	// PeakRSS is the process's own peak resident set size in bytes: on
	// Linux its VmHWM, sampled every few milliseconds until it exits (so
	// children such as the `go env` gomodls runs are not counted);
	// elsewhere getrusage's, which includes waited-for children.
	PeakRSS int64
}

// Run runs cmd (not yet started) and measures it.
func Run(cmd *exec.Cmd) (Measured, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measured{}, err
	}
	var peak atomic.Int64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := ownPeakRSS(cmd.Process.Pid); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	m := Measured{Wall: time.Since(start)}
	close(done)
	<-sampled
	m.PeakRSS = peak.Load()
	if m.PeakRSS == 0 && cmd.ProcessState != nil {
		m.PeakRSS = MaxRSS(cmd.ProcessState)
	}
	return m, err
}
