//go:build linux

package benchfixture

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// ownPeakRSS reads the process's own peak RSS (VmHWM, children excluded)
// from /proc, in bytes, or 0.
func ownPeakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := bytes.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(string(f[0]), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}
