package extract
import ("testing";"time";"fmt")
func TestDbgX(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for _, txt := range []string{
	"Senior Israeli, US and Qatari delegations arrived in Sharm el-Sheikh, where the negotiations between Israel and Hamas are taking place. Their presence signaled progress in the talks that were launched Monday by lower-level teams.",
	"Egypt's Sisi said Wednesday a deal was in sight. His statement came as senior Israeli, US and Qatari delegations arrived in Sharm el-Sheikh, where the negotiations between Israel and Hamas are taking place. Their presence signaled progress in the talks that were launched Monday by lower-level teams.",
	} {
	evs := x.Extract(Article{Title: "Sisi says Gaza deal in sight as envoys join talks", Text: txt, Published: pub})
	for _, e := range evs { fmt.Println(e.Parties, e.Location.City, e.StartDate(), e.Status) }
	fmt.Println()
	}
}
