//go:build !unix

package benchfixture

import "os"

// MaxRSS returns 0: the platform does not report peak RSS.
func MaxRSS(*os.ProcessState) int64 { return 0 }
