package host_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/srt-sandbox/srt/host"
)

func TestOutputLimit(t *testing.T) {
	tests := []struct {
		max              int64
		writes           []string // "o:" stdout, "e:" stderr
		wantOut, wantErr string
		wantTruncated    bool
	}{
		{0, []string{"o:hello", "e:err"}, "hello", "err", false},
		{10, []string{"o:hello", "e:err"}, "hello", "err", false},
		{6, []string{"o:hello", "e:err", "o:more"}, "hello", "e\nsrt: output truncated (limit 6 bytes; --max-output)\n", true},
		{3, []string{"o:hello", "o:x", "e:y"}, "hel", "\nsrt: output truncated (limit 3 bytes; --max-output)\n", true},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		lim := host.NewOutputLimit(tt.max, &out, &errb)
		for _, w := range tt.writes {
			dst := lim.Stdout()
			if strings.HasPrefix(w, "e:") {
				dst = lim.Stderr()
			}
			if n, err := dst.Write([]byte(w[2:])); n != len(w)-2 || err != nil {
				t.Errorf("Write(%q) = %d, %v; want all bytes accepted", w, n, err)
			}
		}
		if out.String() != tt.wantOut || errb.String() != tt.wantErr || lim.Truncated() != tt.wantTruncated {
			t.Errorf("max %d: stdout %q stderr %q truncated %v; want %q %q %v", tt.max, out.String(), errb.String(),
				lim.Truncated(), tt.wantOut, tt.wantErr, tt.wantTruncated)
		}
	}
}
