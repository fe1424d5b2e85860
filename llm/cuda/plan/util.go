package plan

import "math"

func mathFloat32(b uint32) float32 { return math.Float32frombits(b) }

func mathBits(f float32) uint32 { return math.Float32bits(f) }
