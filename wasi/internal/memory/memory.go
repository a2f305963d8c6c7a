// Package memory backs wasm linear memories for wazero.
//
//	ctx = experimental.WithMemoryAllocator(ctx, memory.Allocator(limit))
//	mod, err := rt.InstantiateModule(ctx, compiled, cfg)
//
// wazero's default memory is a Go slice that is re-allocated and copied as the guest grows it, and that
// the Go garbage collector counts towards its heap. Where the platform allows, Allocator instead reserves
// the memory's whole address range once (no access, no commit charge) and makes pages readable and
// writable as the guest grows into them: growing never copies, fresh pages are zero without being
// cleared, and the guest's memory is not Go heap. Elsewhere it falls back to a growing Go slice.
package memory

import "github.com/tetratelabs/wazero/experimental"

// Allocator returns a memory allocator whose memories refuse to grow past limit bytes (0: the module's
// own maximum).
func Allocator(limit uint64) experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(capacity, max uint64) experimental.LinearMemory {
		if limit > 0 && limit < max {
			max = limit
		}
		if m := reserve(max); m != nil {
			return m
		}
		return &sliceMemory{limit: max, buf: make([]byte, 0, min(capacity, max))}
	})
}

// sliceMemory is a Go slice that grows by doubling, refusing to grow past limit bytes.
type sliceMemory struct {
	limit uint64
	buf   []byte
}

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > m.limit {
		return nil
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	c := max(size, min(m.limit, uint64(cap(m.buf))*2))
	nb := make([]byte, size, c)
	copy(nb, m.buf)
	m.buf = nb
	return m.buf
}

func (m *sliceMemory) Free() { m.buf = nil }
