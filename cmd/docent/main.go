// Command docent is the CLI and server entry point. Each command group lives
// in its own file of this package and registers itself on rootCmd in init().
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:           "docent",
	Short:         "Ask grounded questions over your private documents",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "docent:", err)
		os.Exit(1)
	}
}
