package memory

import (
	"bytes"
	"testing"
)

func TestAllocatorGrowsInPlaceAndKeepsContents(t *testing.T) {
	const page = 65536
	m := Allocator(64*page).Allocate(0, 1<<32)
	defer m.Free()
	b := m.Reallocate(page)
	if len(b) != page {
		t.Fatalf("len = %d, want %d", len(b), page)
	}
	if !bytes.Equal(b[:16], make([]byte, 16)) || b[page-1] != 0 {
		t.Fatal("new memory is not zero")
	}
	copy(b, "hello")
	b[page-1] = 7
	for _, size := range []uint64{2 * page, 17 * page, 64 * page} {
		nb := m.Reallocate(size)
		if uint64(len(nb)) != size {
			t.Fatalf("Reallocate(%d): len = %d", size, len(nb))
		}
		if string(nb[:5]) != "hello" || nb[page-1] != 7 {
			t.Fatalf("Reallocate(%d) lost the contents", size)
		}
		nb[size-1] = 1 // the whole new range is writable
		if nb[size-2] != 0 {
			t.Fatalf("Reallocate(%d): grown memory is not zero", size)
		}
	}
	if got := m.Reallocate(65 * page); got != nil {
		t.Fatalf("Reallocate past the limit = len %d, want nil", len(got))
	}
	if got := m.Reallocate(64 * page); len(got) != 64*page || string(got[:5]) != "hello" {
		t.Fatal("a refused grow changed the memory")
	}
}

func TestAllocatorLimit(t *testing.T) {
	for _, tc := range []struct {
		limit, max, size uint64
		want             bool
	}{
		{limit: 0, max: 1 << 20, size: 1 << 20, want: true},
		{limit: 0, max: 1 << 20, size: 2 << 20, want: false},
		{limit: 1 << 20, max: 1 << 30, size: 1 << 20, want: true},
		{limit: 1 << 20, max: 1 << 30, size: 1<<20 + 65536, want: false},
	} {
		m := Allocator(tc.limit).Allocate(0, tc.max)
		got := m.Reallocate(tc.size) != nil
		m.Free()
		if got != tc.want {
			t.Errorf("limit %d, max %d: Reallocate(%d) ok = %v, want %v", tc.limit, tc.max, tc.size, got, tc.want)
		}
	}
}

func TestSliceMemory(t *testing.T) { // the fallback where reserve is not available
	m := &sliceMemory{limit: 4 << 16}
	b := m.Reallocate(1 << 16)
	copy(b, "x")
	if b = m.Reallocate(3 << 16); len(b) != 3<<16 || b[0] != 'x' {
		t.Fatal("grow lost the contents")
	}
	if m.Reallocate(5<<16) != nil {
		t.Fatal("grew past the limit")
	}
}
