package lang

import "testing"

func TestDetect(t *testing.T) {
	d := New()
	for _, tc := range []struct{ name, text, want string }{
		{"english", "Russian and Ukrainian delegations met in Abu Dhabi on Friday for a second day of talks.", "en"},
		{"russian", "Переговоры делегаций России, Украины и США в Женеве завершились в среду, сообщили источники.", "ru"},
		{"ukrainian", "Переговори української та американської делегацій у Маямі тривають другий день, повідомив Умєров.", "uk"},
		{"german", "Die Delegationen trafen sich am Sonntag in Berlin zu Gesprächen über Sicherheitsgarantien.", "de"},
		{"french", "Les délégations se sont retrouvées dimanche à Genève pour des pourparlers sur la sécurité et le cessez-le-feu.", "fr"},
		{"ukrainian without its own letters", "Делегації зустрілися в Женеві в середу", "uk"},
		{"russian quoting a ukrainian name", "Переговоры с участием Умєрова прошли в Женеве, где обсуждались гарантии безопасности.", "ru"},
		{"too short", "Kyiv", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Detect(tc.text); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
	var nilDet *Detector
	if got := nilDet.Detect("Russian and Ukrainian delegations met in Abu Dhabi on Friday."); got != "" {
		t.Errorf("nil detector = %q", got)
	}
}
