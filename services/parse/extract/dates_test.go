package extract

import (
	"testing"
	"time"
)

func TestDateResolution(t *testing.T) {
	x := newTestExtractor(t)
	wed := time.Date(2026, 1, 21, 10, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		text       string
		start, end string
		prec       Precision
	}{
		{"Negotiators met in Geneva on Saturday.", "2026-01-17", "2026-01-17", PrecisionDay},
		{"Negotiators will meet in Geneva on Saturday.", "2026-01-24", "2026-01-24", PrecisionDay},
		{"Negotiators are expected to begin talks in Geneva on Saturday.", "2026-01-24", "2026-01-24", PrecisionDay},
		{"Talks were held in Geneva yesterday.", "2026-01-20", "2026-01-20", PrecisionDay},
		{"Talks are being held in Geneva today.", "2026-01-21", "2026-01-21", PrecisionDay},
		{"The sides will meet in Geneva tomorrow.", "2026-01-22", "2026-01-22", PrecisionDay},
		{"The sides will meet in Geneva this weekend.", "2026-01-24", "2026-01-25", PrecisionWeek},
		{"The sides will meet in Geneva next week.", "2026-01-26", "2026-02-01", PrecisionWeek},
		{"The sides met in Geneva earlier this week.", "2026-01-19", "2026-01-20", PrecisionWeek},
		{"The sides met in Geneva last week.", "2026-01-12", "2026-01-18", PrecisionWeek},
		{"Talks in Geneva on Jan. 23-24 are expected to be difficult.", "2026-01-23", "2026-01-24", PrecisionDay},
		{"They will meet in Geneva on January 23.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"They met in Geneva on Dec 28.", "2025-12-28", "2025-12-28", PrecisionDay},
		{"They will meet in Geneva on Feb. 17-18.", "2026-02-17", "2026-02-18", PrecisionDay},
		{"They met in Geneva on 13-14 January.", "2026-01-13", "2026-01-14", PrecisionDay},
		{"They will meet in Geneva from January 31 to February 1.", "2026-01-31", "2026-02-01", PrecisionDay},
		{"They met in Geneva on Jan. 23, 2025.", "2025-01-23", "2025-01-23", PrecisionDay},
		{"They met in Geneva on Friday and Saturday.", "2026-01-16", "2026-01-17", PrecisionDay},
		{"They will meet in Geneva from Friday to Sunday.", "2026-01-23", "2026-01-25", PrecisionDay},
		{"They met in Geneva last Wednesday.", "2026-01-14", "2026-01-14", PrecisionDay},
		{"They will meet in Geneva next Thursday.", "2026-01-29", "2026-01-29", PrecisionDay},
		{"They will meet in Geneva next Monday.", "2026-01-26", "2026-01-26", PrecisionDay},
		{"They met in Geneva last summer.", "2025-06-01", "2025-08-31", PrecisionSeason},
		{"They will meet in Geneva in March.", "2026-03-01", "2026-03-31", PrecisionMonth},
		{"They met in Geneva in December.", "2025-12-01", "2025-12-31", PrecisionMonth},
		{"They will meet in Geneva next month.", "2026-02-01", "2026-02-28", PrecisionMonth},
		{"They will meet in Geneva later this month.", "2026-01-22", "2026-01-31", PrecisionMonth},
		{"Talks in Geneva between the two sides ended on Friday after a week of negotiations.", "2026-01-10", "2026-01-16", PrecisionDay},
		{"Pakistani and Afghan officials held talks in Doha on Sunday after a week of border clashes.", "2026-01-18", "2026-01-18", PrecisionDay},
		{"They met in Geneva earlier this month.", "2026-01-01", "2026-01-20", PrecisionMonth},
		{"Переговори делегацій відбудуться 10.03.2026 у Женеві.", "2026-03-10", "2026-03-10", PrecisionDay},
		{"Переговоры делегаций прошли 19.01 в Женеве.", "2026-01-19", "2026-01-19", PrecisionDay},
		{"Переговоры в Женеве идут с декабря позапрошлого года.", "2024-12-01", "2024-12-31", PrecisionMonth},
		{"Переговори в Женеві тривають з грудня минулого року.", "2025-12-01", "2025-12-31", PrecisionMonth},
		{"Делегации встретятся в Женеве в марте следующего года.", "2027-03-01", "2027-03-31", PrecisionMonth},
		{"Umerov said on Monday that talks would take place in Geneva on Friday.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"In a statement on Tuesday, officials said the meeting in Geneva was set for 2026-01-30.", "2026-01-30", "2026-01-30", PrecisionDay},
		{"The delegations began two-day talks in Geneva on Monday.", "2026-01-19", "2026-01-20", PrecisionDay},
		{"The talks in Geneva ended on Tuesday after two days.", "2026-01-19", "2026-01-20", PrecisionDay},
		{"They met in Geneva three days ago.", "2026-01-18", "2026-01-18", PrecisionDay},
		{"The second round of talks in Geneva opened this morning.", "2026-01-21", "2026-01-21", PrecisionDay},
		{"The sides will meet in Geneva on the 3rd of March.", "2026-03-03", "2026-03-03", PrecisionDay},
		{"The minister said on Monday that the third round of talks in Geneva had ended without agreement.", "2026-01-19", "2026-01-19", PrecisionDay},
		{"Delegations arrived in Geneva on Tuesday and the talks opened this afternoon.", "2026-01-21", "2026-01-21", PrecisionDay},
		{"Trump and Zelensky met at Mar-a-Lago on Sunday.", "2026-01-18", "2026-01-18", PrecisionDay},
		{"Officials confirmed on Wednesday that the delegations would meet in Geneva on Friday.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"A source confirmed to Al Jazeera on Monday that talks would be held in Geneva on Friday.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"An official told Reuters yesterday that the sides would meet in Geneva on Friday.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"A summit between the two leaders in Geneva collapsed in March.", "2025-03-01", "2025-03-31", PrecisionMonth},
		{"The sides met in Muscat last month, and Iran's written offer is expected by Friday.", "2025-12-01", "2025-12-31", PrecisionMonth},
		{"The talks in Geneva opened on Monday and are expected to last three days.", "2026-01-19", "2026-01-21", PrecisionDay},
		{"They met in Geneva in the middle of December.", "2025-12-11", "2025-12-20", PrecisionMonth},
		{"They will meet in Geneva at the end of March.", "2026-03-21", "2026-03-31", PrecisionMonth},
		{"They will meet in Geneva on 25th.", "2026-01-25", "2026-01-25", PrecisionDay},
		{"Chile and Peru signed a fisheries accord in Lima on Saturday.", "2026-01-17", "2026-01-17", PrecisionDay},
		{"Talks in Geneva are set to begin shortly.", "2026-01-21", "2026-01-21", PrecisionDay},
		{"A truce was signed in Geneva on Feb. 10 between the two armies.", "2025-02-10", "2025-02-10", PrecisionDay},
		{"The sides agreed to meet again in Geneva in two weeks.", "2026-02-01", "2026-02-07", PrecisionWeek},
		{"Стороны договорились встретиться в Женеве через три дня.", "2026-01-24", "2026-01-24", PrecisionDay},
		{"The sides will meet in Geneva early next month.", "2026-02-01", "2026-02-10", PrecisionMonth},
		{"Следующий раунд переговоров пройдет в Женеве в начале следующего месяца.", "2026-02-01", "2026-02-10", PrecisionMonth},
		{"Наступний раунд переговорів відбудеться в Женеві наприкінці цього місяця.", "2026-01-21", "2026-01-31", PrecisionMonth},
		{"Лидеры двух стран встретились в Женеве в четверг.", "2026-01-15", "2026-01-15", PrecisionDay},
		{"Лідери двох країн зустрілися в Женеві в четвер.", "2026-01-15", "2026-01-15", PrecisionDay},
		{"Talks in Geneva set for Friday were postponed to next week.", "2026-01-26", "2026-02-01", PrecisionWeek},
		{"Talks in Geneva have been postponed until mid-week.", "2026-01-27", "2026-01-29", PrecisionWeek},
		{"The next round will be held in Geneva at the end of the month.", "2026-01-21", "2026-01-31", PrecisionMonth},
		{"Следующий раунд пройдет в Женеве в конце месяца.", "2026-01-21", "2026-01-31", PrecisionMonth},
		{"В декабре стороны встретились в Женеве.", "2025-12-01", "2025-12-31", PrecisionMonth},
		{"Наступний раунд переговорів у Женеві запланований на березень.", "2026-03-01", "2026-03-31", PrecisionMonth},
		{"Переговоры пройдут в Женеве 23 января.", "2026-01-23", "2026-01-23", PrecisionDay},
		{"Переговоры в Женеве состоялись в субботу.", "2026-01-17", "2026-01-17", PrecisionDay},
		{"Переговори відбудуться в Женеві 23-24 січня.", "2026-01-23", "2026-01-24", PrecisionDay},
	}
	for _, tt := range tests {
		ms := x.mentions(Article{Published: wed, Text: tt.text}).mentions
		if len(ms) == 0 {
			t.Errorf("%q: no meeting mention", tt.text)
			continue
		}
		m := ms[0]
		if got, got2 := fmtDate(m.start), fmtDate(m.end); got != tt.start || got2 != tt.end || m.prec != tt.prec {
			t.Errorf("%q: got %s..%s %s, want %s..%s %s", tt.text, got, got2, m.prec, tt.start, tt.end, tt.prec)
		}
	}
}

func TestStatus(t *testing.T) {
	x := newTestExtractor(t)
	fri := time.Date(2026, 1, 23, 12, 0, 0, 0, time.UTC) // a Friday
	tests := []struct {
		text string
		want Status
	}{
		{"Russian and Ukrainian delegations will meet in Geneva on Saturday.", StatusScheduled},
		{"Russian and Ukrainian delegations met in Geneva on Thursday.", StatusHeld},
		{"Russian and Ukrainian delegations met in Geneva on Friday.", StatusHeld},
		{"Russian and Ukrainian delegations began two days of talks in Geneva on Friday.", StatusUnderway},
		{"Russian and Ukrainian delegations are meeting in Geneva.", StatusUnderway},
		{"Russian and Ukrainian delegations will meet in Geneva later on Friday.", StatusScheduled},
		{"Talks between Russia and Ukraine in Geneva planned for Saturday have been postponed.", StatusPostponed},
		{"Talks between Russia and Ukraine in Geneva planned for Saturday have been called off.", StatusCancelled},
		{"Talks between Russia and Ukraine in Geneva ended on Friday.", StatusHeld},
		{"Russian and Ukrainian negotiators met in Geneva in December.", StatusHeld},
		{"Russian and Ukrainian negotiators will meet in Geneva next week.", StatusScheduled},
	}
	for _, tt := range tests {
		evs := x.Extract(Article{Published: fri, Text: tt.text})
		if len(evs) == 0 {
			t.Errorf("%q: no event", tt.text)
			continue
		}
		if evs[0].Status != tt.want {
			t.Errorf("%q: status %s, want %s", tt.text, evs[0].Status, tt.want)
		}
	}
}

func TestNegativeSentences(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 2, 9, 12, 0, 0, 0, time.UTC)
	for _, text := range []string{
		"Russia is ready for talks with Ukraine in Istanbul, the Kremlin said on Monday.",
		"Ukraine said on Monday it had suspended talks with Russia after a missile strike on Kyiv.",
		"Any new round of talks could take place in Geneva next week, diplomats said.",
		"Russia launched 200 drones at Ukraine overnight, officials in Kyiv said on Monday.",
		"EU foreign ministers will adopt new sanctions against Russia at a meeting in Brussels on Monday.",
		"Turkey has offered to host talks between Russia and Ukraine in Istanbul.",
		"No date has been set for a meeting between Putin and Zelensky.",
		"The foreign ministers of India and Pakistan are not expected to meet at the regional summit in Astana next week.",
		"Ahead of the meeting, Russia appeared likely to seek a return to six-party talks on the nuclear issue in Beijing.",
		"The leaders of Japan and South Korea agreed on Monday to hold summits regularly.",
		"Every few months, delegations from Moscow and Kyiv meet in Istanbul, pose for photographs and fly home.",
		"Делегации Москвы и Киева каждый раз встречаются в Стамбуле и уезжают ни с чем.",
		"Новый раунд переговоров делегаций России и Украины в Стамбуле может состояться на следующей неделе.",
	} {
		if evs := x.Extract(Article{Published: pub, Text: text}); evs != nil {
			t.Errorf("%q: want no event, got %s", text, describe(evs))
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	x := newTestExtractor(t)
	a := Article{Published: time.Date(2026, 1, 23, 12, 0, 0, 0, time.UTC),
		Text: "Russian, Ukrainian and US delegations began talks in Abu Dhabi on Friday."}
	want := x.Extract(a)
	done := make(chan []Event)
	for range 8 {
		go func() { done <- x.Extract(a) }()
	}
	for range 8 {
		got := <-done
		if len(got) != len(want) || got[0].Location != want[0].Location || got[0].StartDate() != want[0].StartDate() {
			t.Errorf("concurrent result differs: %v vs %v", describe(got), describe(want))
		}
	}
}
