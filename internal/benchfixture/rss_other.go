//go:build !unix

package benchfixture

import "os"

func maxRSS(*os.ProcessState) int64 { return 0 }
