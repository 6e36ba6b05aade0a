// Package syncbuf is a goroutine-safe bytes.Buffer: the progress sink tests
// hand to code that writes from several goroutines while the test reads.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer whose contents can be read while it is written.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Len is how many bytes were written so far.
func (s *Buffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// Since returns what was written after the first n bytes.
func (s *Buffer) Since(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b.Bytes()[n:])
}
