//go:build unix

package memory

import (
	"sync"
	"syscall"
)

// commitStep is the granularity in which reserved pages are made accessible: growing in steps keeps the
// number of mprotect calls (and kernel mappings) small for guests that grow one wasm page at a time.
const commitStep = 1 << 20

// mappedMemory is an address range reserved with mmap; the first committed bytes are readable and writable.
type mappedMemory struct {
	mu        sync.Mutex
	region    []byte // the whole reservation, PROT_NONE beyond committed
	committed uint64
}

func reserve(max uint64) *mappedMemory {
	if max == 0 || max > 1<<32 || uint64(int(max)) != max { // (on 32-bit platforms, 4 GiB does not fit)
		return nil
	}
	b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil
	}
	return &mappedMemory{region: b}
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.region == nil || size > uint64(len(m.region)) {
		return nil
	}
	if size > m.committed {
		end := min((size+commitStep-1)/commitStep*commitStep, uint64(len(m.region)))
		if syscall.Mprotect(m.region[m.committed:end], syscall.PROT_READ|syscall.PROT_WRITE) != nil {
			return nil
		}
		m.committed = end
	}
	return m.region[:size:size]
}

func (m *mappedMemory) Free() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.region != nil {
		syscall.Munmap(m.region)
		m.region = nil
	}
}
