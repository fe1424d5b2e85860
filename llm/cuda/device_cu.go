//go:build cuda

package cuda

import (
	"errors"
	"fmt"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/docent-dev/docent/llm/cuda/plan"
)

type cuDevice struct {
	dev     cu.Device
	ctx     cu.CUContext
	devName string
	target  int
	mods    map[string]cu.Module
	fns     []cu.Function
	args    [16]uint64
	argp    [16]unsafe.Pointer
}

// openDevice creates a context on device ordinal (the caller's OS thread
// is locked; the context is current on it afterwards).
func openDevice(ordinal int) (device, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return nil, check(err, "counting devices")
	}
	if ordinal < 0 || ordinal >= n {
		return nil, fmt.Errorf("cuda: device %d requested, %d present", ordinal, n)
	}
	d := &cuDevice{mods: map[string]cu.Module{}}
	for i := range d.argp {
		d.argp[i] = unsafe.Pointer(&d.args[i])
	}
	if d.dev, err = cu.GetDevice(ordinal); err != nil {
		return nil, check(err, "device %d", ordinal)
	}
	major, minor, err := d.dev.ComputeCapability()
	if err != nil {
		return nil, check(err, "compute capability of device %d", ordinal)
	}
	if d.target, err = plan.PickArch(major, minor); err != nil {
		return nil, err
	}
	if d.devName, err = d.dev.Name(); err != nil {
		return nil, check(err, "name of device %d", ordinal)
	}
	if d.ctx, err = d.dev.MakeContext(cu.SchedAuto); err != nil {
		return nil, check(err, "creating a context on %s", d.devName)
	}
	return d, nil
}

func (d *cuDevice) name() string { return d.devName }
func (d *cuDevice) arch() int    { return d.target }

func (d *cuDevice) bind() error {
	return check(cu.SetCurrentContext(d.ctx), "making the context current")
}

func (d *cuDevice) memInfo() (int64, int64, error) {
	free, total, err := cu.MemInfo()
	return free, total, check(err, "querying device memory")
}

func (d *cuDevice) alloc(n int64) (dptr, error) {
	p, err := cu.MemAlloc(n)
	if err != nil {
		return 0, fmt.Errorf("cuda: cuMemAlloc(%d): %w", n, err)
	}
	return dptr(p), nil
}

func (d *cuDevice) free(p dptr) error {
	return check(cu.MemFree(cu.DevicePtr(p)), "cuMemFree")
}

func (d *cuDevice) htod(dst dptr, src unsafe.Pointer, n int64) error {
	return check(cu.MemcpyHtoD(cu.DevicePtr(dst), src, n), "cuMemcpyHtoD of %d bytes", n)
}

func (d *cuDevice) dtoh(dst unsafe.Pointer, src dptr, n int64) error {
	return check(cu.MemcpyDtoH(dst, cu.DevicePtr(src), n), "cuMemcpyDtoH of %d bytes", n)
}

func (d *cuDevice) function(module, name string) (kernel, error) {
	mod, ok := d.mods[module]
	if !ok {
		file := "kernels/" + plan.PTXName(module, d.target)
		src, err := ptxFS.ReadFile(file)
		if err != nil {
			return 0, fmt.Errorf("cuda: embedded PTX %s: %w", file, err)
		}
		if mod, err = cu.LoadData(string(src)); err != nil {
			return 0, check(err, "loading PTX module %s on %s", file, d.devName)
		}
		d.mods[module] = mod
	}
	fn, err := mod.Function(name)
	if err != nil {
		return 0, check(err, "kernel %s in module %s", name, module)
	}
	d.fns = append(d.fns, fn)
	return kernel(len(d.fns) - 1), nil
}

// launch runs a kernel on the default stream. gorgonia.org/cu copies 8
// bytes per parameter; the driver reads each parameter's own size from
// the start of its slot, so ints and floats sit in the low bytes.
func (d *cuDevice) launch(k kernel, l plan.Launch, args []uint64) error {
	n := copy(d.args[:], args)
	return d.fns[k].Launch(l.Grid[0], l.Grid[1], l.Grid[2], l.Block[0], l.Block[1], l.Block[2], l.Shared, cu.Stream{}, d.argp[:n])
}

func (d *cuDevice) isOOM(err error) bool { return errors.Is(err, cu.OutOfMemory) }

func (d *cuDevice) close() error {
	var errs []error
	for name, m := range d.mods {
		errs = append(errs, check(m.Unload(), "unloading module %s", name))
	}
	d.mods = nil
	errs = append(errs, check(d.ctx.Destroy(), "destroying the context"))
	return errors.Join(errs...)
}
