package scrub

import (
	"bytes"
	"io"
	"sync"
)

// Writer scrubs what is written through it line by line (Secrets sees
// whole lines, so an assignment split over two writes is still masked).
// Flush writes a last, unterminated line. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer that passes scrubbed lines on to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write buffers p and writes every completed line, scrubbed.
func (s *Writer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	i := bytes.LastIndexByte(s.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	lines := string(s.buf[:i+1])
	s.buf = append(s.buf[:0], s.buf[i+1:]...)
	if _, err := io.WriteString(s.w, Secrets(lines)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is left of an unterminated line.
func (s *Writer) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(s.w, Secrets(string(s.buf)))
	s.buf = s.buf[:0]
	return err
}
