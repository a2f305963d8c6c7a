//go:build !linux && !darwin

package main

import "os"

func isTerminal(f *os.File) bool { return false }
