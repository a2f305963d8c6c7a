//go:build !unix

package memory

// reserve is not implemented here: memories are Go slices (sliceMemory).
func reserve(uint64) *sliceMemory { return nil }
