package main

import "testing"

func TestParseMemoryLimit(t *testing.T) {
	for in, want := range map[string]int64{
		"536870912\n":           536870912, // v2 or v1, 512 MiB
		"max\n":                 0,         // v2 without a limit
		"9223372036854771712\n": 0,         // v1 without a limit
		"":                      0,
	} {
		got, ok := parseMemoryLimit(in)
		if got != want || ok != (want > 0) {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}
