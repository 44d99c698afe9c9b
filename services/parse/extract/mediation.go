package extract

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// mediation is a track's standing arrangement: its sides negotiate through
// its mediators ("talks": in a track file). Israel and Hamas meet through
// Qatar, Egypt, the US and Türkiye, and reports of those talks often name
// one side and the mediators' delegations only.
type mediation struct {
	sides, mediators []string
	// partisans: mediators that are also a side's ally; what they hold
	// with that side at home is their own meeting ("Netanyahu at the
	// White House")
	partisans []string
}

// rawMediation is a track file's "talks:" section.
type rawMediation struct {
	Sides     []string `yaml:"sides"`
	Mediators []string `yaml:"mediators"`
	Partisans []string `yaml:"partisans"`
}

// compileMediation checks a track's talks against the gazetteer's codes.
func (x *Extractor) compileMediation(file string, r *rawMediation) error {
	if len(r.Sides) < 2 || len(r.Mediators) == 0 {
		return fmt.Errorf("extract: %s: talks need at least two sides and one mediator", file)
	}
	known := map[string]bool{}
	for _, e := range x.entities {
		known[e.code] = true
	}
	for _, c := range r.Partisans {
		if !slices.Contains(r.Mediators, c) {
			return fmt.Errorf("extract: %s: talks name %q as a partisan, which is none of their mediators; add it to mediators or drop it", file, c)
		}
	}
	for _, c := range slices.Concat(r.Sides, r.Mediators) {
		if !known[c] {
			return fmt.Errorf("extract: %s: talks name %q, which no entity of countries.yaml has as its code; add the entity or fix the code", file, c)
		}
	}
	x.mediations = append(x.mediations, mediation{sides: slices.Sorted(slices.Values(r.Sides)), mediators: r.Mediators, partisans: r.Partisans})
	return nil
}

// mediatedRounds reads a meeting of one side of a track with its
// mediators, held in a mediator's country, as a round of the track's talks
// when the article names the other sides too: "Israeli, US, Turkish and
// Qatari delegations arrived in Sharm el-Sheikh" for talks with Hamas.
// The mediators who were read as sides go back to being mediators.
func (x *Extractor) mediatedRounds(evs []Event, named map[string]bool) {
	for i := range evs {
		ev := &evs[i]
		for _, md := range x.mediations {
			if md.applies(ev, named) {
				// The host of mediated talks is one of their mediators.
				helpers := []string{ev.Location.Country}
				for _, p := range ev.Parties {
					if !slices.Contains(md.sides, p) {
						helpers = append(helpers, p)
					}
				}
				ev.Parties = slices.Clone(md.sides)
				for _, h := range helpers {
					if !slices.Contains(ev.Mediators, h) {
						ev.Mediators = append(ev.Mediators, h)
					}
				}
				sort.Strings(ev.Mediators)
				break
			}
		}
	}
}

// mediatedSides are the sides of a track's mediated talks for cl, a
// meeting of one of their sides with their mediators ("a Hamas delegation
// will hold talks with Egyptian mediators in Cairo"), when the article
// names every side; nil otherwise.
func (x *Extractor) mediatedSides(cl *cluster, pd time.Time, named map[string]bool) []string {
	if named == nil {
		return nil
	}
	ev, _ := x.event(cl, pd, nil)
	if len(ev.Parties) != 1 {
		return nil
	}
	for _, md := range x.mediations {
		if md.applies(&ev, named) {
			return slices.Clone(md.sides)
		}
	}
	return nil
}

func (md *mediation) applies(ev *Event, named map[string]bool) bool {
	// Hamas's delegation with Egypt's mediators in Cairo is a round of
	// the talks; Netanyahu with Trump at the White House is not.
	host := ev.Location.Country
	if !slices.Contains(md.mediators, host) || slices.Contains(md.sides, host) ||
		slices.Contains(md.partisans, host) && slices.Contains(ev.Parties, host) {
		return false
	}
	side, helper := false, false
	for _, p := range ev.Parties {
		switch {
		case slices.Contains(md.sides, p):
			side = true
		case slices.Contains(md.mediators, p):
			helper = true
		default:
			return false
		}
	}
	// "A Hamas delegation will hold talks with Egyptian mediators in
	// Cairo": the mediators may be named as helpers, not sides.
	helper = helper || slices.ContainsFunc(ev.Mediators, func(m string) bool { return slices.Contains(md.mediators, m) })
	if !side || !helper {
		return false
	}
	for _, s := range md.sides {
		if !named[s] {
			return false
		}
	}
	return true
}
