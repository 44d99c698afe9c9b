package notify

import (
	"strings"
	"testing"
)

func TestFilterValuesAreChecked(t *testing.T) {
	ok := Subscription{Name: "desk", Target: "console://", Filter: Filter{Parties: []string{"RU", "ua"}, Topics: []string{"ceasefire", "Territory"}}}
	if err := checkSubscription(ok, func(f string) string { return f }); err != nil {
		t.Errorf("valid filter refused: %v", err)
	}
	for _, tc := range []struct {
		filter Filter
		want   []string
	}{
		{Filter{Parties: []string{"Ukraine"}}, []string{"filter.parties[0]", `"Ukraine"`, "did you mean UA?"}},
		{Filter{Parties: []string{"RU", "RUS"}}, []string{"filter.parties[1]", "did you mean RU?"}},
		{Filter{Parties: []string{"XX"}}, []string{"ISO 3166-1 alpha-2"}},
		{Filter{Topics: []string{"cease_fire"}}, []string{"filter.topics[0]", `"cease_fire" is not a topic`, "ceasefire", "humanitarian_aid"}},
	} {
		s := Subscription{Name: "desk", Target: "console://", Filter: tc.filter}
		err := checkSubscription(s, func(f string) string { return f })
		if err == nil {
			t.Errorf("%+v accepted", tc.filter)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", tc.filter, err, w)
			}
		}
	}
}
