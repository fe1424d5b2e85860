//go:build !unix

package model

import "time"

func bertCPUTime() time.Duration { return 0 }
