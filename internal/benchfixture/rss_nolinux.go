//go:build !linux

package benchfixture

// ownPeakRSS is not available: MaxRSS (getrusage) is used instead.
func ownPeakRSS(pid int) int64 { return 0 }
