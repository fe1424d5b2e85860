package main

import "github.com/spf13/cobra"

// modelCmd groups the engine commands (info, tokenize, render, synth, ...).
// Each subcommand lives in its own file (model_*.go) and adds itself here.
var modelCmd = &cobra.Command{
	Use:   "model",
	Short: "Inspect and run local GGUF models",
}

func init() { rootCmd.AddCommand(modelCmd) }
