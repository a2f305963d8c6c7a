package host

import (
	"reflect"
	"testing"
)

func TestAbsScript(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
		typed    string
	}{
		{[]string{"s.py", "a"}, []string{"/d/s.py", "a"}, "s.py"},
		{[]string{"-u", "-W", "ignore", "s.py"}, []string{"-u", "-W", "ignore", "/d/s.py"}, "s.py"},
		{[]string{"-X", "dev", "sub/s.py", "x.py"}, []string{"-X", "dev", "/d/sub/s.py", "x.py"}, "sub/s.py"},
		{[]string{"./s.py"}, []string{"/d/s.py"}, "./s.py"},
		{[]string{"-c", "print(1)", "s.py"}, []string{"-c", "print(1)", "s.py"}, ""},
		{[]string{"-uc", "print(1)"}, []string{"-uc", "print(1)"}, ""},
		{[]string{"-m", "json.tool", "f"}, []string{"-m", "json.tool", "f"}, ""},
		{[]string{"-", "f"}, []string{"-", "f"}, ""},
		{[]string{"/abs.py"}, []string{"/abs.py"}, ""},
		{[]string{"--", "s.py"}, []string{"--", "/d/s.py"}, "s.py"},
		{[]string{"--", "/abs.py"}, []string{"--", "/abs.py"}, ""},
		{nil, nil, ""},
	} {
		got, typed := absScript(tc.in, "/d")
		if (!reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0)) || typed != tc.typed {
			t.Errorf("absScript(%q) = %q, %q; want %q, %q", tc.in, got, typed, tc.want, tc.typed)
		}
	}
}
