//go:build cudaemu && !cuda

package cuda

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/docent-dev/docent/llm/cuda/emu"
	"github.com/docent-dev/docent/llm/cuda/plan"
)

// emuDevice runs the kernels on the CPU (llm/cuda/emu), for tests
// without a GPU. "Device" memory is host memory.
type emuDevice struct {
	live map[dptr]int64
}

func openDevice(ordinal int) (device, error) {
	if ordinal != 0 {
		return nil, fmt.Errorf("cuda: device %d requested, 1 present (emulator)", ordinal)
	}
	return &emuDevice{live: map[dptr]int64{}}, nil
}

func (d *emuDevice) name() string { return "CPU emulator" }
func (d *emuDevice) arch() int    { return plan.Archs[0] }
func (d *emuDevice) bind() error  { return nil }

func (d *emuDevice) memInfo() (int64, int64, error) { return 64 << 30, 64 << 30, nil }

func (d *emuDevice) alloc(n int64) (dptr, error) {
	p, err := emu.Alloc(n)
	if err != nil {
		return 0, err
	}
	d.live[dptr(p)] = n
	return dptr(p), nil
}

func (d *emuDevice) free(p dptr) error {
	if _, ok := d.live[p]; !ok {
		return errors.New("cuda emulator: free of an unknown pointer")
	}
	delete(d.live, p)
	emu.Free(uint64(p))
	return nil
}

func (d *emuDevice) htod(dst dptr, src unsafe.Pointer, n int64) error {
	emu.HtoD(uint64(dst), src, n)
	return nil
}

func (d *emuDevice) dtoh(dst unsafe.Pointer, src dptr, n int64) error {
	emu.DtoH(dst, uint64(src), n)
	return nil
}

func (d *emuDevice) function(module, name string) (kernel, error) {
	k, err := emu.Kernel(name)
	return kernel(k), err
}

func (d *emuDevice) launch(k kernel, l plan.Launch, args []uint64) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return emu.Launch(int(k), l.Grid[0], l.Block[0], l.Shared, args)
}

func (d *emuDevice) isOOM(err error) bool { return errors.Is(err, emu.ErrOutOfMemory) }

func (d *emuDevice) close() error {
	if len(d.live) != 0 {
		return errors.New("cuda emulator: memory still allocated at close")
	}
	return nil
}
