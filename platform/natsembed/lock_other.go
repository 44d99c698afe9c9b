//go:build !unix

package natsembed

import "os"

// Without flock the store is not guarded; Parley's images and CI run on Linux.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
