package main

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// newBar is a progress bar on stderr, shown only to people (a terminal,
// no --json); scripts and logs get the final summary instead.
func newBar(n int, desc string) *progressbar.ProgressBar {
	visible := !flagJSON && term.IsTerminal(int(os.Stderr.Fd()))
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(), progressbar.OptionSetVisibility(visible), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowIts())
}
