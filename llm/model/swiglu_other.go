//go:build !amd64 || purego

package model

func swiglu(gate, up []float32) { swigluGo(gate, up) }
