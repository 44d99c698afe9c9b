package bus

import (
	"slices"
)

// Access is what one service does on NATS: the subjects it publishes on, the streams it
// consumes, the streams whose consumers it only reports on, and the buckets it keeps. The
// NATS permissions of its user (deploy/, the secure test) are derived from it, and
// deploy/check fails when the deployed ones differ, so a new subject or bucket must be
// added here first.
type Access struct {
	Publish []string
	Consume []string
	Observe []string
	Buckets []string
}

// Services lists Parley's services in the order deploy/ names their NATS users.
var Services = []string{"fetch", "parse", "notify"}

// ServiceAccess is the Access of each service. Bucket names are spelled out because the
// services that own them import this package; each service's tests check its own.
var ServiceAccess = map[string]Access{
	"fetch": {
		Publish: []string{SubjectItems + ".>"},
		Buckets: []string{"parley_seen_items", "parley_feeds", "parley_feed_registry", "parley_fetch_members"},
	},
	"parse": {
		// A message parse cannot handle goes to the dead-letter queue under its stage.
		Publish: []string{SubjectEvents + ".>", SubjectDLQ + "." + DLQStagePrefix + ".>"},
		Consume: []string{StreamItems},
		Buckets: []string{"parley_articles"},
	},
	"notify": {
		Publish: []string{SubjectAlerts + ".>", SubjectDLQ + ".>"},
		Consume: []string{StreamEvents, StreamAlerts, StreamDLQ},
		// The status page and /metrics show the backlog of every stage.
		Observe: []string{StreamItems},
		Buckets: []string{"parley_subscriptions", "parley_deliveries", "parley_rounds", "parley_round_events"},
	},
}

// Permissions are the subjects a NATS user may publish and subscribe to.
type Permissions struct {
	Publish   []string
	Subscribe []string
}

// ServicePermissions is the least a service's user needs: its own subjects, JetStream's API
// for its own streams, consumers and buckets, and replies to its own requests. Every service
// creates the shared streams at start (whichever starts first), so each may create and read
// them, but only publish on its own subjects.
func ServicePermissions(service string) (Permissions, bool) {
	a, ok := ServiceAccess[service]
	if !ok {
		return Permissions{}, false
	}
	pub := append([]string{"$JS.API.INFO"}, a.Publish...)
	sub := []string{"_INBOX.>"}
	for _, s := range []string{StreamItems, StreamEvents, StreamAlerts, StreamDLQ} {
		pub = append(pub, manageStream(s)...)
	}
	for _, s := range a.Consume {
		pub = append(pub, consumeStream(s)...)
		sub = append(sub, "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."+s+".>")
	}
	for _, s := range a.Observe {
		pub = append(pub, observeStream(s)...)
	}
	for _, b := range a.Buckets {
		s := "KV_" + b
		pub = append(pub, "$KV."+b+".>")
		pub = append(pub, manageStream(s)...)
		pub = append(pub, consumeStream(s)...)
	}
	slices.Sort(pub)
	slices.Sort(sub)
	return Permissions{Publish: slices.Compact(pub), Subscribe: slices.Compact(sub)}, true
}

// UnionPermissions is what `parley run` against a shared NATS needs: all three services
// share its connection credentials.
func UnionPermissions() Permissions {
	var u Permissions
	for _, s := range Services {
		p, _ := ServicePermissions(s)
		u.Publish = append(u.Publish, p.Publish...)
		u.Subscribe = append(u.Subscribe, p.Subscribe...)
	}
	slices.Sort(u.Publish)
	slices.Sort(u.Subscribe)
	return Permissions{Publish: slices.Compact(u.Publish), Subscribe: slices.Compact(u.Subscribe)}
}

func manageStream(s string) []string {
	return []string{"$JS.API.STREAM.CREATE." + s, "$JS.API.STREAM.UPDATE." + s, "$JS.API.STREAM.INFO." + s}
}

func observeStream(s string) []string {
	return []string{"$JS.API.CONSUMER.LIST." + s, "$JS.API.CONSUMER.NAMES." + s, "$JS.API.CONSUMER.INFO." + s + ".>"}
}

func consumeStream(s string) []string {
	return append(observeStream(s),
		"$JS.API.CONSUMER.CREATE."+s, "$JS.API.CONSUMER.CREATE."+s+".>",
		"$JS.API.CONSUMER.DURABLE.CREATE."+s+".>", "$JS.API.CONSUMER.DELETE."+s+".>",
		"$JS.API.CONSUMER.MSG.NEXT."+s+".>", "$JS.API.STREAM.MSG.GET."+s,
		"$JS.API.DIRECT.GET."+s, "$JS.API.DIRECT.GET."+s+".>", "$JS.ACK."+s+".>", "$JS.FC."+s+".>")
}
