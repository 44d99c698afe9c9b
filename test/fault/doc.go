// Package fault proves that Parley loses and duplicates nothing when processes die, a NATS
// node restarts or a subscriber's endpoint goes away. Its test runs the real `parley`
// binary as separate processes, two replicas of each service, against a 3-node JetStream
// cluster started in the test. It has no code of its own.
package fault
